import { type JourneyStatus, type RecordTypes, STATUS_LABELS } from '@passerelle/schemas';

/** The moments of a DE's journey a prescriber follows (the list, in journey order). */
export type FollowUpStage =
  | 'POSITIONING'
  | 'REGISTRATION'
  | 'PRESENCE'
  | 'RESULT'
  | 'WAITLIST'
  | 'CONTACT'
  | 'INTERVIEW'
  | 'ENROLMENT'
  | 'ENTRY'
  | 'INTERRUPTION'
  | 'ABANDON'
  | 'EXIT';

/**
 * What a prescriber learns from one Kairos event about one of its DEs. Only ids, statuses, dates and reasons —
 * never the DE's personal data: the feed and the webhooks go to third-party systems and their logs.
 */
export interface FollowUpStep {
  stage: FollowUpStage;
  /** Canonical status (domain.md G1), plus REFUSE / RETIRE for a refused or withdrawn positioning. */
  status: JourneyStatus;
  /** The canonical status in French, as a prescriber reads it. */
  label: string;
  /** The status as Kairos worded it, when the event carries it. */
  sourceLabel: string | null;
  /** The event's facts a prescriber acts on (dates, reasons, ids of the registration/candidature/enrolment). */
  detail: Record<string, string | number | boolean | null>;
}

const KAIROS = 'fr.passerelle.kairos.';

type Kairos<Name extends string> = RecordTypes[`fr.passerelle.kairos.${Name}` & keyof RecordTypes];

