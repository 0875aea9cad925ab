/**
 * The scenario's SOFI export: a small LHEO 2.2 offer, as a Carif-Oref would send it, whose sessions belong to the
 * scenario's training organisations (their SIRETs come from the Kairos tokens the scenario acts with) and run
 * from `start` for six months, recruitment open.
 */

export interface ScenarioOrganisation {
  siret: string;
  name: string;
}

export interface ScenarioSession {
  formationNumber: string;
  actionNumber: string;
  sessionNumber: string;
  /** The session key Passerelle uses everywhere (formation|action|session). */
  sessionKey: string;
  organisation: ScenarioOrganisation;
  title: string;
  start: Date;
  end: Date;
}

const lheoDate = (date: Date) => date.toISOString().slice(0, 10).replaceAll('-', '');

const xmlText = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll("'", '&apos;');

const TITLES = [
  'Développeur web et web mobile',
  'Agent de restauration',
  'Conducteur de transport en commun sur route',
  'Assistant de vie aux familles',
  'Préparateur de commandes en entrepôt',
  'Technicien d’assistance en informatique',
];

const PLACES = [
  { city: 'Rouen', postcode: '76000', latitude: 49.44, longitude: 1.09 },
  { city: 'Caen', postcode: '14000', latitude: 49.18, longitude: -0.37 },
  { city: 'Le Havre', postcode: '76600', latitude: 49.49, longitude: 0.11 },
];

/** `count` sessions, one formation and action each, spread over the organisations. */
export function scenarioSessions(
  count: number,
  organisations: readonly ScenarioOrganisation[],
  { start, runId }: { start: Date; runId: string },
): ScenarioSession[] {
  const end = new Date(start.getTime() + 182 * 24 * 3600_000);
  return Array.from({ length: count }, (_, index) => {
    const suffix = `${runId}${String(index).padStart(4, '0')}`;
    const formationNumber = `28_AF_${suffix}`;
    const actionNumber = `28_AC_${suffix}`;
    const sessionNumber = `28_SE_${suffix}`;
    return {
      formationNumber,
      actionNumber,
      sessionNumber,
      sessionKey: `${formationNumber}|${actionNumber}|${sessionNumber}`,
      organisation: organisations[index % organisations.length] as ScenarioOrganisation,
      title: `${TITLES[index % TITLES.length]} — session ${index + 1}`,
      start,
      end,
    };
  });
}

export function lheoExport(sessions: readonly ScenarioSession[], exportedAt: Date): string {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="http://www.lheo.org/2.2">\n<offres>\n'];
  sessions.forEach((session, index) => {
    parts.push(formationOf(session, PLACES[index % PLACES.length] as (typeof PLACES)[number]));
  });
  parts.push(
    `</offres>\n<extras info="flux-intercarif">\n<extra info="date-export">${lheoDate(exportedAt)}</extra>\n` +
      '</extras>\n</lheo>\n',
  );
  return parts.join('');
}

function address({ city, postcode, latitude, longitude }: (typeof PLACES)[number]) {
  return (
    `<adresse>\n<ligne>12 rue de la République</ligne>\n<codepostal>${postcode}</codepostal>\n<ville>${city}</ville>\n` +
    `<departement>${postcode.slice(0, 2)}</departement>\n<region>28</region>\n<pays>FR</pays>\n` +
    `<geolocalisation>\n<latitude>${latitude}</latitude>\n<longitude>${longitude}</longitude>\n</geolocalisation>\n` +
    '</adresse>\n'
  );
}

function formationOf(session: ScenarioSession, place: (typeof PLACES)[number]): string {
  const { organisation } = session;
  return (
    `<formation numero="${session.formationNumber}">\n` +
    '<domaine-formation>\n<code-FORMACODE ref="V12">31834</code-FORMACODE>\n<code-ROME>M1805</code-ROME>\n' +
    '</domaine-formation>\n' +
    `<intitule-formation>${xmlText(session.title)}</intitule-formation>\n` +
    '<objectif-formation>Obtenir le titre professionnel et s’insérer durablement dans l’emploi.</objectif-formation>\n' +
    '<resultats-attendus>Titre professionnel de niveau 5</resultats-attendus>\n' +
    '<contenu-formation>Modules métier, stage en entreprise, accompagnement à la recherche d’emploi.</contenu-formation>\n' +
    '<certifiante>1</certifiante>\n<contact-formation>\n<coordonnees>\n<nom>Accueil</nom>\n</coordonnees>\n' +
    '</contact-formation>\n<parcours-de-formation>1</parcours-de-formation>\n<code-niveau-entree>3</code-niveau-entree>\n' +
    '<certification>\n<code-RNCP>37674</code-RNCP>\n</certification>\n' +
    `<action numero="${session.actionNumber}">\n` +
    '<rythme-formation>Continu temps plein</rythme-formation>\n<code-public-vise ref="V12">83056</code-public-vise>\n' +
    '<niveau-entree-obligatoire>0</niveau-entree-obligatoire>\n<modalites-alternance>Stage de 4 semaines</modalites-alternance>\n' +
    '<modalites-enseignement>0</modalites-enseignement>\n' +
    '<conditions-specifiques>Être inscrit comme demandeur d’emploi.</conditions-specifiques>\n' +
    '<prise-en-charge-frais-possible>1</prise-en-charge-frais-possible>\n' +
    `<lieu-de-formation>\n<coordonnees>\n<nom>${xmlText(organisation.name)}</nom>\n${address(place)}</coordonnees>\n` +
    '</lieu-de-formation>\n<modalites-entrees-sorties>0</modalites-entrees-sorties>\n' +
    `<session numero="${session.sessionNumber}">\n` +
    `<periode>\n<debut>${lheoDate(session.start)}</debut>\n<fin>${lheoDate(session.end)}</fin>\n</periode>\n` +
    `<adresse-inscription>\n${address(place)}</adresse-inscription>\n` +
    '<etat-recrutement>1</etat-recrutement>\n</session>\n' +
    `<adresse-information>\n${address(place)}</adresse-information>\n` +
    '<modalites-recrutement>Information collective, entretien individuel</modalites-recrutement>\n' +
    '<nombre-heures-centre>560</nombre-heures-centre>\n<nombre-heures-entreprise>140</nombre-heures-entreprise>\n' +
    '<nombre-heures-total>700</nombre-heures-total>\n' +
    `<organisme-formateur>\n<SIRET-formateur>\n<SIRET>${organisation.siret}</SIRET>\n</SIRET-formateur>\n` +
    `<raison-sociale-formateur>${xmlText(organisation.name)}</raison-sociale-formateur>\n</organisme-formateur>\n` +
    '<organisme-financeur>\n<code-financeur>2</code-financeur>\n<nb-places-financees>12</nb-places-financees>\n' +
    '</organisme-financeur>\n</action>\n' +
    `<organisme-formation-responsable>\n<numero-activite>28760000076</numero-activite>\n` +
    `<SIRET-organisme-formation>\n<SIRET>${organisation.siret}</SIRET>\n</SIRET-organisme-formation>\n` +
    `<nom-organisme>${xmlText(organisation.name)}</nom-organisme>\n<raison-sociale>${xmlText(organisation.name)}</raison-sociale>\n` +
    `<coordonnees-organisme>\n<coordonnees>\n${address(place)}</coordonnees>\n</coordonnees-organisme>\n` +
    '<contact-organisme>\n<coordonnees>\n<nom>Direction</nom>\n</coordonnees>\n</contact-organisme>\n' +
    '</organisme-formation-responsable>\n</formation>\n'
  );
}
