import {
  holdsModalityPlace,
  LIFECYCLE,
  type Lifecycle,
  type OfferSession,
  type RecordTypes,
  type RecruitmentModality,
  type RecruitmentState,
  type TrainingCorrespondent,
  transitionsOf,
} from '@passerelle/schemas';
import { zoneOrParis } from '@passerelle/schemas/local-time';

/** What a listing shows of the offer (SOFI), kept instead of the whole snapshot: 60 000 sessions stay small. */
export interface OfferFacts {
  title: string;
  content: string | null;
  siret: string;
  organisationName: string;
  formacodes: readonly string[];
  romeCodes: readonly string[];
  city: string | null;
  department: string | null;
  latitude: number | null;
  longitude: number | null;
  start: string | null;
  end: string | null;
  recruitmentState: RecruitmentState;
  funders: readonly number[];
  /** The zone of the session's dates and times (its place's). */
  timeZone: string;
}

/**
 * The catalogue's view of one session, rebuilt from `offer.sessions` and `kairos.session-events` (its inputs):
 * the offer, its live recruitment modalities, and who holds a place on each — a registration on an ICO/RDVI until
 * its RDV is cancelled or it is transferred, a received candidature on a window until it is withdrawn (domain.md
 * §c.4: places left = capacity − active registrations; results and presence keep the place).
 */
export interface CatalogueSession {
  sessionKey: string;
  /** Null until the session appears in the offer (Kairos may open a modality first: topics are not ordered together). */
  offer: OfferFacts | null;
  /** Left the offer (SessionWithdrawn, or flagged session-perimee). */
  withdrawn: boolean;
  /** Live modalities by id (a cancelled one is dropped). */
  modalities: ReadonlyMap<string, RecruitmentModality>;
  /** Registration or candidature id → the modality whose place it holds. */
  placeHolders: ReadonlyMap<string, string>;
  /** The correspondant de la formation the OF last entered in Kairos; null until then. */
  correspondent: TrainingCorrespondent | null;
}

/** An event as the fold sees it (the bus's StateEvent and ConsumedEvent both fit): a null value is a tombstone. */
export interface SessionInput {
  key: string | null;
  record: string | null;
  value: unknown;
}

export function offerFactsOf(offer: OfferSession): OfferFacts {
  const place = offer.action.trainingPlaces[0];
  const organisation = offer.formation.responsibleOrganisation;
  return {
    title: offer.formation.title,
    content: offer.formation.content,
    siret: organisation.siret,
    organisationName: organisation.name ?? offer.action.deliveringOrganisations[0]?.name ?? '',
    formacodes: offer.formation.formacodes,
    romeCodes: offer.formation.romeCodes,
    city: place?.city ?? null,
    department: place?.department ?? (place?.postalCode ? departmentOf(place.postalCode) : null),
    latitude: place?.latitude ?? null,
    longitude: place?.longitude ?? null,
    start: offer.session.start,
    end: offer.session.end,
    recruitmentState: offer.session.recruitmentState,
    funders: [...new Set(offer.action.funders.map((funder) => funder.code))],
    timeZone: zoneOrParis(offer.session.timeZone),
  };
}

/** French department from a postal code: 2A/2B for Corsica, three digits overseas. */
function departmentOf(postalCode: string): string | null {
  if (!/^\d{5}$/.test(postalCode)) return null;
  if (postalCode.startsWith('97') || postalCode.startsWith('98')) return postalCode.slice(0, 3);
  if (postalCode.startsWith('20')) return Number(postalCode) < 20200 ? '2A' : '2B';
  return postalCode.slice(0, 2);
}

const emptySession = (sessionKey: string): CatalogueSession => ({
  sessionKey,
  offer: null,
  withdrawn: false,
  modalities: new Map(),
  placeHolders: new Map(),
  correspondent: null,
});

const withEntry = <V>(map: ReadonlyMap<string, V>, id: string, value: V) => new Map(map).set(id, value);

function without<V>(map: ReadonlyMap<string, V>, id: string): ReadonlyMap<string, V> {
  if (!map.has(id)) return map;
  const next = new Map(map);
  next.delete(id);
  return next;
}

type Folds = {
  [Name in keyof RecordTypes]?: (state: CatalogueSession, event: RecordTypes[Name]) => CatalogueSession;
};

