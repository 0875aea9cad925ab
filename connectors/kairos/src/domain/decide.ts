import { type Actor, type DePersonalData, type RecruitmentModality, STATUS_LABELS } from '@passerelle/schemas';
import type { Act, Command, Rejection } from './commands.js';
import { type DomainEvent, Emission, traineeFields } from './emit.js';
import {
  type CandidatureState,
  type EnrolmentState,
  emptyAggregate,
  holdsPlace,
  isActiveEnrolment,
  isPendingRegistration,
  type ModalityState,
  modalityCounters,
  type RegistrationState,
  type SessionAggregate,
  trainingPlaces,
} from './state.js';
import { minutesOf, overlaps, parisClock, withinPartial } from './time.js';

export interface DecisionContext {
  now: Date;
  /** journeyIdFor under the shared journey secret (throws on an identifier that is not 8–11 letters/digits). */
  journeyIdOf(deIdentifier: string, sessionKey: string): string;
}

export type Decision =
  | { events: DomainEvent[]; status: 200 | 201; result: Record<string, unknown> }
  | { rejection: Rejection };

/** Thrown inside a decision to refuse the act; caught by `decide`, so nothing of the act is emitted. */
class Refusal extends Error {
  constructor(readonly rejection: Rejection) {
    super(rejection.detail);
  }
}

const refuse = (status: Rejection['status'], rule: string, detail: string, field?: string): never => {
  throw new Refusal({ status, rule, detail, ...(field ? { field } : {}) });
};

const invalidTransition = (what: string, from: string, act: string): never =>
  refuse(409, 'INVALID_TRANSITION', `${what} is ${from}: ${act} is not possible from this status.`);

/**
 * Decides an OF act on a session: the events that record it, or the rule it breaks (and then nothing). Pure: the
 * same state, command and clock give the same events with the same ids.
 */
export function decide(state: SessionAggregate | undefined, command: Command, context: DecisionContext): Decision {
  const aggregate = state ?? emptyAggregate(command.sessionKey);
  try {
    const actor = authorise(aggregate, command.actorSirets);
    const emission = new Emission({
      origin: command.commandId,
      now: context.now,
      actor,
      sourceSystem: command.act.type.startsWith('candidature.') ? 'KAIROS_NG' : 'KAIROS',
      causationId: null,
    });
    const decided = decideAct(aggregate, command.act, { ...context, emission, commandId: command.commandId });
    return { events: emission.events, status: decided.status ?? 200, result: decided.result };
  } catch (error) {
    if (error instanceof Refusal) return { rejection: error.rejection };
    throw error;
  }
}

/** An OF acts only on sessions where one of its SIRETs is the responsible or a delivering organisation. */
function authorise(state: SessionAggregate, sirets: readonly string[]): Actor {
  const session = state.session;
  const siret = session
    ? sirets.find((candidate) => candidate === session.responsibleSiret || session.deliveringSirets.includes(candidate))
    : undefined;
  // The same answer for an unknown session and someone else's: nothing about other OFs' sessions leaks.
  if (siret === undefined) refuse(403, 'FORBIDDEN_SESSION', 'This session is not one of your organisation.');
  return {
    kind: 'OF',
    siret: siret ?? null,
    organisationName: siret === session?.responsibleSiret ? (session?.organisationName ?? null) : null,
    prescriberNetwork: null,
    channel: 'KAIROS',
  };
}

interface ActContext extends DecisionContext {
  emission: Emission;
  commandId: string;
}

type Decided = { status?: 200 | 201; result: Record<string, unknown> };

function decideAct(state: SessionAggregate, act: Act, context: ActContext): Decided {
  switch (act.type) {
    case 'modality.schedule':
      return scheduleModality(state, act, context);
    case 'modality.modify':
      return modifyModality(state, act, context);
    case 'modality.duplicate':
      return duplicateModality(state, act, context);
    case 'modality.delete':
      return deleteModality(state, act, context);
    case 'modality.adjust-window':
      return adjustWindow(state, act, context);
    case 'registration.register':
      return registerOnModality(state, act, context);
    case 'registration.cancel':
      return cancelRegistration(state, act, context);
    case 'registration.transfer':
      return transferRegistration(state, act, context);
    case 'registration.presence':
      return recordPresence(state, act, context);
    case 'registration.result':
      return recordRecruitmentResult(state, act, context);
    case 'registration.waitlist':
      return decideWaitlist(state, act, context);
    case 'candidature.contact':
      return recordContact(state, act, context);
    case 'candidature.interview':
      return scheduleInterview(state, act, context);
    case 'candidature.interview-presence':
      return recordInterviewPresence(state, act, context);
    case 'candidature.result':
      return recordCandidatureResult(state, act, context);
    case 'enrolment.propose':
      return proposeDirectly(state, act, context);
    case 'enrolment.entry':
    case 'enrolment.correct-entry':
    case 'enrolment.absence-at-entry':
    case 'enrolment.interruption':
    case 'enrolment.end-interruption':
    case 'enrolment.attendance':
    case 'enrolment.abandon':
    case 'enrolment.exit':
    case 'enrolment.report':
    case 'enrolment.cancel':
      return decideEnrolmentAct(state, act, context);
  }
}

