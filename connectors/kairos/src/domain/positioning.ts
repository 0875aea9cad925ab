import type {
  Actor,
  JourneyStatus,
  PositioningRequested,
  PositioningWithdrawn,
  RecruitmentModality,
  RefusalReason,
  SessionWithdrawn,
} from '@passerelle/schemas';
import { LIFECYCLE, type Lifecycle, mayRecord, STATUS_LABELS } from '@passerelle/schemas';
import { isAppointment, isFuture, recruitmentClosed, registrationRefusal } from './decide/index.js';
import { type DomainEvent, Emission, type SessionEventName, traineeFields } from './emit.js';
import { recordRegistration } from './invitation.js';
import {
  emptyAggregate,
  isOpenCandidature,
  type ModalityState,
  modalityCounters,
  type SessionAggregate,
} from './state.js';
import { sessionClock } from './time.js';

/** Kairos answers on its own behalf: the decision is the system's, on the OF's rules. */
export const KAIROS_SYSTEM: Actor = {
  kind: 'SYSTEM',
  siret: null,
  organisationName: null,
  prescriberNetwork: null,
  channel: 'KAIROS',
};

const RULE_TO_REASON: Record<string, RefusalReason> = {
  PAST_APPOINTMENT: 'PAST_APPOINTMENT',
  NO_PLACE_LEFT: 'NO_PLACE',
  ALREADY_REGISTERED: 'ALREADY_REGISTERED',
};

const MESSAGES: Record<RefusalReason, string> = {
  NO_PLACE: "Il n'y a plus de place disponible sur ce rendez-vous ou cette plage de candidature.",
  WINDOW_CLOSED: "La période de réception des candidatures n'est pas ouverte.",
  SESSION_CLOSED: 'Le recrutement sur cette session est fermé ou suspendu.',
  ALREADY_REGISTERED: 'Le demandeur a déjà une inscription ou une candidature en cours sur cette session.',
  PAST_APPOINTMENT: 'Ce rendez-vous a déjà eu lieu.',
  SESSION_WITHDRAWN: "Cette session n'est plus proposée.",
  NOT_ELIGIBLE: "Le demandeur ne remplit pas les conditions d'accès.",
  UNKNOWN_MODALITY: 'Aucun rendez-vous ni plage de candidature ouverte ne correspond à la demande.',
  OTHER: "La demande n'a pas pu être enregistrée.",
};

function emissionFor(request: { envelope: { eventId: string } }, now: Date) {
  return new Emission({
    origin: request.envelope.eventId,
    now,
    actor: KAIROS_SYSTEM,
    sourceSystem: 'KAIROS',
    causationId: request.envelope.eventId,
  });
}

/**
 * The one answer to a positioning request (CONVENTIONS: same requestId, causationId = the request's event id): a
 * registration on an ICO/RDVI, a candidature on an open window, or a refusal with a reason the requester can
 * show. A request already answered (a duplicate) gets no second answer.
 */