/** One mapping per trainee record of kairos.session-events: the record's own status unless the record implies one. */
const STEPS: { [Name: string]: (value: never) => Omit<FollowUpStep, 'label'> } = {
  RegistrationRecorded: (e: Kairos<'RegistrationRecorded'>) =>
    step('REGISTRATION', e.status, e.sourceLabel, {
      registrationId: e.registrationId,
      modalityId: e.modalityId,
      modalityKind: e.modalityKind,
    }),
  RegistrationRefused: (e: Kairos<'RegistrationRefused'>) =>
    step('REGISTRATION', 'REFUSE', null, { modalityId: e.modalityId, reason: e.reason, message: e.message }),
  RegistrationCancelled: (e: Kairos<'RegistrationCancelled'>) =>
    step('REGISTRATION', e.status, e.sourceLabel, {
      registrationId: e.registrationId,
      modalityId: e.modalityId,
      reason: e.reason,
    }),
  RegistrationTransferred: (e: Kairos<'RegistrationTransferred'>) =>
    step('REGISTRATION', e.status, e.sourceLabel, {
      registrationId: e.registrationId,
      fromModalityId: e.fromModalityId,
      toModalityId: e.toModalityId,
      newRegistrationId: e.newRegistrationId,
    }),
  PresenceRecorded: (e: Kairos<'PresenceRecorded'>) =>
    step('PRESENCE', e.status, e.sourceLabel, { registrationId: e.registrationId, presence: e.presence }),
  RecruitmentResultRecorded: (e: Kairos<'RecruitmentResultRecorded'>) =>
    step('RESULT', e.status, e.sourceLabel, {
      registrationId: e.registrationId,
      result: e.result,
      refusalReason: e.refusalReason,
    }),
  WaitlistDecisionRecorded: (e: Kairos<'WaitlistDecisionRecorded'>) =>
    step('WAITLIST', e.status, e.sourceLabel, {
      registrationId: e.registrationId,
      decision: e.decision,
      reason: e.reason,
    }),
  CandidatureReceived: (e: Kairos<'CandidatureReceived'>) =>
    step('REGISTRATION', e.status, e.sourceLabel, { candidatureId: e.candidatureId, windowId: e.windowId }),
  CandidatureWithdrawn: (e: Kairos<'CandidatureWithdrawn'>) =>
    step('REGISTRATION', 'RETIRE', e.sourceLabel, {
      candidatureId: e.candidatureId,
      windowId: e.windowId,
      reason: e.reason,
    }),
  CandidateContactRecorded: (e: Kairos<'CandidateContactRecorded'>) =>
    step('CONTACT', e.status, e.sourceLabel, { candidatureId: e.candidatureId, outcome: e.outcome }),
  InterviewScheduled: (e: Kairos<'InterviewScheduled'>) =>
    step('INTERVIEW', 'CONTACTE', null, {
      candidatureId: e.candidatureId,
      date: e.date,
      time: e.time,
      modality: e.modality,
    }),
  InterviewPresenceRecorded: (e: Kairos<'InterviewPresenceRecorded'>) =>
    step('INTERVIEW', e.status, e.sourceLabel, { candidatureId: e.candidatureId, presence: e.presence }),
  CandidatureResultRecorded: (e: Kairos<'CandidatureResultRecorded'>) =>
    step('RESULT', e.status, e.sourceLabel, {
      candidatureId: e.candidatureId,
      result: e.result,
      refusalReason: e.refusalReason,
    }),
  EnrolmentOpened: (e: Kairos<'EnrolmentOpened'>) =>
    step('ENROLMENT', e.status, e.sourceLabel, { enrolmentId: e.enrolmentId, origin: e.origin }),
  EnrolmentCancelled: (e: Kairos<'EnrolmentCancelled'>) =>
    step('ENROLMENT', e.status, e.sourceLabel, { enrolmentId: e.enrolmentId, reason: e.reason }),
  EntryRecorded: (e: Kairos<'EntryRecorded'>) =>
    step('ENTRY', e.status, e.sourceLabel, { enrolmentId: e.enrolmentId, entryDate: e.entryDate }),
  EntryCorrected: (e: Kairos<'EntryCorrected'>) =>
    step('ENTRY', 'ENTRE_EN_FORMATION', null, {
      enrolmentId: e.enrolmentId,
      entryDate: e.entryDate,
      previousEntryDate: e.previousEntryDate,
      reason: e.reason,
    }),
  AbsenceAtEntryRecorded: (e: Kairos<'AbsenceAtEntryRecorded'>) =>
    step('ENTRY', e.status, e.sourceLabel, { enrolmentId: e.enrolmentId }),
  InterruptionStarted: (e: Kairos<'InterruptionStarted'>) =>
    step('INTERRUPTION', e.status, e.sourceLabel, {
      enrolmentId: e.enrolmentId,
      interruptionId: e.interruptionId,
      start: e.start,
      plannedEnd: e.plannedEnd,
      reason: e.reason,
    }),
  InterruptionEnded: (e: Kairos<'InterruptionEnded'>) =>
    step('INTERRUPTION', e.status, e.sourceLabel, {
      enrolmentId: e.enrolmentId,
      interruptionId: e.interruptionId,
      end: e.end,
    }),
  AbandonRecorded: (e: Kairos<'AbandonRecorded'>) =>
    step('ABANDON', e.status, e.sourceLabel, { enrolmentId: e.enrolmentId, date: e.date, reason: e.reason }),
  ExitRecorded: (e: Kairos<'ExitRecorded'>) =>
    step('EXIT', e.status, e.sourceLabel, { enrolmentId: e.enrolmentId, date: e.date, reason: e.reason }),
  EndOfTrainingReportRecorded: (e: Kairos<'EndOfTrainingReportRecorded'>) =>
    step('EXIT', 'SORTI', null, {
      enrolmentId: e.enrolmentId,
      report: true,
      completion: e.completion,
      completionRate: e.completionRate,
    }),
};

function step(
  stage: FollowUpStage,
  status: JourneyStatus,
  sourceLabel: string | null,
  detail: FollowUpStep['detail'],
): Omit<FollowUpStep, 'label'> {
  return { stage, status, sourceLabel, detail };
}

/**
 * The follow-up step a Kairos event is for the prescriber of its DE, or undefined when it is not a status change
 * of a DE (modalities, attendance periods, records this connector does not know yet).
 */
export function toFollowUpStep(record: string | null, value: unknown): FollowUpStep | undefined {
  if (record === null || !record.startsWith(KAIROS) || value === null) return undefined;
  const mapping = STEPS[record.slice(KAIROS.length)];
  if (!mapping) return undefined;
  const mapped = mapping(value as never);
  return { ...mapped, label: STATUS_LABELS[mapped.status] };
}

/** The records that answer a positioning request (CONVENTIONS: exactly one per request). */
export const DECISION_RECORDS: ReadonlySet<string> = new Set([
  `${KAIROS}RegistrationRecorded`,
  `${KAIROS}CandidatureReceived`,
  `${KAIROS}RegistrationRefused`,
]);
