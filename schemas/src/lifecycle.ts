import type { EventRecordName, JourneyStatus } from './generated/types.js';
import { STATUS_LABELS } from './status-labels.js';

/**
 * The Kairos lifecycle as data (issue 17): for each subject of a journey, which record moves it from which statuses
 * to which, and who may record it. Kairos guards its deciders with it, the journey fold checks the events it folds
 * against it, Ouiform and the catalogue derive what they react to from it: one act added here is one act added
 * everywhere, instead of four hand-written copies that drift apart.
 *
 * Modalities (ICO, RDVI, candidature windows) are not a subject here: they have no status of their own, only
 * "live" or "deleted", which Kairos and the catalogue keep as a flag.
 */
export type LifecycleSubject = 'POSITIONING' | 'REGISTRATION' | 'CANDIDATURE' | 'ENROLMENT' | 'QUOTE';

/**
 * Who may record the act: the training organisation (in Kairos), the prescriber (Ouiform), the DE himself (a
 * self-registration from the catalogue), or Passerelle as a consequence of another event (a positioning answered,
 * withdrawn, a session leaving the offer).
 */
export type LifecycleActor = 'OF' | 'PRESCRIBER' | 'DE' | 'SYSTEM';

export interface Transition<RecordName extends string = string> {
  subject: LifecycleSubject;
  /** The Avro record full name that records the act. */
  record: RecordName;
  /** Statuses the subject may be in; empty: the record creates the subject. */
  from: readonly JourneyStatus[];
  /** The status it reaches; null: the act records a fact (an interview fixed, attendance…) and keeps the status. */
  to: JourneyStatus | null;
  /** The French label of `to` (status-labels), null when the status does not move. */
  label: string | null;
  actors: readonly LifecycleActor[];
  /** The record is the single answer to a positioning request (CONVENTIONS: exactly one per request). */
  answersRequest?: boolean;
}

/** How each subject is named in its events, and which of its statuses give its place on a modality back. */
export interface SubjectDescriptor {
  /** The field of its events that carries the subject's id. */
  idField: string;
  /** The field of its events naming the modality it holds a place on, when it holds one (§c.4). */
  modalityField?: string;
  /** Statuses in which it no longer holds that place. */
  freesPlace?: readonly JourneyStatus[];
}

export interface Lifecycle<RecordName extends string = string> {
  subjects: Readonly<Record<LifecycleSubject, SubjectDescriptor>>;
  transitions: readonly Transition<RecordName>[];
}

const KAIROS = 'fr.passerelle.kairos.';
const POSITIONING = 'fr.passerelle.positioning.';

/** One row per status the record may reach: its label comes from the one table of labels. */
function rows(
  subject: LifecycleSubject,
  record: EventRecordName,
  from: readonly JourneyStatus[],
  to: readonly (JourneyStatus | null)[],
  actors: readonly LifecycleActor[],
  extra: { answersRequest?: boolean } = {},
): Transition<EventRecordName>[] {
  return to.map((status) => ({
    subject,
    record,
    from,
    to: status,
    label: status === null ? null : STATUS_LABELS[status],
    actors,
    ...extra,
  }));
}

const ENTERED: readonly JourneyStatus[] = ['ENTRE_EN_FORMATION', 'EN_INTERRUPTION'];

/**
 * domain.md §c: the state machines of a positioning request, a registration, a candidature and an enrolment, and of
 * an AIF quote (issue 15).
 */
