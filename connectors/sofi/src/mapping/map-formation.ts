import { createHash } from 'node:crypto';
import type { Issue } from '../issue.js';
import { childNamed, childrenNamed, descendant, type LheoNode, pathOf } from '../lheo/lheo-node.js';
import { contentHashOf } from './content-hash.js';
import { type PartialDate, parseLheoDate, parseLheoTime } from './lheo-date.js';
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
import { cleanText, stripHtml } from './text.js';

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
export const MAPPING_REVISION = 1;

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
 * mapping anything else; undefined when a numero is missing (only the mapping can report that).
 */
export function sessionOutlineOf(formation: LheoNode): { actions: number; sessions: SessionOutline[] } | undefined {
  const formationNumero = cleanText(formation.attributes.numero);
  if (formationNumero === null) return undefined;
  const actions = childrenNamed(formation, 'action');
  const sessions: SessionOutline[] = [];
  for (const action of actions) {
    const actionNumero = cleanText(action.attributes.numero);
    if (actionNumero === null) return undefined;
    for (const session of childrenNamed(action, 'session')) {
      const sessionNumero = cleanText(session.attributes.numero);
      if (sessionNumero === null) return undefined;
      sessions.push({ sessionKey: sessionKeyOf(formationNumero, actionNumero, sessionNumero), line: session.line });
    }
  }
  return { actions: actions.length, sessions };
}

const sessionKeyOf = (formation: string, action: string, session: string) => `${formation}|${action}|${session}`;

export interface MappedSession {
  snapshot: OfferSession;
  /** Where the session element is, for findings about the snapshot as a whole (e.g. a duplicate key). */
  line: number;
  path: string;
}

export interface FormationMapping {
  /** The sessions that mapped without error (a formation or action error drops all of its sessions). */
  sessions: MappedSession[];
  /** Elements seen, whether they mapped or not. */
  actions: number;
  sessionElements: number;
  errors: Issue[];
  warnings: Issue[];
}

/** Collects findings; `failed` tells whether an error was recorded since a given mark. */
class Findings {
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];
  error(node: LheoNode, message: string): void {
    this.errors.push({ line: node.line, path: pathOf(node), message });
  }
  warn(node: LheoNode, message: string): void {
    this.warnings.push({ line: node.line, path: pathOf(node), message });
  }
}

/**
 * Maps one LHEO formation (with its actions and sessions) to session snapshots. Pure: the same formation and context
 * always give the same result. Every problem is reported with the line and path of the element concerned; a
 * missing identifier or an invalid date is an error that keeps the session (or all sessions of the action or
 * formation, when it is theirs) out of the result, while other sessions still map.
 */
export function mapFormation(formation: LheoNode, context: MappingContext): FormationMapping {
  const findings = new Findings();
  const mappedFormation = mapFormationFields(formation, findings);
  const formationFailed = findings.errors.length > 0;
  const sessions: MappedSession[] = [];
  const actions = childrenNamed(formation, 'action');
  let sessionElements = 0;
  for (const actionNode of actions) {
    const actionErrorsBefore = findings.errors.length;
    const action = mapAction(actionNode, findings);
    const actionFailed = findings.errors.length > actionErrorsBefore;
    for (const sessionNode of childrenNamed(actionNode, 'session')) {
      sessionElements += 1;
      const sessionErrorsBefore = findings.errors.length;
      const session = mapSession(sessionNode, findings);
      if (formationFailed || actionFailed || findings.errors.length > sessionErrorsBefore) continue;
      const snapshot = {
        sessionKey: sessionKeyOf(mappedFormation.numero, action.numero, session.numero),
        formation: mappedFormation,
        action,
        session,
        exportedAt: context.exportedAt,
      };
      sessions.push({
        snapshot: { ...snapshot, contentHash: contentHashOf(snapshot), sourceHash: null },
        line: sessionNode.line,
        path: pathOf(sessionNode),
      });
    }
  }
  if (actions.length === 0) findings.error(formation, 'formation without any <action>');
  // A formation with findings is mapped again at every import (no fingerprint), so every report shows them.
  const sourceHash = findings.errors.length + findings.warnings.length === 0 ? (context.sourceHash ?? null) : null;
  if (sourceHash !== null) for (const { snapshot } of sessions) snapshot.sourceHash = sourceHash;
  return { sessions, actions: actions.length, sessionElements, errors: findings.errors, warnings: findings.warnings };
}

