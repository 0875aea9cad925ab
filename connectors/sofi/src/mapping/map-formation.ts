import { createHash } from 'node:crypto';
import { timeZoneOfPlace } from '@passerelle/schemas/local-time';
import { childNamed, childrenNamed, type LheoNode } from '../lheo/lheo-node.js';
import { contentHashOf } from './content-hash.js';
import {
  addressLine,
  code,
  codesOf,
  dateOf,
  decimalOf,
  type FindingSink,
  Findings,
  freeText,
  integerOf,
  joinLines,
  KEY_SEPARATOR,
  one,
  requiredNumero,
  siretOf,
  timeOf,
} from './field-readers.js';
import type { PartialDate } from './lheo-date.js';
import type {
  DeliveringOrganisation,
  EntryExitMode,
  Funder,
  OfferAction,
  OfferFormation,
  OfferSession,
  OfferSessionDetails,
  Recruitment,
  RecruitmentModality,
  RecruitmentState,
  ResponsibleOrganisation,
  SessionContact,
  TrainingPlace,
} from './offer-session.js';
import { cleanText } from './text.js';

export type { FindingSink };

export interface MappingContext {
  /** Export timestamp of the whole file (see `exportedAtOf`); copied into every snapshot. */
  exportedAt: string | null;
  /** The formation's `sourceHashOf`; copied into its snapshots when the mapping reports no finding. Default null. */
  sourceHash?: string | null;
}

/**
 * Version of what `mapFormation` makes of a formation. A snapshot's `sourceHash` covers it, so that a connector
 * mapping differently never takes an old snapshot for what it would make of the same text. Bump it with every change
 * of the mapping's output: the test "mapping revision" pins a digest of the fixtures' snapshots to remind you.
 */
export const MAPPING_REVISION = 3;

/**
 * A formation's source fingerprint: its source digest (as the parser computed it from the text exported) under this
 * mapping revision. Equal fingerprints mean `mapFormation` gives equal snapshots (`exportedAt` aside).
 */
export function sourceHashOf(sourceDigest: string): string {
  return createHash('sha256').update(`sofi-mapping-${MAPPING_REVISION}|${sourceDigest}`).digest('hex').slice(0, 32);
}

export interface SessionOutline {
  sessionKey: string;
  line: number;
}

/**
 * The session keys of a formation, read from its numero attributes exactly as `mapFormation` builds them, without
 * mapping anything else; undefined when a numero is missing or unusable (only the mapping can report that).
 */
export function sessionOutlineOf(formation: LheoNode): { actions: number; sessions: SessionOutline[] } | undefined {
  const formationNumero = keyPart(formation.attributes.numero);
  if (formationNumero === null) return undefined;
  const actions = childrenNamed(formation, 'action');
  const sessions: SessionOutline[] = [];
  for (const action of actions) {
    const actionNumero = keyPart(action.attributes.numero);
    if (actionNumero === null) return undefined;
    for (const session of childrenNamed(action, 'session')) {
      const sessionNumero = keyPart(session.attributes.numero);
      if (sessionNumero === null) return undefined;
      sessions.push({ sessionKey: sessionKeyOf(formationNumero, actionNumero, sessionNumero), line: session.line });
    }
  }
  return { actions: actions.length, sessions };
}

const keyPart = (numero: string | undefined): string | null => {
  const part = cleanText(numero);
  return part?.includes(KEY_SEPARATOR) ? null : part;
};

/**
 * `formation|action|session`: the published key (Anotéa's composite key, and `journeyIdFor` in @passerelle/schemas
 * requires exactly three parts). A numero holding `|` is an error, so keys of different sessions never collide.
 * `join` makes one flat string: a template literal would keep a rope of the three numeros (and, for long ones, the
 * parser's text they were sliced from) alive for as long as the key is.
 */
const sessionKeyOf = (formation: string, action: string, session: string) =>
  [formation, action, session].join(KEY_SEPARATOR);

export interface MappedSession {
  snapshot: OfferSession;
  /** The session element, for findings about the snapshot as a whole (e.g. a duplicate key). */
  node: LheoNode;
}

