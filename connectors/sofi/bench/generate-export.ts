/**
 * A synthetic Intercarif-like LHEO 2.2 export of any size, written as a stream (the benchmarks' input): 3 sessions
 * per action, 2 actions per formation, realistic texts, addresses, extras and HTML-escaped content.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const SESSIONS_PER_ACTION = 3;
const ACTIONS_PER_FORMATION = 2;

export async function generate(file: string, sessions: number): Promise<void> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="http://www.lheo.org/2.2">\n<offres>\n');
  const formations = Math.ceil(sessions / (SESSIONS_PER_ACTION * ACTIONS_PER_FORMATION));
  let written = 0;
  for (let f = 0; f < formations && written < sessions; f++) {
    const actions: string[] = [];
    for (let a = 0; a < ACTIONS_PER_FORMATION && written < sessions; a++) {
      const sessionXml: string[] = [];
      for (let s = 0; s < SESSIONS_PER_ACTION && written < sessions; s++, written++) {
        sessionXml.push(sessionOf(written));
      }
      actions.push(actionOf(f, a, sessionXml.join('')));
    }
    await write(formationOf(f, actions.join('')));
  }
  await write(
    '</offres>\n<extras info="flux-intercarif">\n<extra info="date-export">20240305</extra>\n' +
      '<extra info="heure-export">211000</extra>\n</extras>\n</lheo>\n',
  );
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

const address = (city: string, postcode: string) =>
  `<adresse>\n<ligne>12 rue de la République</ligne>\n<codepostal>${postcode}</codepostal>\n<ville>${city}</ville>\n` +
  `<departement>${postcode.slice(0, 2)}</departement>\n<code-INSEE-commune>${postcode}</code-INSEE-commune>\n` +
  `<region>28</region>\n<pays>FR</pays>\n<geolocalisation>\n<latitude>49.44</latitude>\n<longitude>1.09</longitude>\n` +
  '</geolocalisation>\n</adresse>\n';

function sessionOf(n: number): string {
  const month = String((n % 12) + 1).padStart(2, '0');
  return (
    `<session numero="SE_${String(n).padStart(10, '0')}" datecrea="20230105" datemaj="20240212">\n` +
    `<periode>\n<debut>2024${month}02</debut>\n<fin>2025${month}00</fin>\n</periode>\n` +
    `<adresse-inscription>\n${address('Rouen', '76000')}</adresse-inscription>\n` +
    '<periode-inscription>\n<periode>\n<debut>00000000</debut>\n<fin>20240815</fin>\n</periode>\n</periode-inscription>\n' +
    `<etat-recrutement>${(n % 3) + 1}</etat-recrutement>\n` +
    '<extras info="session-perimee">\n<extra info="session-perimee">0</extra>\n</extras>\n' +
    '<extras info="eligibilite-cpf" numero="130XXX">\n<extra info="source">COPANEF</extra>\n' +
    '<extra info="debut-validite">20150101</extra>\n<extra info="fin-validite">20251231</extra>\n' +
    '<extra info="public">3</extra>\n</extras>\n</session>\n'
  );
}

function actionOf(f: number, a: number, sessions: string): string {
  return (
    `<action numero="AC_${f}_${a}" datecrea="20230105" datemaj="20240212">\n` +
    '<rythme-formation>Continu temps plein</rythme-formation>\n<code-public-vise ref="V12">83056</code-public-vise>\n' +
    '<niveau-entree-obligatoire>0</niveau-entree-obligatoire>\n<modalites-alternance>-</modalites-alternance>\n' +
    '<modalites-enseignement>0</modalites-enseignement>\n' +
    '<conditions-specifiques>Être inscrit comme demandeur d&apos;emploi ; entretien de motivation.</conditions-specifiques>\n' +
    '<prise-en-charge-frais-possible>1</prise-en-charge-frais-possible>\n' +
    `<lieu-de-formation>\n<coordonnees>\n<nom>Centre de Rouen</nom>\n${address('Rouen', '76000')}` +
    '<telfixe>\n<numtel>02 35 00 00 00</numtel>\n</telfixe>\n</coordonnees>\n</lieu-de-formation>\n' +
    `<modalites-entrees-sorties>${a % 2}</modalites-entrees-sorties>\n${sessions}` +
    `<adresse-information>\n${address('Rouen', '76000')}</adresse-information>\n` +
    '<date-information>\n<date>20240415</date>\n</date-information>\n' +
    '<modalites-recrutement>Information collective, entretien, tests</modalites-recrutement>\n' +
    '<code-perimetre-recrutement>3</code-perimetre-recrutement>\n<nombre-heures-centre>585</nombre-heures-centre>\n' +
    '<nombre-heures-entreprise>112</nombre-heures-entreprise>\n<nombre-heures-total>697</nombre-heures-total>\n' +
    '<conventionnement>1</conventionnement>\n<organisme-formateur numero="OF_1">\n' +
    '<SIRET-formateur>\n<SIRET>12345678900021</SIRET>\n</SIRET-formateur>\n' +
    '<raison-sociale-formateur>Centre de Rouen</raison-sociale-formateur>\n</organisme-formateur>\n' +
    '<organisme-financeur>\n<code-financeur>2</code-financeur>\n<nb-places-financees>12</nb-places-financees>\n' +
    '</organisme-financeur>\n</action>\n'
  );
}

function formationOf(f: number, actions: string): string {
  return (
    `<formation numero="14_AF_${String(f).padStart(10, '0')}" datecrea="20230105" datemaj="20240212">\n` +
    '<domaine-formation>\n<code-FORMACODE ref="V12" tag="principal">22403</code-FORMACODE>\n' +
    '<code-NSF>326</code-NSF>\n<code-ROME>M1805</code-ROME>\n</domaine-formation>\n' +
    `<intitule-formation>Développeur web et web mobile ${f}</intitule-formation>\n` +
    '<objectif-formation>&lt;p&gt;Obtenir le titre professionnel de développeur web et web mobile.&lt;/p&gt;</objectif-formation>\n' +
    '<resultats-attendus>Titre professionnel de niveau 5</resultats-attendus>\n' +
    '<contenu-formation>&lt;ul&gt;&lt;li&gt;Développer la partie front-end&lt;/li&gt;&lt;li&gt;Développer la partie back-end&lt;/li&gt;&lt;/ul&gt;</contenu-formation>\n' +
    '<certifiante>1</certifiante>\n<contact-formation>\n<coordonnees>\n<nom>Accueil</nom>\n' +
    '<courriel>accueil@example.org</courriel>\n</coordonnees>\n</contact-formation>\n' +
    '<parcours-de-formation>1</parcours-de-formation>\n<code-niveau-entree>3</code-niveau-entree>\n' +
    '<objectif-general-formation>6</objectif-general-formation>\n' +
    '<certification>\n<code-RNCP>37674</code-RNCP>\n<code-CERTIFINFO>117654</code-CERTIFINFO>\n</certification>\n' +
    `<code-niveau-sortie>5</code-niveau-sortie>\n${actions}` +
    '<organisme-formation-responsable numero="OR_76_001">\n<numero-activite>28760000076</numero-activite>\n' +
    '<SIRET-organisme-formation>\n<SIRET>12345678900013</SIRET>\n</SIRET-organisme-formation>\n' +
    '<nom-organisme>Campus Numérique</nom-organisme>\n<raison-sociale>SAS Campus Numérique</raison-sociale>\n' +
    `<coordonnees-organisme>\n<coordonnees>\n${address('Rouen', '76000')}</coordonnees>\n</coordonnees-organisme>\n` +
    '<contact-organisme>\n<coordonnees>\n<nom>Direction</nom>\n</coordonnees>\n</contact-organisme>\n' +
    '</organisme-formation-responsable>\n</formation>\n'
  );
}