export const LIFECYCLE: Lifecycle<EventRecordName> = {
  subjects: {
    POSITIONING: { idField: 'requestId' },
    REGISTRATION: { idField: 'registrationId', modalityField: 'modalityId', freesPlace: ['RDV_ANNULE', 'TRANSFERE'] },
    // A withdrawn candidature no longer counts against its window's capacity; every other received one does.
    CANDIDATURE: { idField: 'candidatureId', modalityField: 'windowId', freesPlace: ['SANS_SUITE'] },
    ENROLMENT: { idField: 'enrolmentId' },
    QUOTE: { idField: 'quoteId' },
  },
  transitions: [
    // --- positioning requests (Passerelle's own statuses) ---
    ...rows('POSITIONING', `${POSITIONING}PositioningRequested`, [], ['POSITIONNE'], ['PRESCRIBER', 'DE']),
    // A refused request may still be withdrawn by its requester (it then reads as withdrawn).
    ...rows(
      'POSITIONING',
      `${POSITIONING}PositioningWithdrawn`,
      ['POSITIONNE', 'REFUSE'],
      ['RETIRE'],
      ['PRESCRIBER', 'DE'],
    ),
    ...rows('POSITIONING', `${KAIROS}RegistrationRefused`, ['POSITIONNE'], ['REFUSE'], ['SYSTEM'], {
      answersRequest: true,
    }),

    // --- registrations on an ICO / RDVI (§c.1) ---
    // Registered by the OF, by a transfer, or as the answer to a positioning request.
    ...rows('REGISTRATION', `${KAIROS}RegistrationRecorded`, [], ['INSCRIT'], ['OF', 'SYSTEM'], {
      answersRequest: true,
    }),
    // R2: only before presence or result; also when the RDV is deleted, the request withdrawn or the session gone.
    ...rows('REGISTRATION', `${KAIROS}RegistrationCancelled`, ['INSCRIT'], ['RDV_ANNULE'], ['OF', 'SYSTEM']),
    ...rows('REGISTRATION', `${KAIROS}RegistrationTransferred`, ['INSCRIT'], ['TRANSFERE'], ['OF']),
    // R4: presence once the appointment is past.
    ...rows('REGISTRATION', `${KAIROS}PresenceRecorded`, ['INSCRIT'], ['PRESENT', 'ABSENT'], ['OF']),
    ...rows(
      'REGISTRATION',
      `${KAIROS}RecruitmentResultRecorded`,
      ['PRESENT'],
      ['RETENU', 'RETENU_EN_ATTENTE', 'NON_RETENU'],
      ['OF'],
    ),
    // R8/R9; and G11: the system refuses whoever is still waitlisted when a fixed-dates session starts.
    ...rows('REGISTRATION', `${KAIROS}WaitlistDecisionRecorded`, ['RETENU_EN_ATTENTE'], ['RETENU'], ['OF']),
    // Annex 7.2: the invitation letter, issued at registration and again at each reschedule; the status stays.
    ...rows('REGISTRATION', `${KAIROS}InvitationIssued`, ['INSCRIT'], [null], ['OF', 'SYSTEM']),
    ...rows(
      'REGISTRATION',
      `${KAIROS}WaitlistDecisionRecorded`,
      ['RETENU_EN_ATTENTE'],
      ['REFUSE_APRES_ATTENTE'],
      ['OF', 'SYSTEM'],
    ),

    // --- candidatures on a window (§c.2, Kairos NG) ---
    ...rows('CANDIDATURE', `${KAIROS}CandidatureReceived`, [], ['CANDIDATURE_RECUE'], ['SYSTEM'], {
      answersRequest: true,
    }),
    // C2, and G13: an unreachable candidate may be called again, with any outcome.
    ...rows(
      'CANDIDATURE',
      `${KAIROS}CandidateContactRecorded`,
      ['CANDIDATURE_RECUE', 'INJOIGNABLE'],
      ['CONTACTE', 'INJOIGNABLE', 'REFUS_CANDIDAT'],
      ['OF'],
    ),
    ...rows('CANDIDATURE', `${KAIROS}InterviewScheduled`, ['CONTACTE'], [null], ['OF']),
    ...rows(
      'CANDIDATURE',
      `${KAIROS}InterviewPresenceRecorded`,
      ['CONTACTE'],
      ['PRESENT_ENTRETIEN', 'ABSENT_ENTRETIEN'],
      ['OF'],
    ),
    ...rows(
      'CANDIDATURE',
      `${KAIROS}CandidatureResultRecorded`,
      ['PRESENT_ENTRETIEN'],
      ['RETENU', 'NON_RETENU'],
      ['OF'],
    ),
    // The positioning it answered was withdrawn before the candidature's result.
    ...rows(
      'CANDIDATURE',
      `${KAIROS}CandidatureWithdrawn`,
      ['CANDIDATURE_RECUE', 'CONTACTE', 'INJOIGNABLE', 'PRESENT_ENTRETIEN'],
      ['SANS_SUITE'],
      ['SYSTEM'],
    ),

    // --- enrolment in training (§c.3) ---
    // E1: opened by a retained result (R5/R8/C4, recorded by the OF) or a direct proposal.
    ...rows('ENROLMENT', `${KAIROS}EnrolmentOpened`, [], ['INSCRIT_EN_FORMATION'], ['OF']),
    ...rows('ENROLMENT', `${KAIROS}EntryRecorded`, ['INSCRIT_EN_FORMATION'], ['ENTRE_EN_FORMATION'], ['OF']),
    // Only once an entry date exists, i.e. from entry on, even after the trainee left.
    ...rows('ENROLMENT', `${KAIROS}EntryCorrected`, [...ENTERED, 'ABANDON', 'SORTI'], [null], ['OF']),
    ...rows('ENROLMENT', `${KAIROS}AbsenceAtEntryRecorded`, ['INSCRIT_EN_FORMATION'], ['ABSENT_A_L_ENTREE'], ['OF']),
    // The enrolment of a withdrawn positioning is cancelled too, before entry.
    ...rows('ENROLMENT', `${KAIROS}EnrolmentCancelled`, ['INSCRIT_EN_FORMATION'], ['ANNULE'], ['OF', 'SYSTEM']),
    // G15: another interruption may be recorded during one, after its planned end (they never overlap).
    ...rows('ENROLMENT', `${KAIROS}InterruptionStarted`, ENTERED, ['EN_INTERRUPTION'], ['OF']),
    ...rows('ENROLMENT', `${KAIROS}InterruptionEnded`, ['EN_INTERRUPTION'], ['ENTRE_EN_FORMATION'], ['OF']),
    // Attendance is a stream of periods on an entered trainee, not a state.
    ...rows('ENROLMENT', `${KAIROS}AttendancePeriodRecorded`, ENTERED, [null], ['OF']),
    ...rows('ENROLMENT', `${KAIROS}AbandonRecorded`, ENTERED, ['ABANDON'], ['OF']),
    // E6, and an early exit during an interruption; G16: the system records it once the planned end is over.
    ...rows('ENROLMENT', `${KAIROS}ExitRecorded`, ENTERED, ['SORTI'], ['OF', 'SYSTEM']),
    ...rows('ENROLMENT', `${KAIROS}EndOfTrainingReportRecorded`, ['SORTI', 'ABANDON'], [null], ['OF']),

    // --- AIF quotes (devis d'aide individuelle à la formation, issue 15) ---
    // The OF drafts and sends it; the France Travail adviser decides; an entry waits for its validation.
    ...rows('QUOTE', `${KAIROS}QuoteDrafted`, [], ['DEVIS_SAISI'], ['OF']),
    ...rows('QUOTE', `${KAIROS}QuoteSubmitted`, ['DEVIS_SAISI'], ['DEVIS_TRANSMIS'], ['OF']),
    ...rows('QUOTE', `${KAIROS}QuoteValidated`, ['DEVIS_TRANSMIS'], ['DEVIS_VALIDE'], ['PRESCRIBER']),
    ...rows('QUOTE', `${KAIROS}QuoteRefused`, ['DEVIS_TRANSMIS'], ['DEVIS_REFUSE'], ['PRESCRIBER']),
    // Only before the adviser's decision.
    ...rows('QUOTE', `${KAIROS}QuoteCancelled`, ['DEVIS_SAISI', 'DEVIS_TRANSMIS'], ['DEVIS_ANNULE'], ['OF']),
  ],
};

