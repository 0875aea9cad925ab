import { tokenize } from './text.js';

/** The modality fields the index reads (structurally the `ListedModality` of `catalogue.listings.v1`). */
export interface IndexableModality {
  kind: string;
  /** ICO / RDVI day, YYYY-MM-DD. */
  date: string | null;
  placesLeft: number;
  /** Candidature window reception period, YYYY-MM-DD. */
  receptionStart: string | null;
  receptionEnd: string | null;
}

/**
 * The listing fields the index reads — structurally the `ListingPublished` record of `catalogue.listings.v1`, so
 * a decoded event is indexed as it is (this package does not depend on the contracts).
 */
export interface IndexableListing {
  sessionKey: string;
  title: string;
  content?: string | null;
  department: string | null;
  latitude: number | null;
  longitude: number | null;
  /** LHEO partial dates: YYYY-MM-DD, YYYY-MM or YYYY; null when unknown. */
  start: string | null;
  end: string | null;
  formacodes: readonly string[];
  romeCodes: readonly string[];
  funders: readonly number[];
  modalities: readonly IndexableModality[];
}

export type SortOrder = 'relevance' | 'date' | 'distance';

export interface ListingQuery {
  /** Full text over title (weighted ×3) and content; every word must match, the last one also as a prefix. */
  text?: string;
  /** Any of these departments (e.g. "44", "2A", "974"). */
  departments?: readonly string[];
  /** Within `radiusKm` of a point (great-circle distance). */
  near?: { latitude: number; longitude: number; radiusKm: number };
  /** Session start within [startFrom, startTo] (YYYY-MM-DD, inclusive); a session with an unknown start is left out. */
  startFrom?: string;
  startTo?: string;
  /** Any of these Formacodes / ROME codes / funder codes (dict-financeurs). */
  formacodes?: readonly string[];
  romeCodes?: readonly string[];
  funders?: readonly number[];
  /** At least one modality of this kind open on `today`. */
  modality?: string;
  /** At least one modality open on `today` (of `modality`'s kind when given) with a place left. */
  placesAvailable?: boolean;
  /**
   * The day the catalogue is read (YYYY-MM-DD, Europe/Paris): sessions ended before it are left out, and an ICO or
   * RDVI before it or a window closed before it no longer counts as open. Openness is a matter of the reading day,
   * not of the listing, so a listing never has to be republished because time passed.
   */
  today: string;
  /** Default: relevance with text, distance with `near`, else date. */
  sort?: SortOrder;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface ListingHit<L> {
  key: string;
  listing: L;
  /** Relevance (text queries only). */
  score: number | null;
  /** Kilometres from `near` (distance queries only; null when the listing has no coordinates). */
  distanceKm: number | null;
}

export interface ListingPage<L> {
  total: number;
  page: number;
  pageSize: number;
  hits: ListingHit<L>[];
}

export const MAX_PAGE_SIZE = 100;

interface Doc<L> {
  key: string;
  listing: L;
  /** Distinct tokens of the document and their weights (3 per title occurrence, 1 per content occurrence): two
   * arrays rather than a Map, a few hundred bytes less per listing. */
  tokens: string[];
  weights: number[];
}

/** Content beyond this many characters adds little to matching and much to memory. */
const CONTENT_INDEXED_CHARS = 4_000;
const EARTH_RADIUS_KM = 6_371;

/**
 * An in-memory search index of catalogue listings, upserted and removed by key (`<channel>|<sessionKey>` as on the
 * topic): an inverted index of accent-insensitive French tokens for full text, posting sets per department,
 * Formacode, ROME code and funder for the selective filters, and a scan of the smallest candidate set for the rest.
 * Pure and synchronous: the caller feeds it (a follower of `catalogue.listings.v1`) and queries it.
 */
export class ListingIndex<L extends IndexableListing = IndexableListing> {
  readonly #docs = new Map<string, Doc<L>>();
  readonly #postings = new Map<string, Set<Doc<L>>>();
  readonly #byDepartment = new Map<string, Set<Doc<L>>>();
  readonly #byFormacode = new Map<string, Set<Doc<L>>>();
  readonly #byRome = new Map<string, Set<Doc<L>>>();
  readonly #byFunder = new Map<number, Set<Doc<L>>>();
  #vocabulary: string[] | undefined;

  get size(): number {
    return this.#docs.size;
  }

  get(key: string): L | undefined {
    return this.#docs.get(key)?.listing;
  }

