import { type RecruitmentModality, STATUS_LABELS } from '@passerelle/schemas';
import { traineeFields } from '../emit.js';
import { issueInvitation, rescheduledSlot } from '../invitation.js';
import { modalityCounters, type SessionAggregate } from '../state.js';
import { minutesOf, sessionClock } from '../time.js';
import {
  type ActContext,
  type ActOf,
  type Decided,
  isFuture,
  liveModality,
  modalityOf,
  openForRecruitment,
  refuse,
} from './guards.js';
import { transfer, transferTarget } from './registration.js';

/**
 * The decider of recruitment modalities (domain.md §d): ICO, RDVI slot ranges and candidature windows. A modality
 * has no status of its own (it is live or deleted), so it has no row in the lifecycle table; deleting one moves its
 * registrants, through the registration decider's transfer.
 */
export function decideModalityAct(
  state: SessionAggregate,
  act: ActOf<
    'modality.schedule' | 'modality.modify' | 'modality.duplicate' | 'modality.delete' | 'modality.adjust-window'
  >,
  context: ActContext,
): Decided {
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
  }
}

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
    whatToBring: input.whatToBring ?? null,
  };
}

function validateModality(state: SessionAggregate, modality: RecruitmentModality, now: Date) {
  if (modality.kind === 'CANDIDATURE_WINDOW') {
    if ((modality.receptionStart ?? '') > (modality.receptionEnd ?? ''))
      refuse(422, 'INVALID_PERIOD', 'The reception period ends before it starts.', 'receptionEnd');
  } else {
    if ((modality.startTime ?? '') >= (modality.endTime ?? ''))
      refuse(422, 'INVALID_PERIOD', 'The appointment ends before it starts.', 'endTime');
    if (!isFuture(modality, sessionClock(state, now)))
      refuse(422, 'DATE_IN_PAST', 'An appointment is scheduled in the future.', 'date');
    if (modality.kind === 'ICO' && !modality.place && !modality.remoteLink)
      refuse(422, 'MISSING_FIELD', 'An information collective needs a place or a remote link.', 'place');
  }
  if (modality.capacity < 1) refuse(422, 'INVALID_CAPACITY', 'A modality offers at least one place.', 'capacity');
}

function scheduleModality(state: SessionAggregate, act: ActOf<'modality.schedule'>, context: ActContext): Decided {
  openForRecruitment(state);
  const modality = modalityFrom(`MOD-${context.commandId}`, act);
  validateModality(state, modality, context.now);
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
    whatToBring: act.whatToBring ?? current.whatToBring,
    slotMinutes: act.slotMinutes ?? current.slotMinutes,
    receptionStart: act.receptionStart ?? current.receptionStart,
    receptionEnd: act.receptionEnd ?? current.receptionEnd,
    capacity: act.capacity ?? current.capacity,
  };
  validateModality(state, next, context.now);
  const { taken } = modalityCounters(state, current.modalityId);
  if (current.kind !== 'CANDIDATURE_WINDOW' && next.capacity < taken)
    refuse(409, 'CAPACITY_BELOW_REGISTRANTS', `${taken} DEs are registered: the capacity cannot go below.`, 'capacity');
  const rescheduled = (
    ['date', 'startTime', 'endTime', 'place', 'remoteLink', 'comment', 'slotMinutes', 'whatToBring'] as const
  ).some((field) => next[field] !== current[field]);
  const adjusted = (['capacity', 'receptionStart', 'receptionEnd'] as const).some(
    (field) => next[field] !== current[field],
  );
  if (rescheduled) {
    context.emission.emit(
      'fr.passerelle.kairos.RecruitmentModalityRescheduled',
      { sessionKey: state.sessionKey, modality: next, previous: current },
      state.sessionKey,
    );
    reissueInvitations(state, current, next, context);
  }
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

/** 4.1.3.2: each DE still invited (INSCRIT) gets the updated letter, its RDVI slot at the same rank. */
function reissueInvitations(
  state: SessionAggregate,
  previous: RecruitmentModality,
  next: RecruitmentModality,
  context: ActContext,
) {
  for (const registration of state.registrations.values()) {
    if (registration.modalityId !== previous.modalityId || registration.status !== 'INSCRIT') continue;
    const slotTime = rescheduledSlot(previous, next, registration.invitation?.time ?? registration.slotTime);
    issueInvitation(state, context.emission, {
      registrationId: registration.registrationId,
      journeyId: registration.journeyId,
      modality: next,
      slotTime,
      version: (registration.invitation?.version ?? 0) + 1,
    });
  }
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
  validateModality(state, modality, context.now);
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
  validateModality(state, modality, context.now);
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
