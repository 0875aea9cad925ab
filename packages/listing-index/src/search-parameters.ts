import { type ListingQuery, MAX_PAGE_SIZE, type SortOrder } from './listing-index.js';
import { REGIONS, regionOf } from './zones.js';

/**
 * The search of a listing over HTTP, one contract for every API that offers it (the catalogue's channels and
 * Ouiform's `GET /sessions`): the query parameters, their JSON Schema (fastify validates with it; a bad one is a
 * 400 problem naming `querystring.<name>`), the rules a schema cannot say, and the index query they become.
 */
export interface SearchParameters {
  q?: string;
  department?: string;
  region?: string;
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

/** Around a point given without a radius. */
export const DEFAULT_RADIUS_KM = 30;

const DAY = '^\\d{4}-\\d{2}-\\d{2}$';
/** A comma list of 1 to 50 items: enough for any search, and a bound on the work one request asks. */
const LIST = (item: string) => `^${item}(,${item}){0,49}$`;

export const searchParametersSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'Full text: every word, the last one also as a prefix',
    },
    department: { type: 'string', pattern: LIST('(\\d{2,3}|2[AB])'), description: 'Comma list (44, 2A, 974)' },
    region: {
      type: 'string',
      pattern: LIST('\\d{2}'),
      description: `Comma list of INSEE region codes (the zone table, annex 7.3): ${REGIONS.map(
        (region) => `${region.code} ${region.name}`,
      ).join(', ')}`,
    },
    lat: { type: 'number', minimum: -90, maximum: 90, description: 'With lon' },
    lon: { type: 'number', minimum: -180, maximum: 180, description: 'With lat' },
    radiusKm: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1000,
      description: `Around lat/lon (default ${DEFAULT_RADIUS_KM})`,
    },
    startFrom: { type: 'string', pattern: DAY, description: 'Session start on or after (YYYY-MM-DD)' },
    startTo: { type: 'string', pattern: DAY, description: 'Session start on or before (YYYY-MM-DD)' },
    formacode: { type: 'string', pattern: LIST('\\d{5}'), description: 'Comma list of Formacodes' },
    rome: { type: 'string', pattern: LIST('[A-N]\\d{4}'), description: 'Comma list of ROME codes' },
    // LHEO dict-financeurs codes run from 0 to 20 (domain.md §h): two digits.
    funder: { type: 'string', pattern: LIST('\\d{1,2}'), description: 'Comma list of funder codes (dict-financeurs)' },
    modality: {
      type: 'string',
      enum: ['ICO', 'RDVI', 'CANDIDATURE_WINDOW'],
      description: 'At least one modality of this kind open today',
    },
    placesAvailable: { type: 'boolean', description: 'At least one open modality with a place left' },
    sort: {
      type: 'string',
      enum: ['relevance', 'date', 'distance'],
      description: 'Default: relevance with q, distance with lat/lon, else date',
    },
    page: { type: 'integer', minimum: 1, maximum: 10_000 },
    pageSize: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
  },
} as const;

/** A parameter at fault, as problem+json names it. */
export interface ParameterError {
  field: string;
  message: string;
}

const at = (name: string, message: string): ParameterError => ({ field: `querystring.${name}`, message });

/** The rules between parameters, which the schema does not say: the first one broken, or undefined. */
export function searchParameterError(parameters: SearchParameters): ParameterError | undefined {
  const regions = parameters.region?.split(',') ?? [];
  const unknown = regions.find((code) => !regionOf(code));
  if (unknown !== undefined) return at('region', `${unknown} is not a region of the zone table`);
  if (regions.length > 0 && parameters.department) {
    const inRegions = new Set(regions.flatMap((code) => regionOf(code)?.departments ?? []));
    const outside = parameters.department.split(',').find((department) => !inRegions.has(department));
    if (outside !== undefined) return at('department', `department ${outside} is not in region ${regions.join(', ')}`);
  }
  if ((parameters.lat === undefined) !== (parameters.lon === undefined))
    return at(parameters.lat === undefined ? 'lat' : 'lon', 'lat and lon go together');
  if (parameters.radiusKm !== undefined && parameters.lat === undefined)
    return at('radiusKm', 'radiusKm needs lat and lon');
  if (parameters.sort === 'distance' && parameters.lat === undefined)
    return at('sort', 'sorting by distance needs lat and lon');
  if (parameters.sort === 'relevance' && !parameters.q)
    return at('sort', 'sorting by relevance needs a text query (q)');
  if (parameters.startFrom && parameters.startTo && parameters.startFrom > parameters.startTo)
    return at('startTo', 'startTo is before startFrom');
  return undefined;
}

/** Valid parameters → the index query, on `today` (YYYY-MM-DD, Europe/Paris). */
export function toListingQuery(parameters: SearchParameters, today: string): ListingQuery {
  const split = (value: string | undefined) => (value ? value.split(',') : undefined);
  return {
    today,
    text: parameters.q,
    // A region stands for its departments; with both, the departments (checked to be in the regions) narrow it.
    departments:
      split(parameters.department) ?? split(parameters.region)?.flatMap((code) => regionOf(code)?.departments ?? []),
    near:
      parameters.lat !== undefined && parameters.lon !== undefined
        ? { latitude: parameters.lat, longitude: parameters.lon, radiusKm: parameters.radiusKm ?? DEFAULT_RADIUS_KM }
        : undefined,
    startFrom: parameters.startFrom,
    startTo: parameters.startTo,
    formacodes: split(parameters.formacode),
    romeCodes: split(parameters.rome),
    funders: split(parameters.funder)?.map(Number),
    modality: parameters.modality,
    placesAvailable: parameters.placesAvailable,
    sort: parameters.sort,
    page: parameters.page,
    pageSize: parameters.pageSize,
  };
}
