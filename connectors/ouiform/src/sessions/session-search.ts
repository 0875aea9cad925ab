import { ListingIndex, type ListingQuery, MAX_PAGE_SIZE, type SortOrder } from '@passerelle/listing-index';
import type { ListingPublished } from '@passerelle/schemas';

/** GET /sessions query parameters (strings and numbers as fastify coerced them after validation). */
export interface SessionSearchParameters {
  q?: string;
  department?: string;
  lat?: number;
  lon?: number;
  radiusKm?: number;
  startFrom?: string;
  startTo?: string;
  formacode?: string;
  rome?: string;
  funder?: string;
  modality?: 'ICO' | 'RDVI' | 'CANDIDATURE_WINDOW';
  placesAvailable?: boolean;
  sort?: SortOrder;
  page?: number;
  pageSize?: number;
}

const DAY = '^\\d{4}-\\d{2}-\\d{2}$';
const LIST = (item: string) => `^${item}(,${item}){0,49}$`;

/** JSON Schema of the query: an invalid parameter is a 400 problem naming it. */
export const sessionSearchSchema = {
  type: 'object',
  additionalProperties: false,
  dependencies: { lat: ['lon', 'radiusKm'], lon: ['lat', 'radiusKm'], radiusKm: ['lat', 'lon'] },
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 200 },
    department: { type: 'string', pattern: LIST('(\\d{2,3}|2A|2B)') },
    lat: { type: 'number', minimum: -90, maximum: 90 },
    lon: { type: 'number', minimum: -180, maximum: 180 },
    radiusKm: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
    startFrom: { type: 'string', pattern: DAY },
    startTo: { type: 'string', pattern: DAY },
    formacode: { type: 'string', pattern: LIST('\\d{5}') },
    rome: { type: 'string', pattern: LIST('[A-N]\\d{4}') },
    funder: { type: 'string', pattern: LIST('\\d{1,2}') },
    modality: { type: 'string', enum: ['ICO', 'RDVI', 'CANDIDATURE_WINDOW'] },
    placesAvailable: { type: 'boolean' },
    sort: { type: 'string', enum: ['relevance', 'date', 'distance'] },
    page: { type: 'integer', minimum: 1, maximum: 10_000 },
    pageSize: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
  },
} as const;

const list = (text: string | undefined) => (text ? text.split(',') : undefined);

/** The day the catalogue is read, in Europe/Paris (where the modalities' dates are local dates). */
export const parisDay = (now: Date) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);

export function toListingQuery(parameters: SessionSearchParameters, now: Date): ListingQuery {
  return {
    text: parameters.q,
    departments: list(parameters.department),
    near:
      parameters.lat !== undefined && parameters.lon !== undefined && parameters.radiusKm !== undefined
        ? { latitude: parameters.lat, longitude: parameters.lon, radiusKm: parameters.radiusKm }
        : undefined,
    startFrom: parameters.startFrom,
    startTo: parameters.startTo,
    formacodes: list(parameters.formacode),
    romeCodes: list(parameters.rome),
    funders: list(parameters.funder)?.map(Number),
    modality: parameters.modality,
    placesAvailable: parameters.placesAvailable,
    today: parisDay(now),
    sort: parameters.sort,
    page: parameters.page,
    pageSize: parameters.pageSize,
  };
}

/**
 * The OUIFORM channel's listing, searchable: what catalogue.listings.v1 publishes for channel OUIFORM (a tombstone
 * removes the session). Fed by a follower from the beginning of the compacted topic, so every instance holds it.
 */
export class OuiformListing {
  readonly index = new ListingIndex<ListingPublished>();

  /** Whether a key of catalogue.listings.v1 (`<channel>|<session key>`) is ours: other channels are not decoded. */
  static isOurs(key: string | null): key is string {
    return key?.startsWith('OUIFORM|') ?? false;
  }

  /** Folds one event of catalogue.listings.v1; other channels are not ours. */
  apply(key: string | null, value: unknown): void {
    if (!OuiformListing.isOurs(key)) return;
    const listing = value as ListingPublished | null;
    if (listing === null) this.index.remove(key.slice('OUIFORM|'.length));
    else if (listing.channel === 'OUIFORM') this.index.upsert(listing.sessionKey, listing);
  }

  search(parameters: SessionSearchParameters, now: Date) {
    const page = this.index.search(toListingQuery(parameters, now));
    return {
      total: page.total,
      page: page.page,
      pageSize: page.pageSize,
      items: page.hits.map(
        ({ listing: { envelope: _envelope, channel: _channel, ...listing }, score, distanceKm }) => ({
          ...listing,
          score,
          distanceKm,
        }),
      ),
    };
  }
}