  /** Adds or replaces the listing of `key`. */
  upsert(key: string, listing: L): void {
    this.remove(key);
    const terms = new Map<string, number>();
    for (const token of tokenize(listing.title)) terms.set(token, (terms.get(token) ?? 0) + 3);
    for (const token of tokenize((listing.content ?? '').slice(0, CONTENT_INDEXED_CHARS)))
      terms.set(token, (terms.get(token) ?? 0) + 1);
    const doc: Doc<L> = { key, listing, tokens: [...terms.keys()], weights: [...terms.values()] };
    this.#docs.set(key, doc);
    for (const token of doc.tokens) {
      if (!this.#postings.has(token)) this.#vocabulary = undefined;
      addTo(this.#postings, token, doc);
    }
    if (listing.department) addTo(this.#byDepartment, listing.department, doc);
    for (const code of new Set(listing.formacodes)) addTo(this.#byFormacode, code, doc);
    for (const code of new Set(listing.romeCodes)) addTo(this.#byRome, code, doc);
    for (const code of new Set(listing.funders)) addTo(this.#byFunder, code, doc);
  }

  /** Forgets `key` (a tombstone); false when it was not indexed. */
  remove(key: string): boolean {
    const doc = this.#docs.get(key);
    if (!doc) return false;
    this.#docs.delete(key);
    for (const token of doc.tokens) {
      if (removeFrom(this.#postings, token, doc)) this.#vocabulary = undefined;
    }
    const { listing } = doc;
    if (listing.department) removeFrom(this.#byDepartment, listing.department, doc);
    for (const code of listing.formacodes) removeFrom(this.#byFormacode, code, doc);
    for (const code of listing.romeCodes) removeFrom(this.#byRome, code, doc);
    for (const code of listing.funders) removeFrom(this.#byFunder, code, doc);
    return true;
  }

  search(query: ListingQuery): ListingPage<L> {
    const page = Math.max(1, Math.floor(query.page ?? 1));
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(query.pageSize ?? 20)));
    const sort: SortOrder = query.sort ?? (query.text ? 'relevance' : query.near ? 'distance' : 'date');
    const queryTokens = query.text ? tokenize(query.text) : [];

    // Candidates: the smallest selective set (text postings, department, codes), then every predicate on each.
    const sets: Array<ReadonlySet<Doc<L>>> = [];
    const textSets: Array<{ idf: number; docs: ReadonlySet<Doc<L>>; tokens: readonly string[] }> = [];
    for (const [index, token] of queryTokens.entries()) {
      const last = index === queryTokens.length - 1;
      const tokens = last && token.length >= 3 ? this.#withPrefix(token) : [token];
      const docs = union(tokens.map((t) => this.#postings.get(t)));
      textSets.push({ idf: Math.log(1 + this.#docs.size / (1 + docs.size)), docs, tokens });
      sets.push(docs);
    }
    if (query.departments?.length) sets.push(union(query.departments.map((d) => this.#byDepartment.get(d))));
    if (query.formacodes?.length) sets.push(union(query.formacodes.map((c) => this.#byFormacode.get(c))));
    if (query.romeCodes?.length) sets.push(union(query.romeCodes.map((c) => this.#byRome.get(c))));
    if (query.funders?.length) sets.push(union(query.funders.map((c) => this.#byFunder.get(c))));
    sets.sort((a, b) => a.size - b.size);
    const [smallest, ...others] = sets;
    const candidates: Iterable<Doc<L>> = smallest ?? this.#docs.values();

    const box = query.near ? boundingBox(query.near) : undefined;
    const top = new TopK<ListingHit<L>>(page * pageSize, comparatorFor(sort));
    let total = 0;
    for (const doc of candidates) {
      if (others.some((set) => !set.has(doc))) continue;
      const listing = doc.listing;
      if (!this.#matches(listing, query)) continue;
      let distanceKm: number | null = null;
      if (query.near && box) {
        if (listing.latitude === null || listing.longitude === null) continue;
        if (!box(listing.latitude, listing.longitude)) continue;
        distanceKm = haversineKm(query.near.latitude, query.near.longitude, listing.latitude, listing.longitude);
        if (distanceKm > query.near.radiusKm) continue;
      }
      let score: number | null = null;
      if (textSets.length > 0) {
        score = 0;
        for (const { idf, tokens } of textSets) {
          let weight = 0;
          for (const token of tokens) {
            const position = doc.tokens.indexOf(token);
            if (position >= 0) weight = Math.max(weight, doc.weights[position] as number);
          }
          score += idf * (1 + Math.log(weight));
        }
      }
      total += 1;
      top.offer({ key: doc.key, listing, score, distanceKm });
    }
    return { total, page, pageSize, hits: top.sorted().slice((page - 1) * pageSize, page * pageSize) };
  }

  #matches(listing: L, query: ListingQuery): boolean {
    const { today } = query;
    if (listing.end !== null && listing.end < today.slice(0, listing.end.length)) return false;
    if (query.startFrom || query.startTo) {
      const start = listing.start;
      if (start === null) return false;
      if (query.startFrom && start < query.startFrom.slice(0, start.length)) return false;
      if (query.startTo && start > query.startTo.slice(0, start.length)) return false;
    }
    if (query.modality || query.placesAvailable) {
      const found = listing.modalities.some(
        (modality) =>
          (!query.modality || modality.kind === query.modality) &&
          (!query.placesAvailable || modality.placesLeft > 0) &&
          isOpenOn(modality, today),
      );
      if (!found) return false;
    }
    return true;
  }

  /** Every indexed token starting with `prefix` (the vocabulary is sorted once per change, then binary-searched). */
  #withPrefix(prefix: string): string[] {
    this.#vocabulary ??= [...this.#postings.keys()].sort();
    const vocabulary = this.#vocabulary;
    let low = 0;
    let high = vocabulary.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((vocabulary[middle] as string) < prefix) low = middle + 1;
      else high = middle;
    }
    const found: string[] = [];
    for (let index = low; index < vocabulary.length; index += 1) {
      const token = vocabulary[index] as string;
      if (!token.startsWith(prefix)) break;
      found.push(token);
    }
    return found;
  }
}

/**
 * Whether a modality is still open on `today`: an ICO or RDVI not yet past, a candidature window not yet closed
 * (one opening later is announced, hence open for the listing).
 */
export function isOpenOn(modality: IndexableModality, today: string): boolean {
  if (modality.kind === 'CANDIDATURE_WINDOW') return modality.receptionEnd === null || modality.receptionEnd >= today;
  return modality.date === null || modality.date >= today;
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/** Returns true when the key's set became empty and was dropped. */
function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): boolean {
  const set = map.get(key);
  if (!set) return false;
  set.delete(value);
  if (set.size > 0) return false;
  map.delete(key);
  return true;
}

function union<V>(sets: ReadonlyArray<ReadonlySet<V> | undefined>): ReadonlySet<V> {
  const present = sets.filter((set): set is ReadonlySet<V> => set !== undefined);
  if (present.length === 1) return present[0] as ReadonlySet<V>;
  const all = new Set<V>();
  for (const set of present) for (const value of set) all.add(value);
  return all;
}

function boundingBox({ latitude, longitude, radiusKm }: { latitude: number; longitude: number; radiusKm: number }) {
  const dLat = (radiusKm / EARTH_RADIUS_KM) * (180 / Math.PI);
  const cos = Math.cos((latitude * Math.PI) / 180);
  const dLon = cos < 1e-6 ? 360 : dLat / cos;
  return (lat: number, lon: number) => Math.abs(lat - latitude) <= dLat && Math.abs(lon - longitude) <= dLon;
}

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

type Comparator<T> = (a: T, b: T) => number;

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byKey = <L>(a: ListingHit<L>, b: ListingHit<L>) => compareStrings(a.key, b.key);

const startOf = (hit: ListingHit<IndexableListing>) => hit.listing.start ?? '\uffff';

function comparatorFor<L extends IndexableListing>(sort: SortOrder): Comparator<ListingHit<L>> {
  switch (sort) {
    case 'relevance':
      return (a, b) => (b.score ?? 0) - (a.score ?? 0) || compareStrings(startOf(a), startOf(b)) || byKey(a, b);
    case 'distance':
      return (a, b) => (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity) || byKey(a, b);
    case 'date':
      // Unknown starts last; then the key, so pages are stable.
      return (a, b) => compareStrings(startOf(a), startOf(b)) || byKey(a, b);
  }
}

/** The `k` best items seen so far, kept sorted: a page never sorts every match. */
class TopK<T> {
  readonly #k: number;
  readonly #compare: Comparator<T>;
  readonly #items: T[] = [];

  constructor(k: number, compare: Comparator<T>) {
    this.#k = k;
    this.#compare = compare;
  }

  offer(item: T) {
    const items = this.#items;
    if (items.length === this.#k && this.#compare(item, items[items.length - 1] as T) >= 0) return;
    let low = 0;
    let high = items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#compare(items[middle] as T, item) <= 0) low = middle + 1;
      else high = middle;
    }
    items.splice(low, 0, item);
    if (items.length > this.#k) items.pop();
  }

  sorted(): T[] {
    return this.#items;
  }
}