// --- guards shared by the acts -------------------------------------------------------------------------------------

type ActOf<Type extends Act['type']> = Extract<Act, { type: Type }>;

function openForRecruitment(state: SessionAggregate) {
  if (state.session?.withdrawn) refuse(409, 'SESSION_WITHDRAWN', 'The session was withdrawn from the offer.');
}

function modalityOf(state: SessionAggregate, modalityId: string, field = 'modalityId'): ModalityState {
  const modality = state.modalities.get(modalityId);
  if (!modality) return refuse(404, 'UNKNOWN_MODALITY', 'No such recruitment modality on this session.', field);
  return modality;
}

function liveModality(state: SessionAggregate, modalityId: string, field = 'modalityId'): ModalityState {
  const modality = modalityOf(state, modalityId, field);
  if (modality.cancelled) refuse(409, 'MODALITY_CANCELLED', 'This recruitment modality was deleted.', field);
  return modality;
}

function registrationOf(state: SessionAggregate, registrationId: string): RegistrationState {
  const registration = state.registrations.get(registrationId);
  if (!registration)
    return refuse(404, 'UNKNOWN_REGISTRATION', 'No such registration on this session.', 'registrationId');
  return registration;
}

function candidatureOf(state: SessionAggregate, candidatureId: string): CandidatureState {
  const candidature = state.candidatures.get(candidatureId);
  if (!candidature) return refuse(404, 'UNKNOWN_CANDIDATURE', 'No such candidature on this session.', 'candidatureId');
  return candidature;
}

function enrolmentOf(state: SessionAggregate, enrolmentId: string): EnrolmentState {
  const enrolment = state.enrolments.get(enrolmentId);
  if (!enrolment) return refuse(404, 'UNKNOWN_ENROLMENT', 'No such enrolment on this session.', 'enrolmentId');
  return enrolment;
}

/** The appointment's start, as a Paris local `YYYY-MM-DD HH:MM` stamp. */
const appointmentStamp = (modality: RecruitmentModality) => `${modality.date ?? ''} ${modality.startTime ?? '00:00'}`;

const isFuture = (modality: RecruitmentModality, now: Date) => appointmentStamp(modality) > parisClock(now).stamp;

const isAppointment = (modality: RecruitmentModality) => modality.kind === 'ICO' || modality.kind === 'RDVI';

/** The DE as events carry it: optional contacts explicitly null, the identifier upper-cased (domain.md §h.1). */
const personalData = (de: DePersonalData): DePersonalData => ({
  deIdentifier: de.deIdentifier.trim().toUpperCase(),
  lastName: de.lastName,
  firstName: de.firstName,
  email: de.email ?? null,
  phone: de.phone ?? null,
});

