import { mayRecord, STATUS_LABELS } from '@passerelle/schemas';
import { type SessionEventName, traineeFields } from '../emit.js';
import type { SessionAggregate } from '../state.js';
import { overlaps, parisClock, withinPartial } from '../time.js';
import {
  type ActContext,
  type ActOf,
  type Decided,
  enrolmentOf,
  invalidTransition,
  journeyIdOf,
  openEnrolment,
  openForRecruitment,
  personalData,
  refuse,
  requireSessionNotEnded,
  requireTrainingPlace,
  requireTransition,
} from './guards.js';

function proposeDirectly(state: SessionAggregate, act: ActOf<'enrolment.propose'>, context: ActContext): Decided {
  openForRecruitment(state);
  requireSessionNotEnded(state, context.now);
  requireTrainingPlace(state);
  const journeyId = journeyIdOf(context, act.de, state.sessionKey);
  const enrolmentId = openEnrolment(state, journeyId, personalData(act.de), 'DIRECT_PROPOSAL', null, context);
  return { status: 201, result: { enrolmentId, journeyId } };
}

type EnrolmentAct = ActOf<
  | 'enrolment.propose'
  | 'enrolment.entry'
  | 'enrolment.correct-entry'
  | 'enrolment.absence-at-entry'
  | 'enrolment.interruption'
  | 'enrolment.end-interruption'
  | 'enrolment.attendance'
  | 'enrolment.abandon'
  | 'enrolment.exit'
  | 'enrolment.report'
  | 'enrolment.cancel'
>;

/**
 * The decider of enrolment in training (domain.md §c.3), from the proposal or the retained result that opens it to
 * the end-of-training report. Which status each act may start from is the lifecycle table's (`requireStatus` reads
 * it for the record the act emits); the dates and periods around it are checked here.
 */
