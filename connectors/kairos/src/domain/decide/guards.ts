import {
  type DePersonalData,
  type JourneyStatus,
  LIFECYCLE,
  type Lifecycle,
  mayRecord,
  type RecruitmentModality,
  STATUS_LABELS,
} from '@passerelle/schemas';
import type { WallClock } from '@passerelle/schemas/local-time';
import type { Act, Rejection } from '../commands.js';
import { type Emission, type SessionEventName, traineeFields } from '../emit.js';
import {
  type CandidatureState,
  type EnrolmentState,
  isActiveEnrolment,
  isPendingRegistration,
  type ModalityState,
  modalityCounters,
  type RegistrationState,
  type SessionAggregate,
  trainingPlaces,
} from '../state.js';
import { sessionClock } from '../time.js';

export interface DecisionContext {
  now: Date;
  /**
   * The transitions the guards allow (the real lifecycle unless a test injects an extended one): who may move a
   * registration, candidature or enrolment from which status is read there, never written again here.
   */
  lifecycle?: Lifecycle;
  /** journeyIdFor under the shared journey secret (throws on an identifier that is not 8–11 letters/digits). */
  journeyIdOf(deIdentifier: string, sessionKey: string): string;
}

/** Thrown inside a decision to refuse the act; caught by `decide`, so nothing of the act is emitted. */
export class Refusal extends Error {
  constructor(readonly rejection: Rejection) {
    super(rejection.detail);
  }
}

export const refuse = (status: Rejection['status'], rule: string, detail: string, field?: string): never => {
  throw new Refusal({ status, rule, detail, ...(field ? { field } : {}) });
};

export const invalidTransition = (what: string, from: string, act: string): never =>
  refuse(409, 'INVALID_TRANSITION', `${what} is ${from}: ${act} is not possible from this status.`);

export interface ActContext extends DecisionContext {
  emission: Emission;
  commandId: string;
  lifecycle: Lifecycle;
}

export type Decided = { status?: 200 | 201; result: Record<string, unknown> };

// --- guards shared by the acts -------------------------------------------------------------------------------------

export type ActOf<Type extends Act['type']> = Extract<Act, { type: Type }>;

export function openForRecruitment(state: SessionAggregate) {
  if (state.session?.withdrawn) refuse(409, 'SESSION_WITHDRAWN', 'The session was withdrawn from the offer.');
}

export function modalityOf(state: SessionAggregate, modalityId: string, field = 'modalityId'): ModalityState {
  const modality = state.modalities.get(modalityId);
  if (!modality) return refuse(404, 'UNKNOWN_MODALITY', 'No such recruitment modality on this session.', field);
  return modality;
}

export function liveModality(state: SessionAggregate, modalityId: string, field = 'modalityId'): ModalityState {
  const modality = modalityOf(state, modalityId, field);
  if (modality.cancelled) refuse(409, 'MODALITY_CANCELLED', 'This recruitment modality was deleted.', field);
  return modality;
}

export function registrationOf(state: SessionAggregate, registrationId: string): RegistrationState {
  const registration = state.registrations.get(registrationId);
  if (!registration)
    return refuse(404, 'UNKNOWN_REGISTRATION', 'No such registration on this session.', 'registrationId');
  return registration;
}

export function candidatureOf(state: SessionAggregate, candidatureId: string): CandidatureState {
  const candidature = state.candidatures.get(candidatureId);
  if (!candidature) return refuse(404, 'UNKNOWN_CANDIDATURE', 'No such candidature on this session.', 'candidatureId');
  return candidature;
}

export function enrolmentOf(state: SessionAggregate, enrolmentId: string): EnrolmentState {
  const enrolment = state.enrolments.get(enrolmentId);
  if (!enrolment) return refuse(404, 'UNKNOWN_ENROLMENT', 'No such enrolment on this session.', 'enrolmentId');
  return enrolment;
}

/** The appointment's start, as a local `YYYY-MM-DD HH:MM` stamp on the session's clock. */
const appointmentStamp = (modality: RecruitmentModality) => `${modality.date ?? ''} ${modality.startTime ?? '00:00'}`;

export const isFuture = (modality: RecruitmentModality, clock: WallClock) => appointmentStamp(modality) > clock.stamp;

export const isAppointment = (modality: RecruitmentModality) => modality.kind === 'ICO' || modality.kind === 'RDVI';

