import type { OfferSession, RecordTypes, RecruitmentModality, RecruitmentState } from '@passerelle/schemas';

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
  'fr.passerelle.kairos.RegistrationRecorded': (state, event) => ({
    ...state,
    placeHolders: withEntry(state.placeHolders, event.registrationId, event.modalityId),
  }),
  'fr.passerelle.kairos.RegistrationCancelled': (state, event) => ({
    ...state,
    placeHolders: without(state.placeHolders, event.registrationId),
  }),
  // The place on the target RDV comes with the RegistrationRecorded Kairos publishes beside it.
  'fr.passerelle.kairos.RegistrationTransferred': (state, event) => ({
    ...state,
    placeHolders: without(state.placeHolders, event.registrationId),
  }),
  'fr.passerelle.kairos.CandidatureReceived': (state, event) => ({
    ...state,
    placeHolders: withEntry(state.placeHolders, event.candidatureId, event.windowId),
  }),
  'fr.passerelle.kairos.CandidatureWithdrawn': (state, event) => ({
    ...state,
    placeHolders: without(state.placeHolders, event.candidatureId),
  }),
};

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
): CatalogueSession | undefined {
  if (event.key === null) return current;
  if (event.value === null) {
    if (!current || !event.record?.startsWith('fr.passerelle.offer.')) return current;
    return { ...current, withdrawn: true };
  }
  const fold = event.record === null ? undefined : (folds as Record<string, Folds[keyof Folds]>)[event.record];
  if (!fold) return current;
  return (fold as (state: CatalogueSession, value: unknown) => CatalogueSession)(
    current ?? emptySession(event.key),
    event.value,
  );
}
