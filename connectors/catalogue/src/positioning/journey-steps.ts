import {
  type JourneyStatus,
  LIFECYCLE,
  type Lifecycle,
  type LifecycleSubject,
  STATUS_LABELS,
  transitionsOf,
} from '@passerelle/schemas';
import type { Decision } from './decision.js';

/**
 * One step of a DE's journey after his positioning, as he is told it: the status it reached (with its French label)
 * or, for an act that keeps the status (an interview fixed, an entry date corrected…), what happened. No personal
 * data: ids, statuses, dates only.
 */
export interface JourneyStep {
  subject: LifecycleSubject;
  /** The registration, candidature or enrolment the step is about. */
  subjectId: string;
  record: string;
  /** The status reached; null when the act keeps the status. */
  status: JourneyStatus | null;
  label: string;
  /** When the OF (or Kairos) recorded it. */
  at: Date;
  /** The day the step names, when it names one: the interview's, the entry's. */
  date: string | null;
  /** For an enrolment: the registration or candidature whose result opened it. */
  originId: string | null;
}

/**
 * What to call the acts that keep the status: the lifecycle has no label for them (its labels are statuses'), and
 * the DE still wants to read "entretien fixé le …". Keyed by record, so a new fact act shows by its record name until
 * it gets a French wording here.
 */
const FACT_LABELS: Readonly<Record<string, string>> = {
  'fr.passerelle.kairos.InterviewScheduled': 'Entretien fixé',
  'fr.passerelle.kairos.EntryCorrected': "Date d'entrée corrigée",
  'fr.passerelle.kairos.AttendancePeriodRecorded': 'Assiduité déclarée',
  'fr.passerelle.kairos.EndOfTrainingReportRecorded': 'Bilan de fin de formation',
};

/** The subjects that follow a positioning; the positioning itself is told by its decision. */
const FOLLOWED: readonly LifecycleSubject[] = ['REGISTRATION', 'CANDIDATURE', 'ENROLMENT'];

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/**
 * The step a Kairos session event is, read in the lifecycle table rather than listed here (a new act added there
 * shows here): its subject, and the status it reached — the one row when the record reaches one status, else the
 * row whose status the event carries. Undefined for an event that is no step of a trainee's journey.
 */
export function journeyStepOf(
  record: string | null,
  value: unknown,
  lifecycle: Lifecycle = LIFECYCLE,
): { journeyId: string; step: JourneyStep } | undefined {
  if (record === null || value === null || typeof value !== 'object') return undefined;
  const rows = transitionsOf(lifecycle, record);
  const subject = rows[0]?.subject;
  if (subject === undefined || !FOLLOWED.includes(subject)) return undefined;
  const event = value as Record<string, unknown> & { envelope?: { occurredAt?: Date } };
  const journeyId = text(event.journeyId);
  const subjectId = text(event[lifecycle.subjects[subject].idField]);
  if (journeyId === null || subjectId === null) return undefined;
  const row = rows.length === 1 ? rows[0] : rows.find((candidate) => candidate.to === event.status);
  if (row === undefined) return undefined;
  const status = row.to;
  return {
    journeyId,
    step: {
      subject,
      subjectId,
      record,
      status,
      label: status === null ? (FACT_LABELS[record] ?? record) : (row.label ?? STATUS_LABELS[status]),
      at: event.envelope?.occurredAt ?? new Date(0),
      date: text(event.entryDate) ?? text(event.date),
      originId: text(event.originId),
    },
  };
}

/**
 * The steps that follow one request, out of its journey's (a DE may have positioned himself twice on a session,
 * withdrawn then again: same journey): those of the registration or candidature its decision created, then of the
 * enrolments a result of it opened. In the order Kairos recorded them (one writer per session: one order).
 */
export function stepsOfRequest(
  decision: Decision | null,
  journey: readonly JourneyStep[],
  lifecycle: Lifecycle = LIFECYCLE,
): JourneyStep[] {
  if (decision === null || decision.outcome === 'REFUSED') return [];
  const created = decision.outcome === 'REGISTERED' ? decision.registrationId : decision.candidatureId;
  const ours = new Set([created]);
  const steps: JourneyStep[] = [];
  for (const step of journey) {
    if (step.subject === 'ENROLMENT' && step.originId !== null && ours.has(step.originId)) ours.add(step.subjectId);
    if (ours.has(step.subjectId)) steps.push(step);
  }
  // The decision may be known (awaited by request id) a moment before the follower read it as a step: it is the
  // first step all the same.
  if (!steps.some((step) => step.subjectId === created)) {
    const record =
      decision.outcome === 'REGISTERED'
        ? 'fr.passerelle.kairos.RegistrationRecorded'
        : 'fr.passerelle.kairos.CandidatureReceived';
    const row = transitionsOf(lifecycle, record)[0];
    if (row?.to)
      steps.unshift({
        subject: row.subject,
        subjectId: created,
        record,
        status: row.to,
        label: row.label ?? STATUS_LABELS[row.to],
        at: decision.decidedAt,
        date: null,
        originId: null,
      });
  }
  return steps;
}

/** Where the journey stands: the last status reached (the decision's, until the OF acts). */
export function currentStep(steps: readonly JourneyStep[]): JourneyStep | undefined {
  return steps.findLast((step) => step.status !== null);
}
