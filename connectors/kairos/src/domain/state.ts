import type {
  CandidatureStatus,
  Completion,
  DePersonalData,
  EnrolmentOrigin,
  EnrolmentStatus,
  EntryExitMode,
  ExitReason,
  InterviewModality,
  KairosCommandOutcome,
  NonRetenuReason,
  Presence,
  QuoteStatus,
  RecruitmentModality,
  RecruitmentState,
  RegistrationStatus,
  TrainingCorrespondent,
} from '@passerelle/schemas';

/**
 * What the Kairos connector knows of one session — the aggregate its single writer decides on. Rebuilt from
 * `offer.sessions` (the facts SOFI publishes) and `kairos.session-events` (everything decided), never stored
 * elsewhere. Collections are read-only maps replaced on change (copy on write), so a state handed to `decide` is
 * never changed behind its back.
 */
export interface SessionAggregate {
  sessionKey: string;
  /** Undefined until the session appears in the offer. */
  session?: SessionFacts;
  modalities: ReadonlyMap<string, ModalityState>;
  registrations: ReadonlyMap<string, RegistrationState>;
  candidatures: ReadonlyMap<string, CandidatureState>;
  enrolments: ReadonlyMap<string, EnrolmentState>;
  /** AIF quotes (devis d'aide individuelle à la formation) drafted on the session (issue 15). */
  quotes: ReadonlyMap<string, QuoteState>;
  /** Positioning requests already answered (requestId → what the answer created), so each gets one answer. */
  requests: ReadonlyMap<string, RequestAnswer>;
  /**
   * OF acts already decided (commandId → outcome), from `kairos.command-outcomes` (kept a day): an act retried
   * with the same idempotency key is answered again, never done twice. Only the writer folds that topic.
   */
  commands: ReadonlyMap<string, KairosCommandOutcome>;
  /** The correspondant de la formation the OF last entered (seed 4.7); null until then. */
  correspondent: TrainingCorrespondent | null;
}

export interface SessionFacts {
  title: string;
  responsibleSiret: string;
  deliveringSirets: readonly string[];
  organisationName: string | null;
  /** LHEO partial dates (YYYY-MM-DD, YYYY-MM or YYYY); null when unknown. */
  start: string | null;
  end: string | null;
  recruitmentState: RecruitmentState;
  /** domain.md G9: capacite-simultanee, else the sum of nb-places-financees, else unknown (no guard). */
  capacity: number | null;
  entryExitMode: EntryExitMode;
  withdrawn: boolean;
  /** The zone of the session's wall clock (its place's: Europe/Paris unless overseas), read by every date rule. */
  timeZone: string;
}

export interface ModalityState {
  modality: RecruitmentModality;
  cancelled: boolean;
}

export interface RegistrationState {
  registrationId: string;
  modalityId: string;
  journeyId: string;
  de: DePersonalData;
  status: RegistrationStatus;
  presence: Presence | null;
  result: { reason: NonRetenuReason | null; comment: string | null } | null;
  requestId: string | null;
  recordedAt: Date;
  /** When the result put it on the waiting list (G11: only a list standing at the session start expires). */
  waitlistedAt: Date | null;
  /** The RDVI slot given at registration (HH:MM); null on an ICO. */
  slotTime: string | null;
  /** The latest invitation letter issued (annex 7.2); null until one is. */
  invitation: Invitation | null;
}

/** The facts of an `InvitationIssued`: what the letter says. */
export interface Invitation {
  version: number;
  date: string;
  time: string;
  endTime: string | null;
  place: string | null;
  remoteLink: string | null;
  whatToBring: string;
  issuedAt: Date;
}

export interface CandidatureState {
  candidatureId: string;
  windowId: string;
  journeyId: string;
  de: DePersonalData;
  status: CandidatureStatus;
  interview: { date: string; time: string | null; modality: InterviewModality } | null;
  requestId: string | null;
  receivedAt: Date;
}

export interface Interruption {
  interruptionId: string;
  start: string;
  /** The planned end (inclusive) given when it was recorded. */
  plannedEnd: string | null;
  /** Set once ended. */
  end: string | null;
}

export interface EnrolmentState {
  enrolmentId: string;
  journeyId: string;
  de: DePersonalData | null;
  origin: EnrolmentOrigin;
  originId: string | null;
  status: EnrolmentStatus;
  entryDate: string | null;
  interruptions: readonly Interruption[];
  attendance: readonly { from: string; to: string; presentHours: number; absentHours: number }[];
  exit: { date: string; reason: ExitReason | null } | null;
  /** When the absence at entry was recorded (the event carries no date of its own); null otherwise. */
  absenceAtEntryRecordedAt: Date | null;
  /** The abandon's reason as the OF gave it (`exit` holds its date). */
  abandonReason: string | null;
  reportRecorded: boolean;
  /** The bilan de fin de formation, once recorded. */
  report: EndOfTrainingReport | null;
  openedAt: Date;
}