/** The rows of a record (one per status it may reach), in table order. */
export function transitionsOf(lifecycle: Lifecycle, record: string): readonly Transition[] {
  return rowsByRecord(lifecycle).get(record) ?? NO_ROWS;
}

const NO_ROWS: readonly Transition[] = [];
const indexes = new WeakMap<Lifecycle, ReadonlyMap<string, readonly Transition[]>>();

// Every folded event and every Kairos act asks for its record's rows: index a table once, not scan it each time.
function rowsByRecord(lifecycle: Lifecycle): ReadonlyMap<string, readonly Transition[]> {
  let index = indexes.get(lifecycle);
  if (index === undefined) {
    const byRecord = new Map<string, Transition[]>();
    for (const row of lifecycle.transitions) {
      const rows = byRecord.get(row.record);
      if (rows) rows.push(row);
      else byRecord.set(row.record, [row]);
    }
    index = byRecord;
    indexes.set(lifecycle, index);
  }
  return index;
}

/** The statuses the record may be recorded from (by `actor` when given): what a guard checks. */
export function allowedFrom(lifecycle: Lifecycle, record: string, actor?: LifecycleActor): ReadonlySet<JourneyStatus> {
  const allowed = new Set<JourneyStatus>();
  for (const row of transitionsOf(lifecycle, record))
    if (actor === undefined || row.actors.includes(actor)) for (const status of row.from) allowed.add(status);
  return allowed;
}

