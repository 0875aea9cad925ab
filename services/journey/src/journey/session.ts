import type {
  JourneyErased,
  OfferSession,
  RecruitmentModality,
  RecruitmentModalityCancelled,
  SessionWithdrawn,
  VigilanceReviewRequested,
} from '@passerelle/schemas';
import { type JourneyFact, journeyRecordOf, toFact } from './facts.js';
import { foldJourney, type JourneyView, type SessionFacts } from './journey.js';
import { type AppointmentFacts, reviewVigilance, type VigilanceReview } from './vigilance.js';

export interface JourneyEntry {
  facts: readonly JourneyFact[];
  view: JourneyView;
  vigilance: VigilanceReview;
}

/**
 * Everything the journey service knows of one session — the state of its session key, rebuilt from the four
 * co-partitioned topics it reads. A pure fold (`evolveSession`), the same whatever the order the topics are read
 * in: journeys fold their facts in business order, the offer and modalities are last-known snapshots, the clock
 * only moves forward, and an erasure suppresses a journey's facts whether they came before it or after.
 */
export interface SessionJourneys {
  sessionKey: string;
  session: SessionFacts | undefined;
  appointments: ReadonlyMap<string, AppointmentFacts>;
  journeys: ReadonlyMap<string, JourneyEntry>;
  /** Erased journeys → when (ms): their facts recorded until then are never folded again. */
  erased: ReadonlyMap<string, number>;
  /** The clock of the files under watch: the latest review requested for this session (ms). */
  reviewedAt: number | undefined;
}

export interface SessionEvent {
  key: string;
  record: string | null;
  value: unknown;
}

export const emptySession = (sessionKey: string): SessionJourneys => ({
  sessionKey,
  session: undefined,
  appointments: new Map(),
  journeys: new Map(),
  erased: new Map(),
  reviewedAt: undefined,
});

function sessionFactsOf(offer: OfferSession): SessionFacts {
  const responsible = offer.formation.responsibleOrganisation.siret;
  const delivering = offer.action.deliveringOrganisations.map((organisation) => organisation.siret);
  return {
    start: offer.session.start,
    end: offer.session.end,
    permanentEntry: offer.action.entryExitMode === 'PERMANENT',
    sirets: [...new Set([responsible, ...delivering])],
  };
}

const appointmentOf = (modality: RecruitmentModality, cancelled = false): AppointmentFacts => ({
  date: modality.date,
  startTime: modality.startTime,
  endTime: modality.endTime,
  cancelled,
});

/** A journey folded again from its facts, and reviewed as of the session's clock. */
function entryOf(state: SessionJourneys, journeyId: string, facts: readonly JourneyFact[]): JourneyEntry {
  const view = foldJourney(journeyId, state.sessionKey, facts, state.session);
  return { facts, view, vigilance: reviewVigilance(view, state.session, state.appointments, state.reviewedAt) };
}

/** Every journey folded and reviewed again: the session, its appointments or its clock changed. */
function refreshAll(state: SessionJourneys, refold: boolean): SessionJourneys {
  const journeys = new Map<string, JourneyEntry>();
  for (const [journeyId, entry] of state.journeys)
    journeys.set(
      journeyId,
      refold
        ? entryOf(state, journeyId, entry.facts)
        : {
            ...entry,
            vigilance: reviewVigilance(entry.view, state.session, state.appointments, state.reviewedAt),
          },
    );
  return { ...state, journeys };
}

/**
 * Folds one event of any of the service's topics into its session's state; returns the state unchanged (the same
 * object) for what it does not use or has already seen. Total: it never throws on a well-typed event.
 */
export function evolveSession(current: SessionJourneys | undefined, event: SessionEvent): SessionJourneys {
  const state = current ?? emptySession(event.key);
  const journeyRecord = journeyRecordOf(event.record);
  if (journeyRecord) {
    const found = toFact(journeyRecord, event.value);
    if (!found) return state;
    const { journeyId, fact } = found;
    const erasedAt = state.erased.get(journeyId);
    if (erasedAt !== undefined && fact.recordedAt <= erasedAt) return state;
    const facts = state.journeys.get(journeyId)?.facts ?? [];
    // Idempotent by event id: a redelivered or replayed event is the same fact.
    if (facts.some((known) => known.eventId === fact.eventId)) return state;
    const seq = facts.filter((known) => known.source === fact.source).length;
    const journeys = new Map(state.journeys);
    journeys.set(journeyId, entryOf(state, journeyId, [...facts, { ...fact, seq } as JourneyFact]));
    return { ...state, journeys };
  }
  switch (event.record) {
    case 'fr.passerelle.offer.SessionPublished':
    case 'fr.passerelle.offer.SessionUpdated':
      return refreshAll(
        { ...state, session: sessionFactsOf((event.value as { session: OfferSession }).session) },
        true,
      );
    case 'fr.passerelle.offer.SessionWithdrawn':
      // Its trainees are still followed: the last known snapshot keeps their dates.
      return refreshAll({ ...state, session: sessionFactsOf((event.value as SessionWithdrawn).lastKnown) }, true);
    case 'fr.passerelle.kairos.RecruitmentModalityScheduled':
    case 'fr.passerelle.kairos.RecruitmentModalityRescheduled':
    case 'fr.passerelle.kairos.RecruitmentModalityAdjusted':
    case 'fr.passerelle.kairos.RecruitmentModalityDuplicated': {
      const { modality } = event.value as { modality: RecruitmentModality };
      const known = state.appointments.get(modality.modalityId);
      const appointments = new Map(state.appointments);
      appointments.set(modality.modalityId, appointmentOf(modality, known?.cancelled ?? false));
      return refreshAll({ ...state, appointments }, false);
    }
    case 'fr.passerelle.kairos.RecruitmentModalityCancelled': {
      const { modalityId } = event.value as RecruitmentModalityCancelled;
      const known = state.appointments.get(modalityId);
      const appointments = new Map(state.appointments);
      appointments.set(modalityId, { date: null, startTime: null, endTime: null, ...known, cancelled: true });
      return refreshAll({ ...state, appointments }, false);
    }
    case 'fr.passerelle.journey.VigilanceReviewRequested': {
      const at = (event.value as VigilanceReviewRequested).at.getTime();
      if (state.reviewedAt !== undefined && at <= state.reviewedAt) return state;
      return refreshAll({ ...state, reviewedAt: at }, false);
    }
    case 'fr.passerelle.journey.JourneyErased': {
      const erasure = event.value as JourneyErased;
      const erasedAt = Math.max(erasure.envelope.occurredAt.getTime(), state.erased.get(erasure.journeyId) ?? 0);
      const erased = new Map(state.erased);
      erased.set(erasure.journeyId, erasedAt);
      const journeys = new Map(state.journeys);
      const kept = (state.journeys.get(erasure.journeyId)?.facts ?? []).filter((fact) => fact.recordedAt > erasedAt);
      if (kept.length === 0) journeys.delete(erasure.journeyId);
      else journeys.set(erasure.journeyId, entryOf({ ...state, erased }, erasure.journeyId, kept));
      return { ...state, erased, journeys };
    }
    default:
      return state;
  }
}