export function decidePositioning(
  state: SessionAggregate | undefined,
  request: PositioningRequested,
  now: Date,
): DomainEvent[] {
  const aggregate = state ?? emptyAggregate(request.target.sessionKey);
  if (aggregate.requests.has(request.requestId)) return [];
  const emission = emissionFor(request, now);
  const trainee = traineeFields(aggregate, request.journeyId);
  const refuse = (reason: RefusalReason, modalityId: string | null = request.target.modalityId) => {
    emission.emit(
      'fr.passerelle.kairos.RegistrationRefused',
      { ...trainee, requestId: request.requestId, modalityId, reason, message: MESSAGES[reason] },
      request.journeyId,
    );
    return emission.events;
  };

  const session = aggregate.session;
  if (!session) return refuse('UNKNOWN_MODALITY');
  if (session.withdrawn) return refuse('SESSION_WITHDRAWN');
  if (recruitmentClosed(aggregate)) return refuse('SESSION_CLOSED');
  const modality = targetModality(aggregate, request, now);
  if (!modality) return refuse('UNKNOWN_MODALITY');
  const target = modality.modality;

  if (isAppointment(target)) {
    const refusal = registrationRefusal(aggregate, modality, request.journeyId, now);
    if (refusal) return refuse(RULE_TO_REASON[refusal.rule] ?? 'OTHER', target.modalityId);
    recordRegistration(aggregate, emission, {
      registrationId: `REG-${request.envelope.eventId}`,
      journeyId: request.journeyId,
      modality: target,
      requestId: request.requestId,
      de: request.de,
    });
    return emission.events;
  }

  // C1: the window is open today, has room, and the DE has no candidature in progress on it.
  const today = sessionClock(aggregate, now).date;
  if (today < (target.receptionStart ?? '') || today > (target.receptionEnd ?? '9999-12-31'))
    return refuse('WINDOW_CLOSED', target.modalityId);
  if (modalityCounters(aggregate, target.modalityId).placesAvailable <= 0) return refuse('NO_PLACE', target.modalityId);
  for (const candidature of aggregate.candidatures.values())
    if (
      candidature.windowId === target.modalityId &&
      candidature.journeyId === request.journeyId &&
      isOpenCandidature(candidature)
    )
      return refuse('ALREADY_REGISTERED', target.modalityId);
  emission.emit(
    'fr.passerelle.kairos.CandidatureReceived',
    {
      ...trainee,
      candidatureId: `CAND-${request.envelope.eventId}`,
      windowId: target.modalityId,
      requestId: request.requestId,
      de: request.de,
      status: 'CANDIDATURE_RECUE',
      sourceLabel: STATUS_LABELS.CANDIDATURE_RECUE,
    },
    request.journeyId,
  );
  return emission.events;
}

/**
 * The modality a request aims at: the one it names, or — when it only names a kind — the next live one of that
 * kind with room (the earliest appointment, or the window open today).
 */
function targetModality(state: SessionAggregate, request: PositioningRequested, now: Date): ModalityState | undefined {
  const { modalityId, modalityKind } = request.target;
  if (modalityId !== null) {
    const named = state.modalities.get(modalityId);
    return named && !named.cancelled ? named : undefined;
  }
  const clock = sessionClock(state, now);
  const today = clock.date;
  const candidates = [...state.modalities.values()]
    .filter(({ modality, cancelled }) => !cancelled && (modalityKind === 'UNKNOWN' || modality.kind === modalityKind))
    .filter(({ modality }) =>
      isAppointment(modality)
        ? isFuture(modality, clock)
        : today >= (modality.receptionStart ?? '') && today <= (modality.receptionEnd ?? '9999-12-31'),
    )
    .sort((a, b) => sortKey(a.modality).localeCompare(sortKey(b.modality)));
  return (
    candidates.find(({ modality }) => modalityCounters(state, modality.modalityId).placesAvailable > 0) ?? candidates[0]
  );
}

const sortKey = (modality: RecruitmentModality) =>
  `${modality.date ?? modality.receptionStart ?? ''} ${modality.startTime ?? ''} ${modality.modalityId}`;

/**
 * A withdrawn positioning cancels what its request created, when that is still in progress: a registration not yet
 * attended (RDV annulé), the enrolment it led to before entry, or a candidature before its result. Anything further
 * along (an entered trainee, a recorded result) is the OF's to follow up: nothing is emitted.
 */