/**
 * Maps one LHEO formation (with its actions and sessions) to session snapshots, one at a time: however many sessions
 * a formation holds, only the one being handed over exists. Pure: the same formation and context always give the
 * same snapshots and findings. Every problem goes to `sink` with the element concerned; a missing identifier or an
 * invalid date is an error that keeps the session (or all sessions of the action or formation, when it is theirs)
 * out of the result, while other sessions still map. Returns how many action and session elements it saw.
 */
export function* mapFormation(
  formation: LheoNode,
  context: MappingContext,
  sink: FindingSink,
): Generator<MappedSession, { actions: number; sessionElements: number }, undefined> {
  const findings = new Findings(sink);
  const mappedFormation = mapFormationFields(formation, findings);
  const formationFailed = findings.errors > 0;
  const actionNodes = childrenNamed(formation, 'action');
  if (actionNodes.length === 0) findings.error(formation, 'formation without any <action>');
  // Every action's own fields first, so their findings are known before any session is handed over.
  const actions = actionNodes.map((node) => {
    const errorsBefore = findings.errors;
    const action = mapAction(node, findings);
    return { node, action, failed: findings.errors > errorsBefore };
  });
  let sessionElements = 0;
  for (const { node: actionNode, action, failed: actionFailed } of actions) {
    for (const sessionNode of childrenNamed(actionNode, 'session')) {
      sessionElements += 1;
      const errorsBefore = findings.errors;
      const session = mapSession(sessionNode, findings, sessionTimeZone(action));
      if (formationFailed || actionFailed || findings.errors > errorsBefore) continue;
      const snapshot = {
        sessionKey: sessionKeyOf(mappedFormation.numero, action.numero, session.numero),
        formation: mappedFormation,
        action,
        session,
        exportedAt: context.exportedAt,
      };
      // A formation with findings must be mapped again at every import (so every report shows them): from its first
      // finding on, its sessions carry no fingerprint, and a formation is skipped only when all of its sessions do.
      const sourceHash = findings.errors + findings.warnings === 0 ? (context.sourceHash ?? null) : null;
      yield { snapshot: { ...snapshot, contentHash: contentHashOf(snapshot), sourceHash }, node: sessionNode };
    }
  }
  return { actions: actionNodes.length, sessionElements };
}

function mapFormationFields(formation: LheoNode, findings: Findings): OfferFormation {
  const numero = requiredNumero(formation, findings);
  const titleNode = one(formation, 'intitule-formation', findings);
  const title = freeText(titleNode, findings, 'line') ?? '';
  if (title === '') findings.error(titleNode ?? formation, 'formation without a title (<intitule-formation>)');
  const domain = one(formation, 'domaine-formation', findings);
  const certifications = childrenNamed(formation, 'certification');
  const codes = (name: string) =>
    certifications.flatMap((certification) => codesOf(childrenNamed(certification, name), findings));
  return {
    numero,
    title,
    objectiveCode: integerOf(one(formation, 'objectif-general-formation', findings), findings),
    formacodes: codesOf(childrenNamed(domain, 'code-FORMACODE'), findings),
    romeCodes: codesOf(childrenNamed(domain, 'code-ROME'), findings),
    nsfCodes: codesOf(childrenNamed(domain, 'code-NSF'), findings),
    certification: { rncp: codes('code-RNCP'), certifinfo: codes('code-CERTIFINFO'), rs: codes('code-RS') },
    content: freeText(one(formation, 'contenu-formation', findings), findings, 'block'),
    responsibleOrganisation: mapResponsibleOrganisation(formation, findings),
  };
}

