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
export { normalize, tokenize } from './text.js';