export function decideEnrolmentAct(state: SessionAggregate, act: EnrolmentAct, context: ActContext): Decided {
  if (act.type === 'enrolment.propose') return proposeDirectly(state, act, context);
  const enrolment = enrolmentOf(state, act.enrolmentId);
  const fields = { ...traineeFields(state, enrolment.journeyId), enrolmentId: enrolment.enrolmentId };
  const emit = context.emission;
  const today = parisClock(context.now).date;
  const sessionStart = state.session?.start ?? null;
  const sessionEnd = state.session?.end ?? null;
  const requireStatus = (record: SessionEventName, what: string) =>
    requireTransition(context.lifecycle, record, enrolment.status, 'The enrolment', what);
  const requireInSession = (date: string, field: string) => {
    if (!withinPartial(date, sessionStart, sessionEnd))
      refuse(422, 'DATE_OUTSIDE_SESSION', 'The date must fall within the session.', field);
  };
  const requireNotFuture = (date: string, field: string) => {
    if (date > today)
      refuse(422, 'DATE_IN_FUTURE', 'Only what has happened is recorded: the date is in the future.', field);
  };
  const requireAfterEntry = (date: string, field: string) => {
    if (enrolment.entryDate !== null && date < enrolment.entryDate)
      refuse(422, 'DATE_BEFORE_ENTRY', 'The date is before the entry in training.', field);
  };
  const result = (status: string, extra: Record<string, unknown> = {}): Decided => ({
    result: { enrolmentId: enrolment.enrolmentId, status, ...extra },
  });

  switch (act.type) {
    case 'enrolment.entry': {
      // E2: the actual entry date, within the session; irreversible except by an explicit correction.
      requireStatus('fr.passerelle.kairos.EntryRecorded', 'recording the entry');
      requireInSession(act.entryDate, 'entryDate');
      requireNotFuture(act.entryDate, 'entryDate');
      emit.emit(
        'fr.passerelle.kairos.EntryRecorded',
        {
          ...fields,
          entryDate: act.entryDate,
          status: 'ENTRE_EN_FORMATION',
          sourceLabel: STATUS_LABELS.ENTRE_EN_FORMATION,
        },
        enrolment.journeyId,
      );
      return result('ENTRE_EN_FORMATION', { entryDate: act.entryDate });
    }
    case 'enrolment.correct-entry': {
      if (enrolment.entryDate === null)
        return invalidTransition('The enrolment', enrolment.status, 'correcting the entry');
      requireStatus('fr.passerelle.kairos.EntryCorrected', 'correcting the entry');
      requireInSession(act.entryDate, 'entryDate');
      requireNotFuture(act.entryDate, 'entryDate');
      const firstEvent = [
        ...enrolment.interruptions.map((i) => i.start),
        ...enrolment.attendance.map((a) => a.from),
      ].sort()[0];
      if (firstEvent !== undefined && act.entryDate > firstEvent)
        refuse(
          422,
          'DATE_AFTER_RECORDED_PERIODS',
          'Interruptions or attendance are recorded before this date.',
          'entryDate',
        );
      emit.emit(
        'fr.passerelle.kairos.EntryCorrected',
        { ...fields, previousEntryDate: enrolment.entryDate, entryDate: act.entryDate, reason: act.reason },
        enrolment.journeyId,
      );
      return result(enrolment.status, { entryDate: act.entryDate, previousEntryDate: enrolment.entryDate });
    }
    case 'enrolment.absence-at-entry': {
      requireStatus('fr.passerelle.kairos.AbsenceAtEntryRecorded', 'recording an absence at entry');
      // E3: on or after the session start.
      if (sessionStart !== null && today.slice(0, sessionStart.length) < sessionStart)
        refuse(409, 'SESSION_NOT_STARTED', 'An absence at entry is recorded once the session has started.');
      emit.emit(
        'fr.passerelle.kairos.AbsenceAtEntryRecorded',
        { ...fields, status: 'ABSENT_A_L_ENTREE', sourceLabel: STATUS_LABELS.ABSENT_A_L_ENTREE },
        enrolment.journeyId,
      );
      return result('ABSENT_A_L_ENTREE');
    }
    case 'enrolment.interruption': {
      // E4 / G15: inside [entry, session end], no overlap with another interruption.
      requireStatus('fr.passerelle.kairos.InterruptionStarted', 'recording an interruption');
      if (act.start > act.end) refuse(422, 'INVALID_PERIOD', 'The interruption ends before it starts.', 'end');
      requireAfterEntry(act.start, 'start');
      requireInSession(act.start, 'start');
      requireInSession(act.end, 'end');
      for (const other of enrolment.interruptions) {
        const otherEnd = other.end ?? other.plannedEnd ?? '9999-12-31';
        if (overlaps({ start: act.start, end: act.end }, { start: other.start, end: otherEnd }))
          refuse(
            409,
            'INTERRUPTION_OVERLAP',
            `It overlaps the interruption from ${other.start} to ${otherEnd}.`,
            'start',
          );
      }
      const interruptionId = `INT-${enrolment.interruptions.length + 1}`;
      emit.emit(
        'fr.passerelle.kairos.InterruptionStarted',
        {
          ...fields,
          interruptionId,
          start: act.start,
          plannedEnd: act.end,
          reason: act.reason ?? null,
          status: 'EN_INTERRUPTION',
          sourceLabel: STATUS_LABELS.EN_INTERRUPTION,
        },
        enrolment.journeyId,
      );
      return result('EN_INTERRUPTION', { interruptionId });
    }
    case 'enrolment.end-interruption': {
      const interruption = enrolment.interruptions.find((candidate) => candidate.interruptionId === act.interruptionId);
      if (!interruption) return refuse(404, 'UNKNOWN_INTERRUPTION', 'No such interruption.', 'interruptionId');
      if (
        interruption.end !== null ||
        !mayRecord(context.lifecycle, 'fr.passerelle.kairos.InterruptionEnded', enrolment.status, { actor: 'OF' })
      )
        return invalidTransition('The interruption', 'ended', 'ending it');
      if (act.end < interruption.start) refuse(422, 'INVALID_PERIOD', 'The interruption ends before it starts.', 'end');
      requireInSession(act.end, 'end');
      emit.emit(
        'fr.passerelle.kairos.InterruptionEnded',
        {
          ...fields,
          interruptionId: interruption.interruptionId,
          end: act.end,
          status: 'ENTRE_EN_FORMATION',
          sourceLabel: STATUS_LABELS.ENTRE_EN_FORMATION,
        },
        enrolment.journeyId,
      );
      return result('ENTRE_EN_FORMATION', { interruptionId: interruption.interruptionId });
    }
    case 'enrolment.attendance': {
      // Attendance is a stream of periods on an entered trainee (§c.3), not a state.
      requireStatus('fr.passerelle.kairos.AttendancePeriodRecorded', 'recording attendance');
      if (act.from > act.to) refuse(422, 'INVALID_PERIOD', 'The period ends before it starts.', 'to');
      requireAfterEntry(act.from, 'from');
      requireInSession(act.to, 'to');
      requireNotFuture(act.to, 'to');
      emit.emit(
        'fr.passerelle.kairos.AttendancePeriodRecorded',
        { ...fields, from: act.from, to: act.to, presentHours: act.presentHours, absentHours: act.absentHours },
        enrolment.journeyId,
      );
      return result(enrolment.status);
    }
    case 'enrolment.abandon': {
      requireStatus('fr.passerelle.kairos.AbandonRecorded', 'recording an abandon');
      requireAfterEntry(act.date, 'date');
      requireNotFuture(act.date, 'date');
      emit.emit(
        'fr.passerelle.kairos.AbandonRecorded',
        {
          ...fields,
          date: act.date,
          reason: act.reason ?? null,
          status: 'ABANDON',
          sourceLabel: STATUS_LABELS.ABANDON,
        },
        enrolment.journeyId,
      );
      return result('ABANDON');
    }
    case 'enrolment.exit': {
      // E6: the exit date cannot be after the planned end of the session.
      requireStatus('fr.passerelle.kairos.ExitRecorded', 'recording the exit');
      requireAfterEntry(act.date, 'date');
      requireInSession(act.date, 'date');
      requireNotFuture(act.date, 'date');
      emit.emit(
        'fr.passerelle.kairos.ExitRecorded',
        { ...fields, date: act.date, reason: act.reason, status: 'SORTI', sourceLabel: STATUS_LABELS.SORTI },
        enrolment.journeyId,
      );
      return result('SORTI');
    }
    case 'enrolment.report': {
      requireStatus('fr.passerelle.kairos.EndOfTrainingReportRecorded', 'recording the end-of-training report');
      if (enrolment.reportRecorded)
        refuse(409, 'REPORT_ALREADY_RECORDED', 'The end-of-training report is already recorded.');
      emit.emit(
        'fr.passerelle.kairos.EndOfTrainingReportRecorded',
        {
          ...fields,
          completion: act.completion,
          completionRate: act.completionRate ?? null,
          summary: act.summary ?? null,
        },
        enrolment.journeyId,
      );
      return result(enrolment.status, { reportRecorded: true });
    }
    case 'enrolment.cancel': {
      requireStatus('fr.passerelle.kairos.EnrolmentCancelled', 'cancelling the enrolment');
      emit.emit(
        'fr.passerelle.kairos.EnrolmentCancelled',
        { ...fields, reason: act.reason ?? null, status: 'ANNULE', sourceLabel: STATUS_LABELS.ANNULE },
        enrolment.journeyId,
      );
      return result('ANNULE');
    }
  }
}
