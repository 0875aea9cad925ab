import type { IndexableListing, IndexableModality } from '../src/index.js';

/** A deterministic pseudo-random generator (mulberry32), so every run measures the same catalogue. */
export function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CITIES = [
  { city: 'Nantes', department: '44', latitude: 47.2184, longitude: -1.5536 },
  { city: 'Saint-Nazaire', department: '44', latitude: 47.2735, longitude: -2.2138 },
  { city: 'Angers', department: '49', latitude: 47.4784, longitude: -0.5632 },
  { city: 'Cholet', department: '49', latitude: 47.06, longitude: -0.8797 },
  { city: 'Le Mans', department: '72', latitude: 48.0061, longitude: 0.1996 },
  { city: 'Laval', department: '53', latitude: 48.0707, longitude: -0.7734 },
  { city: 'La Roche-sur-Yon', department: '85', latitude: 46.6705, longitude: -1.426 },
  { city: 'Rennes', department: '35', latitude: 48.1173, longitude: -1.6778 },
  { city: 'Tours', department: '37', latitude: 47.3941, longitude: 0.6848 },
  { city: 'Bordeaux', department: '33', latitude: 44.8378, longitude: -0.5792 },
  { city: 'Lyon', department: '69', latitude: 45.764, longitude: 4.8357 },
  { city: 'Lille', department: '59', latitude: 50.6292, longitude: 3.0573 },
];

const TRADES = [
  ['Préparateur de commandes', '31815', 'N1103', 'logistique entrepôt cariste chariot élévateur'],
  ['Agent de propreté et d’hygiène', '42056', 'K2204', 'nettoyage entretien locaux hygiène sécurité'],
  ['Aide-soignant', '43436', 'J1501', 'soins patients hôpital établissement santé'],
  ['Assistant de vie aux familles', '44028', 'K1302', 'aide domicile personnes âgées accompagnement'],
  ['Développeur web et web mobile', '31054', 'M1805', 'programmation javascript applications numérique'],
  ['Cuisinier', '42752', 'G1602', 'restauration cuisine production culinaire hygiène'],
  ['Électricien d’équipement du bâtiment', '22454', 'F1602', 'installation électrique bâtiment habilitation'],
  ['Soudeur', '23684', 'H2913', 'soudure métallerie chaudronnerie industrie'],
  ['Conducteur de transport en commun sur route', '31811', 'N4103', 'permis transport voyageurs autocar'],
  ['Employé commercial en magasin', '34566', 'D1507', 'vente rayon magasin accueil clientèle'],
  ['Secrétaire assistant', '35054', 'M1607', 'bureautique accueil gestion administrative'],
  ['Comptable assistant', '32663', 'M1203', 'comptabilité paie gestion entreprise'],
  ['Maçon', '22336', 'F1703', 'gros oeuvre construction bâtiment chantier'],
  ['Remise à niveau savoirs de base', '15041', 'K2111', 'français mathématiques compétences clés numérique'],
  ['Agent de sécurité', '42854', 'K2503', 'surveillance prévention sécurité incendie'],
  ['Serveur en restauration', '42781', 'G1803', 'service salle restauration accueil clients'],
] as const;

const FILLER =
  'La formation alterne apports théoriques, mises en situation professionnelle et périodes en entreprise. Elle prépare au titre professionnel et à l’insertion durable dans l’emploi.';

const date = (year: number, month: number, day: number) =>
  `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** `count` sessions like a regional catalogue's: 16 trades, 12 cities, dated 2026–2027, 0–3 modalities each. */
export function generateListings(count: number, seed = 42): IndexableListing[] {
  const next = random(seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)] as T;
  const listings: IndexableListing[] = [];
  for (let n = 0; n < count; n += 1) {
    const [title, formacode, rome, words] = pick(TRADES);
    const place = pick(CITIES);
    const month = 1 + Math.floor(next() * 12);
    const year = next() < 0.6 ? 2026 : 2027;
    const modalities: IndexableModality[] = [];
    const modalityCount = Math.floor(next() * 4);
    for (let m = 0; m < modalityCount; m += 1) {
      const kind = pick(['ICO', 'RDVI', 'CANDIDATURE_WINDOW']);
      const day = date(2026, 1 + Math.floor(next() * 12), 1 + Math.floor(next() * 28));
      modalities.push({
        kind,
        date: kind === 'CANDIDATURE_WINDOW' ? null : day,
        placesLeft: Math.floor(next() * 12),
        receptionStart: kind === 'CANDIDATURE_WINDOW' ? day : null,
        receptionEnd: kind === 'CANDIDATURE_WINDOW' ? date(2026, 12, 31) : null,
      });
    }
    listings.push({
      sessionKey: `14_AF_${String(n).padStart(10, '0')}|14_SE_${n}|SE_${n}`,
      title: next() < 0.3 ? `${title} — ${place.city}` : title,
      content: `${words}. ${FILLER} Session ${n % 7 === 0 ? 'à distance' : `à ${place.city}`}.`,
      department: place.department,
      latitude: place.latitude + (next() - 0.5) * 0.2,
      longitude: place.longitude + (next() - 0.5) * 0.2,
      start: next() < 0.1 ? null : date(year, month, 1 + Math.floor(next() * 28)),
      end: date(year + 1, month, 28),
      formacodes: [formacode],
      romeCodes: [rome],
      funders: next() < 0.5 ? [2] : next() < 0.5 ? [4] : [2, 4],
      modalities,
    });
  }
  return listings;
}