function mapResponsibleOrganisation(formation: LheoNode, findings: Findings): ResponsibleOrganisation {
  const organisation = one(formation, 'organisme-formation-responsable', findings);
  if (organisation === undefined) {
    findings.error(formation, 'formation without <organisme-formation-responsable> (its SIRET is required)');
    return { numero: null, siret: '', nda: null, name: null };
  }
  const siretNode = one(one(organisation, 'SIRET-organisme-formation', findings), 'SIRET', findings);
  const raw = code(siretNode, findings) ?? '';
  const siret = siretOf(raw);
  if (raw === '') {
    findings.error(
      siretNode ?? organisation,
      'responsible organisation without SIRET (<SIRET-organisme-formation>/<SIRET>)',
    );
  } else if (siret === null) {
    // Real exports carry malformed SIRETs (France Travail's own Intercarif sample has 15 digits): the session is
    // still the OF's offer, so it is kept with the SIRET as given, and the file's report says so.
    findings.warn(
      siretNode ?? organisation,
      `SIRET of the responsible organisation "${raw}" is not 14 digits; kept as given`,
    );
  }
  const name = freeText(one(organisation, 'nom-organisme', findings), findings, 'line');
  const legalName = freeText(one(organisation, 'raison-sociale', findings), findings, 'line');
  return {
    numero: cleanText(organisation.attributes.numero),
    siret: siret ?? raw,
    nda: code(one(organisation, 'numero-activite', findings), findings),
    name: name ?? legalName,
  };
}

const ENTRY_EXIT_MODES: Record<string, EntryExitMode> = { '0': 'FIXED_DATES', '1': 'PERMANENT' };

function mapAction(action: LheoNode, findings: Findings): OfferAction {
  const numero = requiredNumero(action, findings);
  const entryExitNode = one(action, 'modalites-entrees-sorties', findings);
  const entryExitCode = code(entryExitNode, findings) ?? '';
  const entryExitMode = ENTRY_EXIT_MODES[entryExitCode] ?? 'UNKNOWN';
  if (entryExitNode && entryExitMode === 'UNKNOWN') {
    findings.warn(entryExitNode, `unknown modalites-entrees-sorties "${entryExitCode}" (dict-modalites-es: 0 or 1)`);
  }
  return {
    numero,
    entryExitMode,
    teachingMode: integerOf(one(action, 'modalites-enseignement', findings), findings),
    trainingPlaces: childrenNamed(action, 'lieu-de-formation').map((place) => mapTrainingPlace(place, findings)),
    deliveringOrganisations: childrenNamed(action, 'organisme-formateur').flatMap((organisation) =>
      mapDeliveringOrganisation(organisation, findings),
    ),
    funders: childrenNamed(action, 'organisme-financeur').flatMap((funder) => mapFunder(funder, findings)),
    hours: {
      // LHEO says whole hours, but exporters write 17.5 or 17,5; the contract keeps them (Avro double).
      centre: decimalOf(one(action, 'nombre-heures-centre', findings), findings),
      enterprise: decimalOf(one(action, 'nombre-heures-entreprise', findings), findings),
      total: decimalOf(one(action, 'nombre-heures-total', findings), findings),
    },
    informationDates: childrenNamed(action, 'date-information').flatMap((information) =>
      informationDate(information, findings),
    ),
    recruitmentDescription: freeText(one(action, 'modalites-recrutement', findings), findings, 'block'),
    conditions: freeText(one(action, 'conditions-specifiques', findings), findings, 'block'),
  };
}

function mapTrainingPlace(place: LheoNode, findings: Findings): TrainingPlace {
  const coordinates = one(place, 'coordonnees', findings);
  const address = one(coordinates, 'adresse', findings);
  const geo = one(address, 'geolocalisation', findings);
  const name = freeText(one(coordinates, 'nom', findings), findings, 'line');
  const denomination = freeText(one(address, 'denomination', findings), findings, 'line');
  return {
    name: name ?? denomination,
    street: joinLines(childrenNamed(address, 'ligne'), findings),
    postalCode: code(one(address, 'codepostal', findings), findings),
    city: freeText(one(address, 'ville', findings), findings, 'line'),
    department: code(one(address, 'departement', findings), findings),
    latitude: decimalOf(one(geo, 'latitude', findings), findings),
    longitude: decimalOf(one(geo, 'longitude', findings), findings),
  };
}

