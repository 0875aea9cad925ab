import type { PartialDate } from './lheo-date.js';

/**
 * One session of the training offer as SOFI exports it, flattened with its action and formation: the snapshot the
 * connector publishes and diffs. Mirrors the Avro record `fr.passerelle.offer.OfferSession` field for field.
 */
export interface OfferSession {
  /** `formationNumero|actionNumero|sessionNumero`: LHEO numbers are not unique alone, the triple is the key. */
  sessionKey: string;
  formation: OfferFormation;
  action: OfferAction;
  session: OfferSessionDetails;
  /** Intercarif `flux-intercarif` date-export (+ heure-export), or LHEO 2.3 `lheo/@horodatage-export`. */
  exportedAt: string | null;
  /** sha256 (hex) of the canonical JSON of the snapshot without `contentHash`, `exportedAt` and `sourceHash`. */
  contentHash: string;
  /**
   * Fingerprint of the formation text this snapshot was mapped from (see `sourceHashOf`); null when its formation's
   * mapping reported warnings (so that every import reports them again), or for snapshots published before it existed.
   */
  sourceHash: string | null;
}

export interface OfferFormation {
  numero: string;
  /** `intitule-formation`, HTML tags stripped. */
  title: string;
  /** `objectif-general-formation` (dict-AIS). */
  objectiveCode: number | null;
  formacodes: string[];
  romeCodes: string[];
  nsfCodes: string[];
  certification: { rncp: string[]; certifinfo: string[]; rs: string[] };
  /** `contenu-formation`, as given (may hold HTML). */
  content: string | null;
  responsibleOrganisation: ResponsibleOrganisation;
}

export interface ResponsibleOrganisation {
  /** `organisme-formation-responsable/@numero` (e.g. `OR_XX_XXX`). */
  numero: string | null;
  /** 14 digits. */
  siret: string;
  /** `numero-activite` (déclaration d'activité, 11 characters). */
  nda: string | null;
  /** `nom-organisme`, else `raison-sociale`. */
  name: string | null;
}

export type EntryExitMode = 'FIXED_DATES' | 'PERMANENT' | 'UNKNOWN';

export interface OfferAction {
  numero: string;
  /** `modalites-entrees-sorties`: 0 dates fixes, 1 entrées/sorties permanentes. */
  entryExitMode: EntryExitMode;
  /** `modalites-enseignement`: 0 présentiel, 1 mixte, 2 à distance. */
  teachingMode: number | null;
  trainingPlaces: TrainingPlace[];
  deliveringOrganisations: DeliveringOrganisation[];
  funders: Funder[];
  hours: { centre: number | null; enterprise: number | null; total: number | null };
  /** Legacy information-collective dates (`date-information`), `YYYY-MM-DD`. */
  informationDates: string[];
  /** `modalites-recrutement` (free text). */
  recruitmentDescription: string | null;
  /** `conditions-specifiques`. */
  conditions: string | null;
}

export interface TrainingPlace {
  name: string | null;
  street: string | null;
  postalCode: string | null;
  city: string | null;
  department: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface DeliveringOrganisation {
  siret: string;
  name: string | null;
}

export interface Funder {
  /** `code-financeur` (dict-financeurs). */
  code: number;
  fundedPlaces: number | null;
}

export type RecruitmentState = 'OPEN' | 'CLOSED' | 'SUSPENDED' | 'UNKNOWN';

export interface OfferSessionDetails {
  numero: string;
  start: PartialDate | null;
  end: PartialDate | null;
  registrationStart: PartialDate | null;
  registrationEnd: PartialDate | null;
  /** `etat-recrutement`: 1 ouvert, 2 fermé, 3 suspendu; absent → UNKNOWN. */
  recruitmentState: RecruitmentState;
  recruitments: Recruitment[];
  /** `cycle/capacite-simultanee`. */
  capacity: number | null;
  /** Intercarif `extras[@info='session-perimee']`. */
  expired: boolean;
  contacts: SessionContact[];
  /** The IANA zone of the session's wall clock, from its training place (Europe/Paris unless overseas). */
  timeZone: string;
}

export type RecruitmentModality = 'CANDIDATURE' | 'INDIVIDUAL_APPOINTMENT' | 'INFORMATION_COLLECTIVE' | 'OTHER';

/** LHEO 2.3 `recrutement`: an information collective, individual appointments or a candidature window. */
export interface Recruitment {
  /** 7 inscription sur candidature, 8 entretien/RDV individuel, 9 information collective, else OTHER. */
  modality: RecruitmentModality;
  modalityCode: number;
  remote: boolean | null;
  /** One line: address lines, postcode and city. */
  address: string | null;
  url: string | null;
  places: number | null;
  start: PartialDate | null;
  end: PartialDate | null;
  /** `HH:MM` */
  startTime: string | null;
  endTime: string | null;
  comment: string | null;
}

export interface SessionContact {
  /** `type-contact` code (dict-type-contact: 0 autre, 1 référent handicap, 3 référent pédagogique, 4 accueil…). */
  role: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
}
