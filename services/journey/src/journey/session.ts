import type {
  JourneyErased,
  OfferSession,
  RecruitmentModality,
  RecruitmentModalityCancelled,
  SessionWithdrawn,
  VigilanceReviewRequested,
} from '@passerelle/schemas';
import { zoneOrParis } from '@passerelle/schemas/local-time';
import { type JourneyFact, journeyRecordOf, toFact } from './facts.js';
import { JourneyFold, type JourneyView, type SessionFacts } from './journey.js';
import { type AppointmentFacts, reviewVigilance, type VigilanceReview } from './vigilance.js';

/**
 * One journey of the session: its facts, the state machines after them, and — computed when first asked, as a
 * rebuild folds many events and reads few views — the journey's view and its files under watch.
 */
export class JourneyEntry {
  #view: JourneyView | undefined;
  #vigilance: VigilanceReview | undefined;

  constructor(
    readonly journeyId: string,
    readonly facts: readonly JourneyFact[],
    /** Never mutated: a new fact extends a copy. */
    readonly fold: JourneyFold,
    /** What the review needs of the session, as it was when this entry was made. */
    readonly context: Pick<SessionJourneys, 'sessionKey' | 'session' | 'appointments' | 'reviewedAt'>,
  ) {}

  get view(): JourneyView {
    this.#view ??= this.fold.view(this.journeyId, this.context.sessionKey);
    return this.#view;
  }

  get vigilance(): VigilanceReview {
    const { session, appointments, reviewedAt } = this.context;
    this.#vigilance ??= reviewVigilance(this.view, session, appointments, reviewedAt);
    return this.#vigilance;
  }

  /** The same journey reviewed in another context (the session's clock, offer or appointments changed). */
  reviewedIn(context: JourneyEntry['context']): JourneyEntry {
    const entry = new JourneyEntry(this.journeyId, this.facts, this.fold, context);
    entry.#view = this.#view;
    return entry;
  }
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
    timeZone: zoneOrParis(offer.session.timeZone),
  };
}

const appointmentOf = (modality: RecruitmentModality, cancelled = false): AppointmentFacts => ({
  date: modality.date,
  startTime: modality.startTime,
  endTime: modality.endTime,
  cancelled,
});

/** A journey folded (again from its facts unless given), to be reviewed as of the session's clock. */
function entryOf(
  state: SessionJourneys,
  journeyId: string,
  facts: readonly JourneyFact[],
  fold = JourneyFold.of(facts, state.session),
): JourneyEntry {
  return new JourneyEntry(journeyId, facts, fold, reviewContextOf(state));
}

/** Only what a review needs: an entry must not keep the whole session state (and through it, its history). */
const reviewContextOf = ({ sessionKey, session, appointments, reviewedAt }: SessionJourneys) => ({
  sessionKey,
  session,
  appointments,
  reviewedAt,
});

/** Every journey folded and reviewed again: the session, its appointments or its clock changed. */
function refreshAll(state: SessionJourneys, refold: boolean): SessionJourneys {
  const journeys = new Map<string, JourneyEntry>();
  for (const [journeyId, entry] of state.journeys)
    journeys.set(journeyId, refold ? entryOf(state, journeyId, entry.facts) : entry.reviewedIn(state));
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
    const known = state.journeys.get(journeyId);
    const facts = known?.facts ?? [];
    // Idempotent by event id: a redelivered or replayed event is the same fact.
    if (facts.some((other) => other.eventId === fact.eventId)) return state;
    const next = { ...fact, seq: facts.filter((other) => other.source === fact.source).length } as JourneyFact;
    const all = [...facts, next];
    const journeys = new Map(state.journeys);
    journeys.set(journeyId, entryOf(state, journeyId, all, known?.fold.extended(next, state.session)));
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