function mapDeliveringOrganisation(organisation: LheoNode, findings: Findings): DeliveringOrganisation[] {
  const siretNode = one(one(organisation, 'SIRET-formateur', findings), 'SIRET', findings);
  const raw = code(siretNode, findings)?.replace(/\s/g, '') ?? '';
  if (raw === '') {
    findings.warn(organisation, 'organisme-formateur without SIRET; left out');
    return [];
  }
  // Not a key of the snapshot: kept as given, but said, since Anotéa reconciles on it.
  if (siretOf(raw) === null) findings.warn(siretNode ?? organisation, `SIRET "${raw}" is not 14 digits`);
  return [{ siret: raw, name: freeText(one(organisation, 'raison-sociale-formateur', findings), findings, 'line') }];
}

function mapFunder(funder: LheoNode, findings: Findings): Funder[] {
  const codeNode = one(funder, 'code-financeur', findings);
  const funderCode = integerOf(codeNode, findings);
  if (funderCode === null) {
    if (!codeNode) findings.warn(funder, 'organisme-financeur without code-financeur; left out');
    return [];
  }
  return [{ code: funderCode, fundedPlaces: integerOf(one(funder, 'nb-places-financees', findings), findings) }];
}

function informationDate(information: LheoNode, findings: Findings): string[] {
  const dateNode = one(information, 'date', findings);
  if (!dateNode) return [];
  const date = dateOf(dateNode, findings);
  if (date === null) return [];
  if (date.length !== 10) {
    findings.warn(dateNode, `date-information "${dateNode.text.trim()}" is not a full date; left out`);
    return [];
  }
  return [date];
}

const RECRUITMENT_STATES: Record<string, RecruitmentState> = { '1': 'OPEN', '2': 'CLOSED', '3': 'SUSPENDED' };

/**
 * A session keeps its dates and times on the clock of where it is held (domain.md G21): the first training place
 * that says where it is (an action held in several departments is, in practice, in one region and one zone).
 */
const sessionTimeZone = (action: OfferAction): string =>
  timeZoneOfPlace(action.trainingPlaces.find((place) => place.department || place.postalCode) ?? {});

function mapSession(session: LheoNode, findings: Findings, timeZone: string): OfferSessionDetails {
  const numero = requiredNumero(session, findings);
  const period = one(session, 'periode', findings);
  const { start, end } = sessionPeriod(session, period, findings);
  const registration = one(one(session, 'periode-inscription', findings), 'periode', findings);
  const stateNode = one(session, 'etat-recrutement', findings);
  const stateCode = code(stateNode, findings) ?? '';
  const recruitmentState = RECRUITMENT_STATES[stateCode] ?? 'UNKNOWN';
  if (stateNode && recruitmentState === 'UNKNOWN') {
    findings.warn(stateNode, `unknown etat-recrutement "${stateCode}" (1 ouvert, 2 fermé, 3 suspendu)`);
  }
  const capacities = childrenNamed(session, 'cycle').map((cycle) =>
    integerOf(one(cycle, 'capacite-simultanee', findings), findings),
  );
  return {
    numero,
    start,
    end,
    registrationStart: dateOf(one(registration, 'debut', findings), findings),
    registrationEnd: dateOf(one(registration, 'fin', findings), findings),
    recruitmentState,
    recruitments: childrenNamed(session, 'recrutement').flatMap((recruitment) => mapRecruitment(recruitment, findings)),
    capacity: capacities.find((capacity) => capacity !== null) ?? null,
    expired: isExpired(session),
    contacts: childrenNamed(session, 'contact-session').map((contact) => mapContact(contact, findings)),
    timeZone,
  };
}

/**
 * The session's dates. A period without any date is said like a missing one; a session ending before it starts
 * (compared at the precision both have: `2024` against `2024-05` compares years) is an error.
 */