/** The DE as events carry it: optional contacts explicitly null, the identifier upper-cased (domain.md §h.1). */
export const personalData = (de: DePersonalData): DePersonalData => ({
  deIdentifier: de.deIdentifier.trim().toUpperCase(),
  lastName: de.lastName,
  firstName: de.firstName,
  email: de.email ?? null,
  phone: de.phone ?? null,
});

export function journeyIdOf(context: DecisionContext, de: DePersonalData, sessionKey: string): string {
  try {
    return context.journeyIdOf(de.deIdentifier, sessionKey);
  } catch {
    return refuse(
      422,
      'INVALID_DE_IDENTIFIER',
      'The DE identifier must be 8 to 11 letters or digits.',
      'de.deIdentifier',
    );
  }
}

/** The room an RDV has for one more DE, with the rule that refuses it otherwise (R1). */
export function registrationRefusal(
  state: SessionAggregate,
  modality: ModalityState,
  journeyId: string,
  now: Date,
): { status: 409; rule: 'PAST_APPOINTMENT' | 'NO_PLACE_LEFT' | 'ALREADY_REGISTERED'; detail: string } | undefined {
  if (!isFuture(modality.modality, sessionClock(state, now)))
    return { status: 409, rule: 'PAST_APPOINTMENT', detail: 'The appointment has already taken place.' };
  if (modalityCounters(state, modality.modality.modalityId).placesAvailable <= 0)
    return { status: 409, rule: 'NO_PLACE_LEFT', detail: 'No place is left on this appointment.' };
  for (const registration of state.registrations.values())
    if (registration.journeyId === journeyId && isPendingRegistration(registration))
      return {
        status: 409,
        rule: 'ALREADY_REGISTERED',
        detail: 'The DE already has a registration in progress on this session.',
      };
  return undefined;
}

export function recruitmentClosed(state: SessionAggregate): string | undefined {
  const recruitment = state.session?.recruitmentState;
  return recruitment === 'CLOSED' || recruitment === 'SUSPENDED'
    ? `Recruitment on this session is ${recruitment === 'CLOSED' ? 'closed' : 'suspended'} in the offer.`
    : undefined;
}

export function requireTrainingPlace(state: SessionAggregate) {
  const { capacity, enrolled } = trainingPlaces(state);
  if (capacity !== null && enrolled >= capacity)
    refuse(409, 'SESSION_FULL', `The session's ${capacity} training places are all taken.`);
}

export function requireSessionNotEnded(state: SessionAggregate, now: Date) {
  const end = state.session?.end ?? null;
  if (end !== null && sessionClock(state, now).date.slice(0, end.length) > end)
    refuse(409, 'SESSION_ENDED', 'The session has ended.');
}

export function openEnrolment(
  state: SessionAggregate,
  journeyId: string,
  de: DePersonalData | null,
  origin: 'RECRUITMENT_RESULT' | 'WAITLIST' | 'CANDIDATURE' | 'DIRECT_PROPOSAL' | 'QUOTE',
  originId: string | null,
  context: ActContext,
): string {
  for (const enrolment of state.enrolments.values())
    if (enrolment.journeyId === journeyId && isActiveEnrolment(enrolment))
      refuse(409, 'ALREADY_ENROLLED', 'The DE is already enrolled in this training.');
  const enrolmentId = `ENR-${context.commandId}`;
  context.emission.emit(
    'fr.passerelle.kairos.EnrolmentOpened',
    {
      ...traineeFields(state, journeyId),
      enrolmentId,
      origin,
      originId,
      de,
      status: 'INSCRIT_EN_FORMATION',
      sourceLabel: STATUS_LABELS.INSCRIT_EN_FORMATION,
    },
    journeyId,
  );
  return enrolmentId;
}

/**
 * The lifecycle guard of an OF act: the record it emits must be allowed from the subject's current status for an
 * OF (LIFECYCLE); otherwise INVALID_TRANSITION, worded as the subject and act are.
 */
export function requireTransition(
  lifecycle: Lifecycle,
  record: SessionEventName,
  status: JourneyStatus,
  what: string,
  act: string,
): void {
  if (!mayRecord(lifecycle, record, status, { actor: 'OF' })) invalidTransition(what, status, act);
}

/** The lifecycle a decision runs on: the injected one, else the real table. */
export const lifecycleOf = (context: DecisionContext): Lifecycle => context.lifecycle ?? LIFECYCLE;
