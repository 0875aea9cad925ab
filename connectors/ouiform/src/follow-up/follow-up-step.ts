import {
  type JourneyStatus,
  LIFECYCLE,
  type Lifecycle,
  type LifecycleSubject,
  type RecordTypes,
  STATUS_LABELS,
  transitionsOf,
} from '@passerelle/schemas';

/** The moments of a DE's journey a prescriber follows (the list, in journey order). */
export type FollowUpStage =
  | 'POSITIONING'
  | 'REGISTRATION'
  | 'INVITATION'
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

/**
 * How Ouiform presents the records it knows to a prescriber: the stage, the facts to share, and the status when the
 * record implies one rather than carrying it. Which records are followed is not listed here but read in the
 * lifecycle table (see `toFollowUpStep`): a record the table adds is followed with a default presentation.
 */
const PRESENTATIONS: { [Name: string]: (value: never) => Omit<FollowUpStep, 'label'> } = {
  RegistrationRecorded: (e: Kairos<'RegistrationRecorded'>) =>
    step('REGISTRATION', e.status, e.sourceLabel, {
      registrationId: e.registrationId,
      modalityId: e.modalityId,
      modalityKind: e.modalityKind,
    }),
  // Annex 7.2: the convocation's facts, so the prescriber can tell the DE where and when; version > 1 after a
  // reschedule (4.1.3.2). The status stays INSCRIT.
  InvitationIssued: (e: Kairos<'InvitationIssued'>) =>
    step('INVITATION', 'INSCRIT', e.version > 1 ? 'Convocation mise à jour' : 'Convocation', {
      registrationId: e.registrationId,
      modalityId: e.modalityId,
      version: e.version,
      date: e.date,
      time: e.time,
      endTime: e.endTime,
      place: e.place,
      remoteLink: e.remoteLink,
      whatToBring: e.whatToBring,
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

/** The stage of a record Ouiform has no presentation for: where its subject stands in the journey. */
const STAGE_OF: Record<LifecycleSubject, FollowUpStage> = {
  POSITIONING: 'POSITIONING',
  REGISTRATION: 'REGISTRATION',
  CANDIDATURE: 'REGISTRATION',
  ENROLMENT: 'ENROLMENT',
  // The AIF quote funds the entry in training: the prescriber follows it at that stage.
  QUOTE: 'ENROLMENT',
};

/** A record of the table without a presentation: its status (carried, else the one its row reaches) and its id. */
function byTable(lifecycle: Lifecycle, record: string, value: unknown): Omit<FollowUpStep, 'label'> | undefined {
  const rows = transitionsOf(lifecycle, record);
  const event = value as Record<string, unknown>;
  const row = rows.find((candidate) => candidate.to !== null && candidate.to === event.status) ?? rows[0];
  if (row?.to === null || row === undefined) return undefined;
  const idField = lifecycle.subjects[row.subject].idField;
  const id = event[idField];
  return step(STAGE_OF[row.subject], row.to, typeof event.sourceLabel === 'string' ? event.sourceLabel : null, {
    [idField]: typeof id === 'string' ? id : null,
  });
}

/**
 * The follow-up step a Kairos event is for the prescriber of its DE, or undefined when it is not a step of a DE's
 * lifecycle: a prescriber follows every record of the table that changes a status, and the facts that keep one
 * (an interview fixed, an entry corrected, the report) that Ouiform presents — not attendance periods, nor
 * modalities (not in the table), nor records this connector does not know yet.
 *
 * @param lifecycle the real table unless a test injects an extended one.
 */
export function toFollowUpStep(
  record: string | null,
  value: unknown,
  lifecycle: Lifecycle = LIFECYCLE,
): FollowUpStep | undefined {
  if (record === null || !record.startsWith(KAIROS) || value === null) return undefined;
  if (transitionsOf(lifecycle, record).length === 0) return undefined;
  const presentation = PRESENTATIONS[record.slice(KAIROS.length)];
  const mapped = presentation ? presentation(value as never) : byTable(lifecycle, record, value);
  if (!mapped) return undefined;
  return { ...mapped, label: STATUS_LABELS[mapped.status] };
}

/** The records that answer a positioning request (CONVENTIONS: exactly one per request), as the table marks them. */
export function decisionRecords(lifecycle: Lifecycle = LIFECYCLE): ReadonlySet<string> {
  return new Set(lifecycle.transitions.filter((row) => row.answersRequest).map((row) => row.record));
}

export const DECISION_RECORDS: ReadonlySet<string> = decisionRecords();