function sessionPeriod(
  session: LheoNode,
  period: LheoNode | undefined,
  findings: Findings,
): { start: PartialDate | null; end: PartialDate | null } {
  if (period === undefined) {
    findings.warn(session, 'session without <periode>: start and end unknown');
    return { start: null, end: null };
  }
  const startNode = one(period, 'debut', findings);
  const endNode = one(period, 'fin', findings);
  const noStart = isBlank(startNode);
  const noEnd = isBlank(endNode);
  if (noStart && noEnd) {
    findings.warn(period, '<periode> without any date (<debut> and <fin> empty or missing): start and end unknown');
  } else if (noStart) {
    findings.warn(startNode ?? period, 'empty or missing <debut>: start unknown (LHEO writes 00000000 for that)');
  } else if (noEnd) {
    findings.warn(endNode ?? period, 'empty or missing <fin>: end unknown (LHEO writes 99999999 for that)');
  }
  const start = dateOf(startNode, findings);
  const end = dateOf(endNode, findings);
  if (start !== null && end !== null) {
    const precision = Math.min(start.length, end.length);
    if (end.slice(0, precision) < start.slice(0, precision)) {
      findings.error(period, `session ends (${end}) before it starts (${start})`);
    }
  }
  return { start, end };
}

const isBlank = (node: LheoNode | undefined) => node === undefined || node.text.trim() === '';

const MODALITIES: Record<number, RecruitmentModality> = {
  7: 'CANDIDATURE',
  8: 'INDIVIDUAL_APPOINTMENT',
  9: 'INFORMATION_COLLECTIVE',
};

function mapRecruitment(recruitment: LheoNode, findings: Findings): Recruitment[] {
  const modalityNode = one(recruitment, 'modalite-recrutement', findings);
  const modalityCode = integerOf(modalityNode, findings, 'error');
  if (modalityCode === null) {
    if (!modalityNode) findings.error(recruitment, 'recrutement without modalite-recrutement');
    return [];
  }
  const remoteNode = one(recruitment, 'a-distance', findings);
  const remoteCode = code(remoteNode, findings);
  if (remoteNode && remoteCode !== '0' && remoteCode !== '1') {
    findings.warn(remoteNode, `a-distance "${remoteCode ?? ''}" is not 0 or 1`);
  }
  const period = one(recruitment, 'periode', findings);
  return [
    {
      modality: MODALITIES[modalityCode] ?? 'OTHER',
      modalityCode,
      remote: remoteCode === '1' ? true : remoteCode === '0' ? false : null,
      address: addressLine(one(recruitment, 'adresse', findings), findings),
      url: code(one(recruitment, 'urlweb', findings), findings),
      places: integerOf(one(recruitment, 'nb-places', findings), findings),
      start: dateOf(one(period, 'debut', findings), findings),
      end: dateOf(one(period, 'fin', findings), findings),
      startTime: timeOf(one(recruitment, 'heure-debut', findings), findings),
      endTime: timeOf(one(recruitment, 'heure-fin', findings), findings),
      comment: freeText(one(recruitment, 'commentaire', findings), findings, 'block'),
    },
  ];
}

function isExpired(session: LheoNode): boolean {
  return childrenNamed(session, 'extras')
    .filter((extras) => extras.attributes.info === 'session-perimee')
    .some((extras) => childrenNamed(extras, 'extra').some((extra) => extra.text.trim() === '1'));
}

function mapContact(contact: LheoNode, findings: Findings): SessionContact {
  const coordinates = one(contact, 'coordonnees', findings);
  const name = [one(coordinates, 'prenom', findings), one(coordinates, 'nom', findings)]
    .map((node) => freeText(node, findings, 'line'))
    .filter((part) => part !== null)
    .join(' ');
  // LHEO allows up to three numtel per telfixe/portable: the first is the number.
  const phone = (name: string) => code(childNamed(one(coordinates, name, findings), 'numtel'), findings);
  const landline = phone('telfixe');
  const mobile = phone('portable');
  return {
    role: code(one(contact, 'type-contact', findings), findings),
    name: name === '' ? null : name,
    phone: landline ?? mobile,
    email: code(one(coordinates, 'courriel', findings), findings),
  };
}