export interface QuoteState {
  quoteId: string;
  journeyId: string;
  /** The DE it is for: an enrolment opened from the quote carries it on. */
  de: DePersonalData | null;
  amountCents: number;
  hours: number;
  funderCode: string;
  status: QuoteStatus;
  /** The adviser's reason when refused, the OF's when cancelled. */
  reason: string | null;
  draftedAt: Date;
}

export interface EndOfTrainingReport {
  completion: Completion;
  /** 0..1. */
  completionRate: number | null;
  summary: string | null;
  recordedAt: Date;
}

export type RequestAnswer =
  | { kind: 'registration'; id: string }
  | { kind: 'candidature'; id: string }
  | { kind: 'refused' }
  | { kind: 'withdrawn' };

export const emptyAggregate = (sessionKey: string): SessionAggregate => ({
  sessionKey,
  modalities: new Map(),
  registrations: new Map(),
  candidatures: new Map(),
  enrolments: new Map(),
  quotes: new Map(),
  requests: new Map(),
  commands: new Map(),
  correspondent: null,
});

/** The DE of an enrolment: on the enrolment for a direct proposal, else on the registration or candidature it came from. */
export function traineeOf(state: SessionAggregate, enrolment: EnrolmentState): DePersonalData | null {
  if (enrolment.de) return enrolment.de;
  const origin = enrolment.originId ?? '';
  return state.registrations.get(origin)?.de ?? state.candidatures.get(origin)?.de ?? null;
}

// --- counters (domain.md §c.4) ------------------------------------------------------------------------------------

/** A registration holds a place unless its RDV was cancelled for it or it moved to another RDV. */
export const holdsPlace = (registration: RegistrationState) =>
  registration.status !== 'RDV_ANNULE' && registration.status !== 'TRANSFERE';

/** The registration is still in progress on the session (one at a time per DE, G6). */
export const isPendingRegistration = (registration: RegistrationState) =>
  registration.status === 'INSCRIT' || registration.status === 'PRESENT' || registration.status === 'RETENU_EN_ATTENTE';

/** Withdrawn candidatures no longer count against the window's capacity; every other received one does (§c.4). */
export const countsAgainstWindow = (candidature: CandidatureState) => candidature.status !== 'SANS_SUITE';

export const isOpenCandidature = (candidature: CandidatureState) =>
  ['CANDIDATURE_RECUE', 'CONTACTE', 'INJOIGNABLE', 'PRESENT_ENTRETIEN'].includes(candidature.status);

/**
 * An enrolment occupies a training place while it waits for entry or runs; an exit or an abandon frees it only on
 * permanent-entry sessions (E5), where someone else may start.
 */
export function occupiesTrainingPlace(enrolment: EnrolmentState, mode: EntryExitMode): boolean {
  switch (enrolment.status) {
    case 'INSCRIT_EN_FORMATION':
    case 'ENTRE_EN_FORMATION':
    case 'EN_INTERRUPTION':
      return true;
    case 'SORTI':
    case 'ABANDON':
      return mode !== 'PERMANENT';
    default:
      return false;
  }
}

export const isActiveEnrolment = (enrolment: EnrolmentState) =>
  ['INSCRIT_EN_FORMATION', 'ENTRE_EN_FORMATION', 'EN_INTERRUPTION'].includes(enrolment.status);

export function modalityCounters(state: SessionAggregate, modalityId: string) {
  const modality = state.modalities.get(modalityId);
  const capacity = modality?.modality.capacity ?? 0;
  if (modality?.modality.kind === 'CANDIDATURE_WINDOW') {
    let received = 0;
    for (const candidature of state.candidatures.values())
      if (candidature.windowId === modalityId && countsAgainstWindow(candidature)) received += 1;
    return { capacity, taken: received, placesAvailable: Math.max(0, capacity - received), waitlisted: 0 };
  }
  let taken = 0;
  let waitlisted = 0;
  for (const registration of state.registrations.values()) {
    if (registration.modalityId !== modalityId) continue;
    if (holdsPlace(registration)) taken += 1;
    if (registration.status === 'RETENU_EN_ATTENTE') waitlisted += 1;
  }
  return { capacity, taken, placesAvailable: Math.max(0, capacity - taken), waitlisted };
}

export function trainingPlaces(state: SessionAggregate): { capacity: number | null; enrolled: number } {
  const mode = state.session?.entryExitMode ?? 'UNKNOWN';
  let enrolled = 0;
  for (const enrolment of state.enrolments.values()) if (occupiesTrainingPlace(enrolment, mode)) enrolled += 1;
  return { capacity: state.session?.capacity ?? null, enrolled };
}