export function decideWithdrawal(
  state: SessionAggregate | undefined,
  withdrawal: PositioningWithdrawn,
  now: Date,
  lifecycle: Lifecycle = LIFECYCLE,
): DomainEvent[] {
  // What the withdrawal may still cancel is what the lifecycle lets the system cancel from where it stands.
  const mayCancel = (record: SessionEventName, status: JourneyStatus) =>
    mayRecord(lifecycle, record, status, { actor: 'SYSTEM' });
  const answer = state?.requests.get(withdrawal.requestId);
  if (!state || !answer) return [];
  const emission = emissionFor(withdrawal, now);
  const reason = withdrawal.reason ?? 'Positionnement retiré';
  if (answer.kind === 'registration') {
    const registration = state.registrations.get(answer.id);
    if (registration && mayCancel('fr.passerelle.kairos.RegistrationCancelled', registration.status)) {
      emission.emit(
        'fr.passerelle.kairos.RegistrationCancelled',
        {
          ...traineeFields(state, registration.journeyId),
          registrationId: registration.registrationId,
          modalityId: registration.modalityId,
          reason,
          status: 'RDV_ANNULE',
          sourceLabel: STATUS_LABELS.RDV_ANNULE,
        },
        registration.journeyId,
      );
    }
    for (const enrolment of state.enrolments.values()) {
      if (enrolment.originId === answer.id && mayCancel('fr.passerelle.kairos.EnrolmentCancelled', enrolment.status))
        emission.emit(
          'fr.passerelle.kairos.EnrolmentCancelled',
          {
            ...traineeFields(state, enrolment.journeyId),
            enrolmentId: enrolment.enrolmentId,
            reason,
            status: 'ANNULE',
            sourceLabel: STATUS_LABELS.ANNULE,
          },
          enrolment.journeyId,
        );
    }
  }
  if (answer.kind === 'candidature') {
    const candidature = state.candidatures.get(answer.id);
    if (candidature && mayCancel('fr.passerelle.kairos.CandidatureWithdrawn', candidature.status))
      emission.emit(
        'fr.passerelle.kairos.CandidatureWithdrawn',
        {
          ...traineeFields(state, candidature.journeyId),
          candidatureId: candidature.candidatureId,
          windowId: candidature.windowId,
          requestId: withdrawal.requestId,
          reason,
          status: 'SANS_SUITE',
          sourceLabel: 'Candidature retirée',
        },
        candidature.journeyId,
      );
    for (const enrolment of state.enrolments.values()) {
      if (enrolment.originId === answer.id && mayCancel('fr.passerelle.kairos.EnrolmentCancelled', enrolment.status))
        emission.emit(
          'fr.passerelle.kairos.EnrolmentCancelled',
          {
            ...traineeFields(state, enrolment.journeyId),
            enrolmentId: enrolment.enrolmentId,
            reason,
            status: 'ANNULE',
            sourceLabel: STATUS_LABELS.ANNULE,
          },
          enrolment.journeyId,
        );
    }
  }
  return emission.events;
}

/**
 * A session withdrawn from SOFI stops recruiting: every live modality is cancelled and each DE still registered on
 * an appointment gets an RDV annulé (the event informs the prescriber and the DE's follow-up). Candidatures keep
 * their follow-up and enrolments their course (a session also leaves the export when it is past, with trainees
 * still to follow); later positioning requests are refused SESSION_WITHDRAWN.
 */
export function decideSessionWithdrawn(
  state: SessionAggregate | undefined,
  withdrawn: SessionWithdrawn,
  now: Date,
  lifecycle: Lifecycle = LIFECYCLE,
): DomainEvent[] {
  if (!state) return [];
  const emission = emissionFor(withdrawn, now);
  for (const { modality, cancelled } of state.modalities.values()) {
    if (cancelled) continue;
    const fates: { registrationId: string; outcome: 'CANCELLED'; transferredTo: null }[] = [];
    for (const registration of state.registrations.values()) {
      if (
        registration.modalityId !== modality.modalityId ||
        !mayRecord(lifecycle, 'fr.passerelle.kairos.RegistrationCancelled', registration.status, { actor: 'SYSTEM' })
      )
        continue;
      emission.emit(
        'fr.passerelle.kairos.RegistrationCancelled',
        {
          ...traineeFields(state, registration.journeyId),
          registrationId: registration.registrationId,
          modalityId: modality.modalityId,
          reason: 'SESSION_WITHDRAWN',
          status: 'RDV_ANNULE',
          sourceLabel: STATUS_LABELS.RDV_ANNULE,
        },
        registration.journeyId,
      );
      fates.push({ registrationId: registration.registrationId, outcome: 'CANCELLED', transferredTo: null });
    }
    emission.emit(
      'fr.passerelle.kairos.RecruitmentModalityCancelled',
      {
        sessionKey: state.sessionKey,
        modalityId: modality.modalityId,
        reason: 'SESSION_WITHDRAWN',
        registrants: fates,
      },
      state.sessionKey,
    );
  }
  return emission.events;
}