/** Whether the record may move a subject that is in `from` (to `to` when given). */
export function mayRecord(
  lifecycle: Lifecycle,
  record: string,
  from: JourneyStatus,
  options: { to?: JourneyStatus | null; actor?: LifecycleActor } = {},
): boolean {
  return transitionsOf(lifecycle, record).some(
    (row) =>
      row.from.includes(from) &&
      (options.to === undefined || row.to === options.to) &&
      (options.actor === undefined || row.actors.includes(options.actor)),
  );
}

/** Whether a subject in this status still holds its place on a modality. */
export function holdsModalityPlace(lifecycle: Lifecycle, subject: LifecycleSubject, status: JourneyStatus): boolean {
  return !(lifecycle.subjects[subject].freesPlace ?? []).includes(status);
}

/**
 * What is wrong with a lifecycle: a record the contracts do not have, a status without a French label or whose
 * label differs from status-labels, a status of a subject that no chain of acts from its creation reaches, a subject
 * nothing creates. Empty when consistent (checked by the schemas' tests and `schemas:check`).
 */
export function lifecycleProblems(lifecycle: Lifecycle, knownRecords: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const labels = STATUS_LABELS as Record<string, string>;
  for (const row of lifecycle.transitions) {
    if (!knownRecords.has(row.record)) problems.push(`lifecycle: ${row.record} is not a record of the contracts`);
    for (const status of [...row.from, ...(row.to === null ? [] : [row.to])])
      if (labels[status] === undefined) problems.push(`lifecycle: ${row.record}: ${status} has no French label`);
    if (row.to !== null && row.label !== labels[row.to])
      problems.push(`lifecycle: ${row.record} → ${row.to} is labelled ${row.label ?? 'null'}, not ${labels[row.to]}`);
    if (row.to === null && row.label !== null)
      problems.push(`lifecycle: ${row.record} keeps the status but is labelled ${row.label}`);
    if (row.to === null && row.from.length === 0)
      problems.push(`lifecycle: ${row.record} creates a ${row.subject} without a status`);
    if (row.actors.length === 0) problems.push(`lifecycle: nobody may record ${row.record}`);
  }
  for (const subject of Object.keys(lifecycle.subjects) as LifecycleSubject[]) {
    const own = lifecycle.transitions.filter((row) => row.subject === subject);
    const reached = new Set<JourneyStatus>();
    for (const row of own) if (row.from.length === 0 && row.to !== null) reached.add(row.to);
    if (own.length > 0 && reached.size === 0) problems.push(`lifecycle: no record creates a subject ${subject}`);
    for (let grown = true; grown; ) {
      grown = false;
      for (const row of own)
        if (row.to !== null && !reached.has(row.to) && row.from.some((status) => reached.has(status))) {
          reached.add(row.to);
          grown = true;
        }
    }
    const named = new Set(own.flatMap((row) => [...row.from, ...(row.to === null ? [] : [row.to])]));
    for (const status of named)
      if (!reached.has(status)) problems.push(`lifecycle: ${subject} ${status} is unreachable from its creation`);
  }
  return problems;
}