const folds: Folds = {
  'fr.passerelle.offer.SessionPublished': (state, event) => ({
    ...state,
    offer: offerFactsOf(event.session),
    withdrawn: event.session.session.expired,
  }),
  'fr.passerelle.offer.SessionUpdated': (state, event) => ({
    ...state,
    offer: offerFactsOf(event.session),
    withdrawn: event.session.session.expired,
  }),
  'fr.passerelle.offer.SessionWithdrawn': (state, event) => ({
    ...state,
    offer: offerFactsOf(event.lastKnown),
    withdrawn: true,
  }),
  'fr.passerelle.kairos.TrainingCorrespondentRecorded': (state, event) => ({
    ...state,
    correspondent: event.correspondent,
  }),
  'fr.passerelle.kairos.RecruitmentModalityScheduled': (state, event) => ({
    ...state,
    modalities: withEntry(state.modalities, event.modality.modalityId, event.modality),
  }),
  'fr.passerelle.kairos.RecruitmentModalityDuplicated': (state, event) => ({
    ...state,
    modalities: withEntry(state.modalities, event.modality.modalityId, event.modality),
  }),
  'fr.passerelle.kairos.RecruitmentModalityRescheduled': (state, event) => replaceModality(state, event.modality),
  'fr.passerelle.kairos.RecruitmentModalityAdjusted': (state, event) => replaceModality(state, event.modality),
  'fr.passerelle.kairos.RecruitmentModalityCancelled': (state, event) => ({
    ...state,
    modalities: without(state.modalities, event.modalityId),
    placeHolders: new Map([...state.placeHolders].filter(([, modalityId]) => modalityId !== event.modalityId)),
  }),
};

/** A fold of the places; undefined when the event changes nothing (the caller then keeps its state as it was). */
type PlaceFold = (state: CatalogueSession, value: Record<string, unknown>) => CatalogueSession | undefined;

/**
 * Who holds a place, read in the lifecycle table rather than listed here: a record that brings a registration or a
 * candidature (a subject with a modality) to a status that frees its place takes it back (an RDV cancelled, a
 * transfer — the place on the target RDV comes with the RegistrationRecorded Kairos publishes beside it —, a
 * withdrawn candidature); one that brings it to a status holding a place, naming the modality, takes that place (a
 * registration recorded, a candidature received). Presence and results name no modality: they keep the place.
 */
function placeFoldOf(lifecycle: Lifecycle, record: string): PlaceFold | undefined {
  const rows = transitionsOf(lifecycle, record);
  const subject = rows[0]?.subject;
  const descriptor = subject === undefined ? undefined : lifecycle.subjects[subject];
  const modalityField = descriptor?.modalityField;
  if (subject === undefined || descriptor === undefined || modalityField === undefined) return undefined;
  const reached = (value: Record<string, unknown>) =>
    rows.length === 1 ? rows[0]?.to : rows.find((row) => row.to !== null && row.to === value.status)?.to;
  const frees = rows.every((row) => row.to !== null && !holdsModalityPlace(lifecycle, subject, row.to));
  const takes = rows.every((row) => row.to !== null && holdsModalityPlace(lifecycle, subject, row.to));
  if (!frees && !takes) return undefined;
  return (state, value) => {
    const id = String(value[descriptor.idField]);
    const to = reached(value);
    if (to === null || to === undefined) return undefined;
    if (frees) return { ...state, placeHolders: without(state.placeHolders, id) };
    const modalityId = value[modalityField];
    return typeof modalityId === 'string'
      ? { ...state, placeHolders: withEntry(state.placeHolders, id, modalityId) }
      : undefined;
  };
}

/** A rescheduled or adjusted modality replaces the known one; an unknown id changes nothing (the fold is total). */
function replaceModality(state: CatalogueSession, modality: RecruitmentModality): CatalogueSession {
  if (!state.modalities.has(modality.modalityId)) return state;
  return { ...state, modalities: withEntry(state.modalities, modality.modalityId, modality) };
}

/**
 * Folds one input event into a session's state. Total: events the catalogue does not use (presence, results,
 * enrolment…) return the state unchanged — the same object, so a caller can tell nothing changed. A tombstone on
 * the offer topic (erasure of a compacted snapshot) counts as the session leaving the offer.
 */
export function applySessionEvent(
  current: CatalogueSession | undefined,
  event: SessionInput,
  lifecycle: Lifecycle = LIFECYCLE,
): CatalogueSession | undefined {
  if (event.key === null) return current;
  if (event.value === null) {
    if (!current || !event.record?.startsWith('fr.passerelle.offer.')) return current;
    return { ...current, withdrawn: true };
  }
  if (event.record === null) return current;
  const fold =
    ((folds as Record<string, Folds[keyof Folds]>)[event.record] as PlaceFold | undefined) ??
    placeFoldOf(lifecycle, event.record);
  if (!fold) return current;
  return fold(current ?? emptySession(event.key), event.value as Record<string, unknown>) ?? current;
}
