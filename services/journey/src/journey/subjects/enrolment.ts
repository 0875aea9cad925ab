import { localDate } from '../calendar.js';
import { Anomaly, TERMINAL } from '../model.js';
import type { SubjectHandlers } from './handlers.js';

const within = (date: string, start: string | null, end: string | null) =>
  (start === null || date.slice(0, start.length) >= start) && (end === null || date.slice(0, end.length) <= end);

/**
 * Enrolment in training (§c.3). Absence at entry, cancellation, interruptions, attendance, abandon and exit are
 * plain transitions of the table; what is here links the enrolment to what it came from and checks its dates.
 */
export const enrolmentHandlers: SubjectHandlers = {
  EnrolmentOpened: (step, body) => {
    const { origin, originId } = body;
    const activeBefore = [...step.fold.parts.values()].find(
      (part) => part.kind === 'ENROLMENT' && !TERMINAL.has(part.status),
    );
    const outcome = step.born('ENROLMENT', body.enrolmentId, 'INSCRIT_EN_FORMATION', {
      from: originId,
      origin,
      openedOn: localDate(step.at, step.session?.timeZone),
    });
    if (outcome.anomaly) return outcome;
    // E1: enrolled when retained (R5/R8/C4) or proposed directly.
    const originKind =
      origin === 'CANDIDATURE'
        ? 'CANDIDATURE'
        : origin === 'RECRUITMENT_RESULT' || origin === 'WAITLIST'
          ? 'REGISTRATION'
          : null;
    // Issue 15: an AIF-funded trainee is enrolled from a validated quote.
    if (origin === 'QUOTE') {
      const quote = originId ? step.partOf('QUOTE', originId) : undefined;
      if (quote?.status !== 'DEVIS_VALIDE')
        return {
          ...outcome,
          anomaly: new Anomaly(
            'RULE_VIOLATION',
            `enrolled from QUOTE ${originId ?? '(none)'} which is ${quote?.status ?? 'unknown'}, not DEVIS_VALIDE`,
          ),
        };
    }
    const originPart = originKind && originId ? step.partOf(originKind, originId) : undefined;
    if (originKind && originPart?.status !== 'RETENU')
      return {
        ...outcome,
        anomaly: new Anomaly(
          'RULE_VIOLATION',
          `enrolled from ${originKind} ${originId ?? '(none)'} which is ${originPart?.status ?? 'unknown'}, not RETENU`,
        ),
      };
    if (activeBefore)
      return {
        ...outcome,
        anomaly: new Anomaly('RULE_VIOLATION', `enrolment ${activeBefore.id} is still ${activeBefore.status}`),
      };
    return outcome;
  },
  EntryRecorded: (step, body) => {
    const outcome = step.move('ENROLMENT', body.enrolmentId, 'ENTRE_EN_FORMATION');
    if (outcome.anomaly) return outcome;
    const part = step.partOf('ENROLMENT', body.enrolmentId);
    if (part) part.entryDate = body.entryDate;
    // Issue 15: a DE with an AIF quote (not cancelled) enters once one is validated.
    const quotes = [...step.fold.parts.values()].filter(
      (candidate) => candidate.kind === 'QUOTE' && candidate.status !== 'DEVIS_ANNULE',
    );
    if (quotes.length > 0 && !quotes.some((quote) => quote.status === 'DEVIS_VALIDE'))
      return {
        ...outcome,
        anomaly: new Anomaly(
          'RULE_VIOLATION',
          `entered while the AIF quote is ${quotes.map((q) => q.status).join(', ')}`,
        ),
      };
    // E2: the actual entry date falls within the session.
    const session = step.session;
    if (session && !within(body.entryDate, session.start, session.end))
      return {
        ...outcome,
        anomaly: new Anomaly(
          'RULE_VIOLATION',
          `entry date ${body.entryDate} outside the session (${session.start ?? '?'} – ${session.end ?? '?'})`,
        ),
      };
    return outcome;
  },
  EntryCorrected: (step, body) => {
    const touched = step.touch('ENROLMENT', body.enrolmentId);
    if (touched.part) touched.part.entryDate = body.entryDate;
    return touched;
  },
  EndOfTrainingReportRecorded: (step, body) => {
    const touched = step.touch('ENROLMENT', body.enrolmentId);
    if (touched.part?.reportRecorded)
      return {
        ...touched,
        anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', 'the end-of-training report is already recorded'),
      };
    if (touched.part) touched.part.reportRecorded = true;
    return touched;
  },
};
