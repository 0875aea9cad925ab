import { type RecruitmentModality, STATUS_LABELS } from '@passerelle/schemas';
import { traineeFields } from '../emit.js';
import { recordRegistration } from '../invitation.js';
import { modalityCounters, type RegistrationState, type SessionAggregate } from '../state.js';
import { sessionClock } from '../time.js';
import {
  type ActContext,
  type ActOf,
  type Decided,
  isAppointment,
  isFuture,
  journeyIdOf,
  liveModality,
  modalityOf,
  openEnrolment,
  openForRecruitment,
  personalData,
  recruitmentClosed,
  refuse,
  registrationOf,
  registrationRefusal,
  requireSessionNotEnded,
  requireTrainingPlace,
  requireTransition,
} from './guards.js';

type RegistrationAct = ActOf<
  | 'registration.register'
  | 'registration.cancel'
  | 'registration.transfer'
  | 'registration.presence'
  | 'registration.result'
  | 'registration.waitlist'
>;

/**
 * The decider of registrations on an ICO / RDVI (domain.md §c.1). Which status each act may start from is the
 * lifecycle table's (requireTransition); the rules around it (places, dates, the appointment being past) are here.
 */
export function decideRegistrationAct(state: SessionAggregate, act: RegistrationAct, context: ActContext): Decided {
  switch (act.type) {
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
  }
}

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
  recordRegistration(state, context.emission, {
    registrationId,
    journeyId,
    modality: modality.modality,
    requestId: null,
    de: personalData(act.de),
  });
  return { status: 201, result: { registrationId, journeyId } };
}

function cancelRegistration(state: SessionAggregate, act: ActOf<'registration.cancel'>, context: ActContext): Decided {
  const registration = registrationOf(state, act.registrationId);
  // R2: only before presence or result is recorded.
  requireTransition(
    context.lifecycle,
    'fr.passerelle.kairos.RegistrationCancelled',
    registration.status,
    'The registration',
    'cancelling the RDV',
  );
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

export function transferTarget(
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
  if (!isFuture(target, sessionClock(state, now)))
    refuse(409, 'PAST_APPOINTMENT', 'The target appointment has already taken place.', field);
  return target;
}

/** R3: the source becomes TRANSFERE and a new registration takes a place on the target. Returns its id. */
export function transfer(
  state: SessionAggregate,
  registration: RegistrationState,
  target: RecruitmentModality,
  context: ActContext,
): string {
  const newRegistrationId = `REG-${context.commandId}-${registration.registrationId}`;
  context.emission.emit(
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
  );
  recordRegistration(state, context.emission, {
    registrationId: newRegistrationId,
    journeyId: registration.journeyId,
    modality: target,
    requestId: null,
    de: registration.de,
  });
  return newRegistrationId;
}

function transferRegistration(
  state: SessionAggregate,
  act: ActOf<'registration.transfer'>,
  context: ActContext,
): Decided {
  const registration = registrationOf(state, act.registrationId);
  requireTransition(
    context.lifecycle,
    'fr.passerelle.kairos.RegistrationTransferred',
    registration.status,
    'The registration',
    'a transfer',
  );
  const target = transferTarget(state, act.toModalityId, registration.modalityId, context.now, 'toModalityId');
  if (modalityCounters(state, target.modalityId).placesAvailable <= 0)
    refuse(409, 'NO_PLACE_LEFT', 'No place is left on the target appointment.', 'toModalityId');
  const newRegistrationId = transfer(state, registration, target, context);
  return { result: { registrationId: registration.registrationId, newRegistrationId } };
}

function recordPresence(state: SessionAggregate, act: ActOf<'registration.presence'>, context: ActContext): Decided {
  const registration = registrationOf(state, act.registrationId);
  requireTransition(
    context.lifecycle,
    'fr.passerelle.kairos.PresenceRecorded',
    registration.status,
    'The registration',
    'recording presence',
  );
  const modality = modalityOf(state, registration.modalityId).modality;
  // R4 / G7: presence is entered once the appointment is "échu".
  if (isFuture(modality, sessionClock(state, context.now)))
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

function recordRecruitmentResult(
  state: SessionAggregate,
  act: ActOf<'registration.result'>,
  context: ActContext,
): Decided {
  const registration = registrationOf(state, act.registrationId);
  requireTransition(
    context.lifecycle,
    'fr.passerelle.kairos.RecruitmentResultRecorded',
    registration.status,
    'The registration',
    'recording a result',
  );
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
  requireTransition(
    context.lifecycle,
    'fr.passerelle.kairos.WaitlistDecisionRecorded',
    registration.status,
    'The registration',
    'a waitlist decision',
  );
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