function mapFormationFields(formation: LheoNode, findings: Findings): OfferFormation {
  const numero = requiredNumero(formation, findings);
  const titleNode = childNamed(formation, 'intitule-formation');
  const title = titleNode ? stripHtml(titleNode.text) : '';
  if (title === '') findings.error(titleNode ?? formation, 'formation without a title (<intitule-formation>)');
  const domain = childNamed(formation, 'domaine-formation');
  const certifications = childrenNamed(formation, 'certification');
  const codes = (name: string) =>
    certifications.flatMap((certification) => textsOf(childrenNamed(certification, name)));
  return {
    numero,
    title,
    objectiveCode: integerOf(childNamed(formation, 'objectif-general-formation'), findings),
    formacodes: textsOf(childrenNamed(domain, 'code-FORMACODE')),
    romeCodes: textsOf(childrenNamed(domain, 'code-ROME')),
    nsfCodes: textsOf(childrenNamed(domain, 'code-NSF')),
    certification: { rncp: codes('code-RNCP'), certifinfo: codes('code-CERTIFINFO'), rs: codes('code-RS') },
    content: cleanText(childNamed(formation, 'contenu-formation')?.text),
    responsibleOrganisation: mapResponsibleOrganisation(formation, findings),
  };
}

function mapResponsibleOrganisation(formation: LheoNode, findings: Findings): ResponsibleOrganisation {
  const organisation = childNamed(formation, 'organisme-formation-responsable');
  if (organisation === undefined) {
    findings.error(formation, 'formation without <organisme-formation-responsable> (its SIRET is required)');
    return { numero: null, siret: '', nda: null, name: null };
  }
  const siretNode = descendant(organisation, 'SIRET-organisme-formation', 'SIRET');
  const raw = siretNode?.text.trim() ?? '';
  const siret = siretOf(siretNode);
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
  return {
    numero: cleanText(organisation.attributes.numero),
    siret: siret ?? raw,
    nda: cleanText(childNamed(organisation, 'numero-activite')?.text),
    name:
      cleanText(childNamed(organisation, 'nom-organisme')?.text) ??
      cleanText(childNamed(organisation, 'raison-sociale')?.text),
  };
}

const ENTRY_EXIT_MODES: Record<string, EntryExitMode> = { '0': 'FIXED_DATES', '1': 'PERMANENT' };

function mapAction(action: LheoNode, findings: Findings): OfferAction {
  const entryExitNode = childNamed(action, 'modalites-entrees-sorties');
  const entryExitCode = entryExitNode?.text.trim() ?? '';
  const entryExitMode = ENTRY_EXIT_MODES[entryExitCode] ?? 'UNKNOWN';
  if (entryExitNode && entryExitMode === 'UNKNOWN') {
    findings.warn(entryExitNode, `unknown modalites-entrees-sorties "${entryExitCode}" (dict-modalites-es: 0 or 1)`);
  }
  return {
    numero: requiredNumero(action, findings),
    entryExitMode,
    teachingMode: integerOf(childNamed(action, 'modalites-enseignement'), findings),
    trainingPlaces: childrenNamed(action, 'lieu-de-formation').map((place) => mapTrainingPlace(place, findings)),
    deliveringOrganisations: childrenNamed(action, 'organisme-formateur').flatMap((organisation) =>
      mapDeliveringOrganisation(organisation, findings),
    ),
    funders: childrenNamed(action, 'organisme-financeur').flatMap((funder) => mapFunder(funder, findings)),
    hours: {
      // LHEO says whole hours, but exporters write 17.5 or 17,5; the contract keeps them (Avro double).
      centre: decimalOf(childNamed(action, 'nombre-heures-centre'), findings),
      enterprise: decimalOf(childNamed(action, 'nombre-heures-entreprise'), findings),
      total: decimalOf(childNamed(action, 'nombre-heures-total'), findings),
    },
    informationDates: childrenNamed(action, 'date-information').flatMap((information) =>
      informationDate(information, findings),
    ),
    recruitmentDescription: cleanText(childNamed(action, 'modalites-recrutement')?.text),
    conditions: cleanText(childNamed(action, 'conditions-specifiques')?.text),
  };
}

