/**
 * Search latency over a regional-size catalogue: the index against a naive linear filter (normalise title and
 * content, test every predicate, sort every match) measured in the same run on the same queries, plus the index's
 * memory. `npm run -w packages/listing-index bench -- --sessions 60000 --queries 2000`.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  haversineKm,
  type IndexableListing,
  isOpenOn,
  ListingIndex,
  type ListingQuery,
  normalize,
} from '../src/index.js';
import { CITIES, generateListings, random } from './catalogue.js';

const { values } = parseArgs({
  options: { sessions: { type: 'string', default: '60000' }, queries: { type: 'string', default: '2000' } },
});
const sessions = Number(values.sessions);
const queryCount = Number(values.queries);
const today = '2026-04-01';

const gc = (globalThis as { gc?: () => void }).gc;
const heapUsed = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

function queries(count: number): ListingQuery[] {
  const next = random(7);
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)] as T;
  const texts = [
    'cariste',
    'preparateur commandes',
    'aide soignant',
    'cuisine',
    'numérique',
    'bâtiment',
    'secur',
    'vente',
  ];
  const shapes: Array<() => ListingQuery> = [
    () => ({ today, text: pick(texts) }),
    () => ({ today, text: pick(texts), departments: [pick(CITIES).department] }),
    () => {
      const city = pick(CITIES);
      return { today, near: { latitude: city.latitude, longitude: city.longitude, radiusKm: 30 }, sort: 'distance' };
    },
    () => ({ today, departments: [pick(CITIES).department], startFrom: '2026-06-01', startTo: '2026-09-30' }),
    () => ({ today, formacodes: ['31815'], modality: 'ICO', placesAvailable: true, sort: 'date' }),
    () => ({ today, funders: [4], placesAvailable: true, page: 3 }),
    () => ({ today, sort: 'date' }),
  ];
  return Array.from({ length: count }, () => (pick(shapes) as () => ListingQuery)());
}

/** The baseline: what one would write without an index. */
function linearSearch(listings: readonly IndexableListing[], query: ListingQuery) {
  const words = query.text
    ? normalize(query.text)
        .split(/[^a-z0-9]+/)
        .filter(Boolean)
    : [];
  const matches: Array<{ listing: IndexableListing; distance: number }> = [];
  for (const listing of listings) {
    if (listing.end !== null && listing.end < today.slice(0, listing.end.length)) continue;
    if (words.length) {
      const text = normalize(`${listing.title} ${listing.content ?? ''}`);
      if (!words.every((word) => text.includes(word))) continue;
    }
    if (query.departments && !query.departments.includes(listing.department ?? '')) continue;
    if (query.formacodes && !listing.formacodes.some((code) => query.formacodes?.includes(code))) continue;
    if (query.funders && !listing.funders.some((code) => query.funders?.includes(code))) continue;
    if (query.startFrom || query.startTo) {
      if (listing.start === null) continue;
      if (query.startFrom && listing.start < query.startFrom) continue;
      if (query.startTo && listing.start > query.startTo) continue;
    }
    if (query.modality || query.placesAvailable) {
      const open = listing.modalities.some(
        (m) =>
          (!query.modality || m.kind === query.modality) &&
          (!query.placesAvailable || m.placesLeft > 0) &&
          isOpenOn(m, today),
      );
      if (!open) continue;
    }
    let distance = 0;
    if (query.near) {
      if (listing.latitude === null || listing.longitude === null) continue;
      distance = haversineKm(query.near.latitude, query.near.longitude, listing.latitude, listing.longitude);
      if (distance > query.near.radiusKm) continue;
    }
    matches.push({ listing, distance });
  }
  matches.sort((a, b) =>
    query.near ? a.distance - b.distance : (a.listing.start ?? '\uffff').localeCompare(b.listing.start ?? '\uffff'),
  );
  const page = query.page ?? 1;
  return { total: matches.length, hits: matches.slice((page - 1) * 20, page * 20) };
}

function measure(run: (query: ListingQuery) => number, workload: readonly ListingQuery[]) {
  for (const query of workload.slice(0, 50)) run(query); // warm-up
  const times: number[] = [];
  let found = 0;
  for (const query of workload) {
    const started = performance.now();
    found += run(query);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  return { p50: at(0.5), p99: at(0.99), max: at(1), meanHits: found / workload.length };
}

const listings = generateListings(sessions);
const before = heapUsed();
const buildStart = performance.now();
const index = new ListingIndex();
for (const listing of listings) index.upsert(listing.sessionKey, listing);
const buildMs = performance.now() - buildStart;
const indexBytes = heapUsed() - before;

const workload = queries(queryCount);
const indexed = measure((query) => index.search(query).total, workload);
const linear = measure((query) => linearSearch(listings, query).total, workload);

const ms = (value: number) => `${value.toFixed(2)} ms`;
console.log(
  `listing-index search bench — ${sessions} sessions, ${queryCount} mixed queries (text, filters, distance, date)`,
);
console.log(`build: ${ms(buildMs)} (${((sessions / buildMs) * 1000).toFixed(0)} upserts/s)`);
console.log(
  `memory: index ${(indexBytes / 1048576).toFixed(1)} MiB over the listings (${(indexBytes / sessions).toFixed(0)} B/session)${gc ? '' : ' — run with --expose-gc for exact numbers'}`,
);
console.log(
  `index   p50 ${ms(indexed.p50)}  p99 ${ms(indexed.p99)}  max ${ms(indexed.max)}  mean total ${indexed.meanHits.toFixed(0)}`,
);
console.log(
  `linear  p50 ${ms(linear.p50)}  p99 ${ms(linear.p99)}  max ${ms(linear.max)}  mean total ${linear.meanHits.toFixed(0)}`,
);
console.log(
  `ratio   p50 ×${(linear.p50 / indexed.p50).toFixed(1)}  p99 ×${(linear.p99 / indexed.p99).toFixed(1)} faster`,
);