function journeyIdOf(context: DecisionContext, de: DePersonalData, sessionKey: string): string {
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
function registrationRefusal(
  state: SessionAggregate,
  modality: ModalityState,
  journeyId: string,
  now: Date,
): { status: 409; rule: 'PAST_APPOINTMENT' | 'NO_PLACE_LEFT' | 'ALREADY_REGISTERED'; detail: string } | undefined {
  if (!isFuture(modality.modality, now))
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

function recruitmentClosed(state: SessionAggregate): string | undefined {
  const recruitment = state.session?.recruitmentState;
  return recruitment === 'CLOSED' || recruitment === 'SUSPENDED'
    ? `Recruitment on this session is ${recruitment === 'CLOSED' ? 'closed' : 'suspended'} in the offer.`
    : undefined;
}

function requireTrainingPlace(state: SessionAggregate) {
  const { capacity, enrolled } = trainingPlaces(state);
  if (capacity !== null && enrolled >= capacity)
    refuse(409, 'SESSION_FULL', `The session's ${capacity} training places are all taken.`);
}

function requireSessionNotEnded(state: SessionAggregate, now: Date) {
  const end = state.session?.end ?? null;
  if (end !== null && parisClock(now).date.slice(0, end.length) > end)
    refuse(409, 'SESSION_ENDED', 'The session has ended.');
}

// --- recruitment modalities (§d) -----------------------------------------------------------------------------------

function modalityFrom(modalityId: string, input: ActOf<'modality.schedule'>): RecruitmentModality {
  const kind = input.kind;
  if (kind === 'CANDIDATURE_WINDOW') {
    if (!input.receptionStart)
      refuse(422, 'MISSING_FIELD', 'A candidature window needs its reception start.', 'receptionStart');
    if (!input.receptionEnd)
      refuse(422, 'MISSING_FIELD', 'A candidature window needs its reception end.', 'receptionEnd');
    if (input.capacity === undefined)
      refuse(422, 'MISSING_FIELD', 'A candidature window needs its maximum capacity.', 'capacity');
  } else {
    for (const field of ['date', 'startTime', 'endTime'] as const)
      if (!input[field]) refuse(422, 'MISSING_FIELD', `An ${kind} needs its ${field}.`, field);
    if (kind === 'ICO' && input.capacity === undefined)
      refuse(422, 'MISSING_FIELD', 'An information collective needs its number of places.', 'capacity');
    if (kind === 'RDVI' && !input.slotMinutes && input.capacity === undefined)
      refuse(422, 'MISSING_FIELD', 'An RDVI slot range needs its slot length (or a capacity).', 'slotMinutes');
  }
  const slots =
    kind === 'RDVI' && input.slotMinutes && input.startTime && input.endTime
      ? Math.floor((minutesOf(input.endTime) - minutesOf(input.startTime)) / input.slotMinutes)
      : undefined;
  return {
    modalityId,
    kind,
    date: input.date ?? null,
    startTime: input.startTime ?? null,
    endTime: input.endTime ?? null,
    place: input.place ?? null,
    remoteLink: input.remoteLink ?? null,
    capacity: input.capacity ?? slots ?? 0,
    slotMinutes: input.slotMinutes ?? null,
    receptionStart: input.receptionStart ?? null,
    receptionEnd: input.receptionEnd ?? null,
    comment: input.comment ?? null,
  };
}

function validateModality(modality: RecruitmentModality, now: Date) {
  if (modality.kind === 'CANDIDATURE_WINDOW') {
    if ((modality.receptionStart ?? '') > (modality.receptionEnd ?? ''))
      refuse(422, 'INVALID_PERIOD', 'The reception period ends before it starts.', 'receptionEnd');
  } else {
    if ((modality.startTime ?? '') >= (modality.endTime ?? ''))
      refuse(422, 'INVALID_PERIOD', 'The appointment ends before it starts.', 'endTime');
    if (!isFuture(modality, now)) refuse(422, 'DATE_IN_PAST', 'An appointment is scheduled in the future.', 'date');
    if (modality.kind === 'ICO' && !modality.place && !modality.remoteLink)
      refuse(422, 'MISSING_FIELD', 'An information collective needs a place or a remote link.', 'place');
  }
  if (modality.capacity < 1) refuse(422, 'INVALID_CAPACITY', 'A modality offers at least one place.', 'capacity');
}

function scheduleModality(state: SessionAggregate, act: ActOf<'modality.schedule'>, context: ActContext): Decided {
  openForRecruitment(state);
  const modality = modalityFrom(`MOD-${context.commandId}`, act);
  validateModality(modality, context.now);
  context.emission.emit(
    'fr.passerelle.kairos.RecruitmentModalityScheduled',
    { sessionKey: state.sessionKey, modality },
    state.sessionKey,
  );
  return { status: 201, result: { modalityId: modality.modalityId, capacity: modality.capacity } };
}

function modifyModality(state: SessionAggregate, act: ActOf<'modality.modify'>, context: ActContext): Decided {
  openForRecruitment(state);
  const current = liveModality(state, act.modalityId).modality;
  const next: RecruitmentModality = {
    ...current,
    date: act.date ?? current.date,
    startTime: act.startTime ?? current.startTime,
    endTime: act.endTime ?? current.endTime,
    place: act.place ?? current.place,
    remoteLink: act.remoteLink ?? current.remoteLink,
    comment: act.comment ?? current.comment,
    slotMinutes: act.slotMinutes ?? current.slotMinutes,
    receptionStart: act.receptionStart ?? current.receptionStart,
    receptionEnd: act.receptionEnd ?? current.receptionEnd,
    capacity: act.capacity ?? current.capacity,
  };
  validateModality(next, context.now);
  const { taken } = modalityCounters(state, current.modalityId);
  if (current.kind !== 'CANDIDATURE_WINDOW' && next.capacity < taken)
    refuse(409, 'CAPACITY_BELOW_REGISTRANTS', `${taken} DEs are registered: the capacity cannot go below.`, 'capacity');
  const rescheduled = (['date', 'startTime', 'endTime', 'place', 'remoteLink', 'comment', 'slotMinutes'] as const).some(
    (field) => next[field] !== current[field],
  );
  const adjusted = (['capacity', 'receptionStart', 'receptionEnd'] as const).some(
    (field) => next[field] !== current[field],
  );
  if (rescheduled)
    context.emission.emit(
      'fr.passerelle.kairos.RecruitmentModalityRescheduled',
      { sessionKey: state.sessionKey, modality: next, previous: current },
      state.sessionKey,
    );
  if (adjusted)
    context.emission.emit(
      'fr.passerelle.kairos.RecruitmentModalityAdjusted',
      {
        sessionKey: state.sessionKey,
        modality: next,
        previousCapacity: current.capacity,
        previousReceptionStart: current.receptionStart,
        previousReceptionEnd: current.receptionEnd,
      },
      state.sessionKey,
    );
  return { result: { modalityId: current.modalityId, registrantsInformed: rescheduled ? taken : 0 } };
}

function duplicateModality(state: SessionAggregate, act: ActOf<'modality.duplicate'>, context: ActContext): Decided {
  openForRecruitment(state);
  const source = modalityOf(state, act.modalityId).modality;
  const modality: RecruitmentModality = {
    ...source,
    modalityId: `MOD-${context.commandId}`,
    date: act.date ?? source.date,
    startTime: act.startTime ?? source.startTime,
    endTime: act.endTime ?? source.endTime,
  };
  validateModality(modality, context.now);
  context.emission.emit(
    'fr.passerelle.kairos.RecruitmentModalityDuplicated',
    { sessionKey: state.sessionKey, sourceModalityId: source.modalityId, modality },
    state.sessionKey,
  );
  return { status: 201, result: { modalityId: modality.modalityId } };
}

function deleteModality(state: SessionAggregate, act: ActOf<'modality.delete'>, context: ActContext): Decided {
  const modality = liveModality(state, act.modalityId).modality;
  const registrants = [...state.registrations.values()].filter(
    (registration) => registration.modalityId === modality.modalityId && registration.status === 'INSCRIT',
  );
  const fates: { registrationId: string; outcome: 'CANCELLED' | 'TRANSFERRED'; transferredTo: string | null }[] = [];
  if (registrants.length > 0) {
    const choice = act.registrants;
    if (!choice)
      refuse(
        409,
        'REGISTRANTS_FATE_REQUIRED',
        `${registrants.length} DEs are registered: say whether they are cancelled or transferred.`,
        'registrants',
      );
    if (choice?.action === 'transfer') {
      if (!choice.toModalityId)
        refuse(422, 'MISSING_FIELD', 'A transfer names the receiving appointment.', 'registrants.toModalityId');
      const target = transferTarget(
        state,
        choice.toModalityId ?? '',
        modality.modalityId,
        context.now,
        'registrants.toModalityId',
      );
      const free = modalityCounters(state, target.modalityId).placesAvailable;
      if (free < registrants.length)
        refuse(
          409,
          'NO_PLACE_LEFT',
          `The target appointment has ${free} places for ${registrants.length} registrants.`,
          'registrants.toModalityId',
        );
      for (const registration of registrants) {
        const newRegistrationId = transfer(state, registration, target, context);
        fates.push({
          registrationId: registration.registrationId,
          outcome: 'TRANSFERRED',
          transferredTo: newRegistrationId,
        });
      }
    } else {
      for (const registration of registrants) {
        context.emission.emit(
          'fr.passerelle.kairos.RegistrationCancelled',
          {
            ...traineeFields(state, registration.journeyId),
            registrationId: registration.registrationId,
            modalityId: modality.modalityId,
            reason: act.reason ?? 'EVENT_DELETED',
            status: 'RDV_ANNULE',
            sourceLabel: STATUS_LABELS.RDV_ANNULE,
          },
          registration.journeyId,
        );
        fates.push({ registrationId: registration.registrationId, outcome: 'CANCELLED', transferredTo: null });
      }
    }
  }
  context.emission.emit(
    'fr.passerelle.kairos.RecruitmentModalityCancelled',
    { sessionKey: state.sessionKey, modalityId: modality.modalityId, reason: act.reason ?? null, registrants: fates },
    state.sessionKey,
  );
  return { result: { modalityId: modality.modalityId, registrants: fates } };
}

function adjustWindow(state: SessionAggregate, act: ActOf<'modality.adjust-window'>, context: ActContext): Decided {
  openForRecruitment(state);
  const current = liveModality(state, act.modalityId).modality;
  if (current.kind !== 'CANDIDATURE_WINDOW')
    refuse(422, 'MODALITY_KIND', 'Only a candidature window has a reception period to adjust.', 'modalityId');
  const modality: RecruitmentModality = {
    ...current,
    receptionStart: act.receptionStart ?? current.receptionStart,
    receptionEnd: act.receptionEnd ?? current.receptionEnd,
    capacity: act.capacity ?? current.capacity,
  };
  validateModality(modality, context.now);
  // C5: lowering the capacity below the candidatures received does not cancel them; the window just stops taking more.
  context.emission.emit(
    'fr.passerelle.kairos.RecruitmentModalityAdjusted',
    {
      sessionKey: state.sessionKey,
      modality,
      previousCapacity: current.capacity,
      previousReceptionStart: current.receptionStart,
      previousReceptionEnd: current.receptionEnd,
    },
    state.sessionKey,
  );
  const { taken } = modalityCounters(state, modality.modalityId);
  return {
    result: {
      modalityId: modality.modalityId,
      capacity: modality.capacity,
      taken,
      placesAvailable: Math.max(0, modality.capacity - taken),
    },
  };
}

// --- registrations (§c.1) ------------------------------------------------------------------------------------------

function registerOnModality(
  state: SessionAggregate,
  act: ActOf<'registration.register'>,
  context: ActContext,
): Decided {
  openForRecruitment(state);
  const closed = recruitmentClosed(state);
  if (closed) refuse(409, 'SESSION_CLOSED', closed);
  const modality = liveModality(state, act.modalityId);
  if (!isAppointment(modality.modality))
    refuse(
      422,
      'MODALITY_KIND',
      'A DE is registered on an ICO or an RDVI; candidatures come from the DE.',
      'modalityId',
    );
  const journeyId = journeyIdOf(context, act.de, state.sessionKey);
  const refusal = registrationRefusal(state, modality, journeyId, context.now);
  if (refusal) refuse(refusal.status, refusal.rule, refusal.detail, 'modalityId');
  const registrationId = `REG-${context.commandId}`;
  context.emission.emit(
    'fr.passerelle.kairos.RegistrationRecorded',
    {
      ...traineeFields(state, journeyId),
      registrationId,
      modalityId: modality.modality.modalityId,
      modalityKind: modality.modality.kind,
      requestId: null,
      de: personalData(act.de),
      status: 'INSCRIT',
      sourceLabel: STATUS_LABELS.INSCRIT,
    },
    journeyId,
  );
  return { status: 201, result: { registrationId, journeyId } };
}

function cancelRegistration(state: SessionAggregate, act: ActOf<'registration.cancel'>, context: ActContext): Decided {
  const registration = registrationOf(state, act.registrationId);
  // R2: only before presence or result is recorded.
  if (registration.status !== 'INSCRIT')
    invalidTransition('The registration', registration.status, 'cancelling the RDV');
  context.emission.emit(
    'fr.passerelle.kairos.RegistrationCancelled',
    {
      ...traineeFields(state, registration.journeyId),
      registrationId: registration.registrationId,
      modalityId: registration.modalityId,
      reason: act.reason ?? null,
      status: 'RDV_ANNULE',
      sourceLabel: STATUS_LABELS.RDV_ANNULE,
    },
    registration.journeyId,
  );
  return { result: { registrationId: registration.registrationId, status: 'RDV_ANNULE' } };
}

function transferTarget(
  state: SessionAggregate,
  toModalityId: string,
  fromModalityId: string,
  now: Date,
  field: string,
) {
  const target = liveModality(state, toModalityId, field).modality;
  if (!isAppointment(target)) refuse(422, 'MODALITY_KIND', 'A registration moves to another ICO or RDVI.', field);
  if (target.modalityId === fromModalityId)
    refuse(422, 'SAME_MODALITY', 'The target is the appointment the DE is already on.', field);
  if (!isFuture(target, now)) refuse(409, 'PAST_APPOINTMENT', 'The target appointment has already taken place.', field);
  return target;
}

/** R3: the source becomes TRANSFERE and a new registration takes a place on the target. Returns its id. */
function transfer(
  state: SessionAggregate,
  registration: RegistrationState,
  target: RecruitmentModality,
  context: ActContext,
): string {
  const newRegistrationId = `REG-${context.commandId}-${registration.registrationId}`;
  context.emission
    .emit(
      'fr.passerelle.kairos.RegistrationTransferred',
      {
        ...traineeFields(state, registration.journeyId),
        registrationId: registration.registrationId,
        fromModalityId: registration.modalityId,
        toModalityId: target.modalityId,
        newRegistrationId,
        status: 'TRANSFERE',
        sourceLabel: STATUS_LABELS.TRANSFERE,
      },
      registration.journeyId,
    )
    .emit(
      'fr.passerelle.kairos.RegistrationRecorded',
      {
        ...traineeFields(state, registration.journeyId),
        registrationId: newRegistrationId,
        modalityId: target.modalityId,
        modalityKind: target.kind,
        requestId: null,
        de: registration.de,
        status: 'INSCRIT',
        sourceLabel: STATUS_LABELS.INSCRIT,
      },
      registration.journeyId,
    );
  return newRegistrationId;
}

function transferRegistration(
  state: SessionAggregate,
  act: ActOf<'registration.transfer'>,
  context: ActContext,
): Decided {
  const registration = registrationOf(state, act.registrationId);
  if (registration.status !== 'INSCRIT') invalidTransition('The registration', registration.status, 'a transfer');
  const target = transferTarget(state, act.toModalityId, registration.modalityId, context.now, 'toModalityId');
  if (modalityCounters(state, target.modalityId).placesAvailable <= 0)
    refuse(409, 'NO_PLACE_LEFT', 'No place is left on the target appointment.', 'toModalityId');
  const newRegistrationId = transfer(state, registration, target, context);
  return { result: { registrationId: registration.registrationId, newRegistrationId } };
}

function recordPresence(state: SessionAggregate, act: ActOf<'registration.presence'>, context: ActContext): Decided {
  const registration = registrationOf(state, act.registrationId);
  if (registration.status !== 'INSCRIT')
    invalidTransition('The registration', registration.status, 'recording presence');
  const modality = modalityOf(state, registration.modalityId).modality;
  // R4 / G7: presence is entered once the appointment is "échu".
  if (isFuture(modality, context.now))
    refuse(409, 'APPOINTMENT_NOT_PAST', 'Presence is recorded once the appointment has taken place.');
  context.emission.emit(
    'fr.passerelle.kairos.PresenceRecorded',
    {
      ...traineeFields(state, registration.journeyId),
      registrationId: registration.registrationId,
      presence: act.presence,
      status: act.presence,
      sourceLabel: STATUS_LABELS[act.presence],
    },
    registration.journeyId,
  );
  return { result: { registrationId: registration.registrationId, status: act.presence } };
}

function openEnrolment(
  state: SessionAggregate,
  journeyId: string,
  de: DePersonalData | null,
  origin: 'RECRUITMENT_RESULT' | 'WAITLIST' | 'CANDIDATURE' | 'DIRECT_PROPOSAL',
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

function recordRecruitmentResult(
  state: SessionAggregate,
  act: ActOf<'registration.result'>,
  context: ActContext,
): Decided {
  const registration = registrationOf(state, act.registrationId);
  if (registration.status !== 'PRESENT')
    invalidTransition('The registration', registration.status, 'recording a result');
  // R5: retained only while the session has a training place; otherwise the OF waitlists (R6).
  if (act.result === 'RETENU') {
    requireSessionNotEnded(state, context.now);
    requireTrainingPlace(state);
  }
  context.emission.emit(
    'fr.passerelle.kairos.RecruitmentResultRecorded',
    {
      ...traineeFields(state, registration.journeyId),
      registrationId: registration.registrationId,
      result: act.result,
      refusalReason: act.result === 'NON_RETENU' ? (act.reason ?? null) : null,
      comment: act.comment ?? null,
      status: act.result,
      sourceLabel: STATUS_LABELS[act.result],
    },
    registration.journeyId,
  );
  const enrolmentId =
    act.result === 'RETENU'
      ? openEnrolment(
          state,
          registration.journeyId,
          registration.de,
          'RECRUITMENT_RESULT',
          registration.registrationId,
          context,
        )
      : undefined;
  return {
    result: {
      registrationId: registration.registrationId,
      status: act.result,
      ...(enrolmentId ? { enrolmentId } : {}),
    },
  };
}

function decideWaitlist(state: SessionAggregate, act: ActOf<'registration.waitlist'>, context: ActContext): Decided {
  const registration = registrationOf(state, act.registrationId);
  if (registration.status !== 'RETENU_EN_ATTENTE')
    invalidTransition('The registration', registration.status, 'a waitlist decision');
  if (act.decision === 'RETENU') {
    requireSessionNotEnded(state, context.now);
    requireTrainingPlace(state);
  }
  context.emission.emit(
    'fr.passerelle.kairos.WaitlistDecisionRecorded',
    {
      ...traineeFields(state, registration.journeyId),
      registrationId: registration.registrationId,
      decision: act.decision,
      reason: act.reason ?? null,
      status: act.decision,
      sourceLabel: STATUS_LABELS[act.decision],
    },
    registration.journeyId,
  );
  const enrolmentId =
    act.decision === 'RETENU'
      ? openEnrolment(state, registration.journeyId, registration.de, 'WAITLIST', registration.registrationId, context)
      : undefined;
  return {
    result: {
      registrationId: registration.registrationId,
      status: act.decision,
      ...(enrolmentId ? { enrolmentId } : {}),
    },
  };
}

// --- candidatures (§c.2) -------------------------------------------------------------------------------------------

function recordContact(state: SessionAggregate, act: ActOf<'candidature.contact'>, context: ActContext): Decided {
  const candidature = candidatureOf(state, act.candidatureId);
  // C2; G13: an unreachable candidate may be contacted again.
  if (candidature.status !== 'CANDIDATURE_RECUE' && candidature.status !== 'INJOIGNABLE')
    invalidTransition('The candidature', candidature.status, 'recording the contact follow-up');
  if (act.interview && act.outcome !== 'CONTACTE')
    refuse(422, 'INTERVIEW_NEEDS_CONTACT', 'An interview is fixed only with a contacted candidate.', 'interview');
  context.emission.emit(
    'fr.passerelle.kairos.CandidateContactRecorded',
    {
      ...traineeFields(state, candidature.journeyId),
      candidatureId: candidature.candidatureId,
      outcome: act.outcome,
      status: act.outcome,
      sourceLabel: STATUS_LABELS[act.outcome],
    },
    candidature.journeyId,
  );
  if (act.interview) emitInterview(state, candidature, act.interview, context);
  return { result: { candidatureId: candidature.candidatureId, status: act.outcome } };
}

function emitInterview(
  state: SessionAggregate,
  candidature: CandidatureState,
  interview: { date: string; time?: string; modality: 'IN_PERSON' | 'PHONE' | 'VIDEO' | 'EMAIL' | 'OTHER' },
  context: ActContext,
) {
  context.emission.emit(
    'fr.passerelle.kairos.InterviewScheduled',
    {
      ...traineeFields(state, candidature.journeyId),
      candidatureId: candidature.candidatureId,
      date: interview.date,
      time: interview.time ?? null,
      modality: interview.modality,
    },
    candidature.journeyId,
  );
}

function scheduleInterview(state: SessionAggregate, act: ActOf<'candidature.interview'>, context: ActContext): Decided {
  const candidature = candidatureOf(state, act.candidatureId);
  if (candidature.status !== 'CONTACTE')
    invalidTransition('The candidature', candidature.status, 'fixing the interview');
  emitInterview(state, candidature, act, context);
  return {
    result: { candidatureId: candidature.candidatureId, interview: { date: act.date, time: act.time ?? null } },
  };
}

function recordInterviewPresence(
  state: SessionAggregate,
  act: ActOf<'candidature.interview-presence'>,
  context: ActContext,
): Decided {
  const candidature = candidatureOf(state, act.candidatureId);
  if (candidature.status !== 'CONTACTE')
    invalidTransition('The candidature', candidature.status, 'recording interview presence');
  const interview = candidature.interview;
  if (!interview) return refuse(409, 'INTERVIEW_NOT_SCHEDULED', 'No interview was fixed with this candidate.');
  // C3: the interview date must be reached.
  if (`${interview.date} ${interview.time ?? '00:00'}` > parisClock(context.now).stamp)
    refuse(409, 'INTERVIEW_NOT_PAST', 'Presence is recorded once the interview has taken place.');
  const status = act.presence === 'PRESENT' ? 'PRESENT_ENTRETIEN' : 'ABSENT_ENTRETIEN';
  context.emission.emit(
    'fr.passerelle.kairos.InterviewPresenceRecorded',
    {
      ...traineeFields(state, candidature.journeyId),
      candidatureId: candidature.candidatureId,
      presence: act.presence,
      status,
      sourceLabel: STATUS_LABELS[status],
    },
    candidature.journeyId,
  );
  return { result: { candidatureId: candidature.candidatureId, status } };
}

function recordCandidatureResult(
  state: SessionAggregate,
  act: ActOf<'candidature.result'>,
  context: ActContext,
): Decided {
  const candidature = candidatureOf(state, act.candidatureId);
  if (candidature.status !== 'PRESENT_ENTRETIEN')
    invalidTransition('The candidature', candidature.status, 'recording the interview result');
  if (act.result === 'RETENU') {
    requireSessionNotEnded(state, context.now);
    requireTrainingPlace(state);
  }
  context.emission.emit(
    'fr.passerelle.kairos.CandidatureResultRecorded',
    {
      ...traineeFields(state, candidature.journeyId),
      candidatureId: candidature.candidatureId,
      result: act.result,
      refusalReason: act.result === 'NON_RETENU' ? (act.reason ?? null) : null,
      comment: act.comment ?? null,
      status: act.result,
      sourceLabel: STATUS_LABELS[act.result],
    },
    candidature.journeyId,
  );
  const enrolmentId =
    act.result === 'RETENU'
      ? openEnrolment(state, candidature.journeyId, candidature.de, 'CANDIDATURE', candidature.candidatureId, context)
      : undefined;
  return {
    result: { candidatureId: candidature.candidatureId, status: act.result, ...(enrolmentId ? { enrolmentId } : {}) },
  };
}

// --- enrolment (§c.3) ----------------------------------------------------------------------------------------------

function proposeDirectly(state: SessionAggregate, act: ActOf<'enrolment.propose'>, context: ActContext): Decided {
  openForRecruitment(state);
  requireSessionNotEnded(state, context.now);
  requireTrainingPlace(state);
  const journeyId = journeyIdOf(context, act.de, state.sessionKey);
  const enrolmentId = openEnrolment(state, journeyId, personalData(act.de), 'DIRECT_PROPOSAL', null, context);
  return { status: 201, result: { enrolmentId, journeyId } };
}

type EnrolmentAct = ActOf<
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

const ENTERED = new Set(['ENTRE_EN_FORMATION', 'EN_INTERRUPTION']);

function decideEnrolmentAct(state: SessionAggregate, act: EnrolmentAct, context: ActContext): Decided {
  const enrolment = enrolmentOf(state, act.enrolmentId);
  const fields = { ...traineeFields(state, enrolment.journeyId), enrolmentId: enrolment.enrolmentId };
  const emit = context.emission;
  const today = parisClock(context.now).date;
  const sessionStart = state.session?.start ?? null;
  const sessionEnd = state.session?.end ?? null;
  const requireStatus = (allowed: ReadonlySet<string> | string, what: string) => {
    const ok = typeof allowed === 'string' ? enrolment.status === allowed : allowed.has(enrolment.status);
    if (!ok) invalidTransition('The enrolment', enrolment.status, what);
  };
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
      requireStatus('INSCRIT_EN_FORMATION', 'recording the entry');
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
      requireStatus('INSCRIT_EN_FORMATION', 'recording an absence at entry');
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
      requireStatus(ENTERED, 'recording an interruption');
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
      if (interruption.end !== null || enrolment.status !== 'EN_INTERRUPTION')
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
      requireStatus(ENTERED, 'recording attendance');
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
      requireStatus(ENTERED, 'recording an abandon');
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
      requireStatus(ENTERED, 'recording the exit');
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
      requireStatus(new Set(['SORTI', 'ABANDON']), 'recording the end-of-training report');
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
      requireStatus('INSCRIT_EN_FORMATION', 'cancelling the enrolment');
      emit.emit(
        'fr.passerelle.kairos.EnrolmentCancelled',
        { ...fields, reason: act.reason ?? null, status: 'ANNULE', sourceLabel: STATUS_LABELS.ANNULE },
        enrolment.journeyId,
      );
      return result('ANNULE');
    }
  }
}

export { holdsPlace, isAppointment, isFuture, recruitmentClosed, registrationRefusal };
