export {
  haversineKm,
  type IndexableListing,
  type IndexableModality,
  isOpenOn,
  type ListingHit,
  ListingIndex,
  type ListingPage,
  type ListingQuery,
  MAX_PAGE_SIZE,
  type SortOrder,
} from './listing-index.js';
export {
  DEFAULT_RADIUS_KM,
  type ParameterError,
  type SearchParameters,
  searchParameterError,
  searchParametersSchema,
  toListingQuery,
} from './search-parameters.js';
export { normalize, tokenize } from './text.js';
export { REGIONS, type Region, regionOf, regionOfDepartment } from './zones.js';