function mapTrainingPlace(place: LheoNode, findings: Findings): TrainingPlace {
  const coordinates = childNamed(place, 'coordonnees');
  const address = childNamed(coordinates, 'adresse');
  const geo = childNamed(address, 'geolocalisation');
  return {
    name: cleanText(childNamed(coordinates, 'nom')?.text) ?? cleanText(childNamed(address, 'denomination')?.text),
    street: joinLines(childrenNamed(address, 'ligne')),
    postalCode: cleanText(childNamed(address, 'codepostal')?.text),
    city: cleanText(childNamed(address, 'ville')?.text),
    department: cleanText(childNamed(address, 'departement')?.text),
    latitude: decimalOf(childNamed(geo, 'latitude'), findings),
    longitude: decimalOf(childNamed(geo, 'longitude'), findings),
  };
}

function mapDeliveringOrganisation(organisation: LheoNode, findings: Findings): DeliveringOrganisation[] {
  const siretNode = descendant(organisation, 'SIRET-formateur', 'SIRET');
  const raw = siretNode?.text.replace(/\s/g, '') ?? '';
  if (raw === '') {
    findings.warn(organisation, 'organisme-formateur without SIRET; left out');
    return [];
  }
  // Not a key of the snapshot: kept as given, but said, since Anotéa reconciles on it.
  if (siretOf(siretNode) === null) findings.warn(siretNode ?? organisation, `SIRET "${raw}" is not 14 digits`);
  return [{ siret: raw, name: cleanText(childNamed(organisation, 'raison-sociale-formateur')?.text) }];
}

function mapFunder(funder: LheoNode, findings: Findings): Funder[] {
  const codeNode = childNamed(funder, 'code-financeur');
  const code = integerOf(codeNode, findings);
  if (code === null) {
    if (!codeNode) findings.warn(funder, 'organisme-financeur without code-financeur; left out');
    return [];
  }
  return [{ code, fundedPlaces: integerOf(childNamed(funder, 'nb-places-financees'), findings) }];
}

function informationDate(information: LheoNode, findings: Findings): string[] {
  const dateNode = childNamed(information, 'date');
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

function mapSession(session: LheoNode, findings: Findings): OfferSessionDetails {
  const numero = requiredNumero(session, findings);
  const period = childNamed(session, 'periode');
  if (!period) findings.warn(session, 'session without <periode>: start and end unknown');
  const registration = descendant(session, 'periode-inscription', 'periode');
  const stateNode = childNamed(session, 'etat-recrutement');
  const stateCode = stateNode?.text.trim() ?? '';
  const recruitmentState = RECRUITMENT_STATES[stateCode] ?? 'UNKNOWN';
  if (stateNode && recruitmentState === 'UNKNOWN') {
    findings.warn(stateNode, `unknown etat-recrutement "${stateCode}" (1 ouvert, 2 fermé, 3 suspendu)`);
  }
  const capacities = childrenNamed(session, 'cycle').map((cycle) =>
    integerOf(childNamed(cycle, 'capacite-simultanee'), findings),
  );
  return {
    numero,
    start: dateOf(childNamed(period, 'debut'), findings),
    end: dateOf(childNamed(period, 'fin'), findings),
    registrationStart: dateOf(childNamed(registration, 'debut'), findings),
    registrationEnd: dateOf(childNamed(registration, 'fin'), findings),
    recruitmentState,
    recruitments: childrenNamed(session, 'recrutement').flatMap((recruitment) => mapRecruitment(recruitment, findings)),
    capacity: capacities.find((capacity) => capacity !== null) ?? null,
    expired: isExpired(session),
    contacts: childrenNamed(session, 'contact-session').map(mapContact),
  };
}

const MODALITIES: Record<number, RecruitmentModality> = {
  7: 'CANDIDATURE',
  8: 'INDIVIDUAL_APPOINTMENT',
  9: 'INFORMATION_COLLECTIVE',
};

function mapRecruitment(recruitment: LheoNode, findings: Findings): Recruitment[] {
  const modalityNode = childNamed(recruitment, 'modalite-recrutement');
  const modalityCode = integerOf(modalityNode, findings, 'error');
  if (modalityCode === null) {
    if (!modalityNode) findings.error(recruitment, 'recrutement without modalite-recrutement');
    return [];
  }
  const remoteNode = childNamed(recruitment, 'a-distance');
  const remoteCode = remoteNode?.text.trim();
  if (remoteNode && remoteCode !== '0' && remoteCode !== '1') {
    findings.warn(remoteNode, `a-distance "${remoteCode}" is not 0 or 1`);
  }
  const period = childNamed(recruitment, 'periode');
  return [
    {
      modality: MODALITIES[modalityCode] ?? 'OTHER',
      modalityCode,
      remote: remoteCode === '1' ? true : remoteCode === '0' ? false : null,
      address: addressLine(childNamed(recruitment, 'adresse')),
      url: cleanText(childNamed(recruitment, 'urlweb')?.text),
      places: integerOf(childNamed(recruitment, 'nb-places'), findings),
      start: dateOf(childNamed(period, 'debut'), findings),
      end: dateOf(childNamed(period, 'fin'), findings),
      startTime: timeOf(childNamed(recruitment, 'heure-debut'), findings),
      endTime: timeOf(childNamed(recruitment, 'heure-fin'), findings),
      comment: cleanText(childNamed(recruitment, 'commentaire')?.text),
    },
  ];
}

function isExpired(session: LheoNode): boolean {
  return childrenNamed(session, 'extras')
    .filter((extras) => extras.attributes.info === 'session-perimee')
    .some((extras) => childrenNamed(extras, 'extra').some((extra) => extra.text.trim() === '1'));
}

function mapContact(contact: LheoNode): SessionContact {
  const coordinates = childNamed(contact, 'coordonnees');
  const name = [childNamed(coordinates, 'prenom'), childNamed(coordinates, 'nom')]
    .map((node) => cleanText(node?.text))
    .filter((part) => part !== null)
    .join(' ');
  return {
    role: cleanText(childNamed(contact, 'type-contact')?.text),
    name: name === '' ? null : name,
    phone:
      cleanText(descendant(coordinates, 'telfixe', 'numtel')?.text) ??
      cleanText(descendant(coordinates, 'portable', 'numtel')?.text),
    email: cleanText(childNamed(coordinates, 'courriel')?.text),
  };
}

// --- field readers --------------------------------------------------------------------------------------------

function requiredNumero(node: LheoNode, findings: Findings): string {
  const numero = cleanText(node.attributes.numero);
  if (numero === null) findings.error(node, `<${node.name}> without its numero attribute (required identifier)`);
  return numero ?? '';
}

function siretOf(node: LheoNode | undefined): string | null {
  // Exporters sometimes group digits ("192 900 769 00014"); the value is the digits.
  const digits = node?.text.replace(/\s/g, '') ?? '';
  return /^\d{14}$/.test(digits) ? digits : null;
}

function textsOf(nodes: LheoNode[]): string[] {
  return nodes.map((node) => cleanText(node.text)).filter((text) => text !== null);
}

function integerOf(
  node: LheoNode | undefined,
  findings: Findings,
  severity: 'warning' | 'error' = 'warning',
): number | null {
  const text = cleanText(node?.text);
  if (node === undefined || text === null) return null;
  if (/^\d{1,9}$/.test(text)) return Number(text);
  const message = `<${node.name}> "${text}" is not a whole number`;
  if (severity === 'error') findings.error(node, message);
  else findings.warn(node, `${message}; taken as absent`);
  return null;
}

function decimalOf(node: LheoNode | undefined, findings: Findings): number | null {
  const text = cleanText(node?.text);
  if (node === undefined || text === null) return null;
  const value = Number(text.replace(',', '.'));
  if (Number.isFinite(value) && /^[-+]?\d/.test(text)) return value;
  findings.warn(node, `<${node.name}> "${text}" is not a number; taken as absent`);
  return null;
}

function dateOf(node: LheoNode | undefined, findings: Findings): PartialDate | null {
  if (node === undefined || node.text.trim() === '') return null;
  const parsed = parseLheoDate(node.text);
  if (parsed.ok) return parsed.value;
  findings.error(node, parsed.message);
  return null;
}

function timeOf(node: LheoNode | undefined, findings: Findings): string | null {
  if (node === undefined || node.text.trim() === '') return null;
  const parsed = parseLheoTime(node.text);
  if (parsed.ok) return parsed.value;
  findings.error(node, parsed.message);
  return null;
}

function joinLines(lines: LheoNode[]): string | null {
  const parts = textsOf(lines);
  return parts.length === 0 ? null : parts.join(', ');
}

function addressLine(address: LheoNode | undefined): string | null {
  if (address === undefined) return null;
  const city = [childNamed(address, 'codepostal'), childNamed(address, 'ville')]
    .map((node) => cleanText(node?.text))
    .filter((part) => part !== null)
    .join(' ');
  const parts = [...textsOf(childrenNamed(address, 'ligne')), ...(city === '' ? [] : [city])];
  return parts.length === 0 ? null : parts.join(', ');
}
