export { type CatalogueConfig, catalogueConfigSchema } from './config.js';
export { type CatalogueConnectorOptions, catalogueConnector } from './connector.js';
export {
  type CatalogueChannel,
  type DeTokenCheck,
  type DeTokenClaims,
  signDeToken,
  verifyDeToken,
} from './http/de-token.js';
export { CHANNEL_RULES, type ChannelRule } from './projection/channel-rules.js';
export { type ListingBody, type ListingChange, listingChanges, projectListing } from './projection/project-listings.js';
export { applySessionEvent, type CatalogueSession } from './projection/session-state.js';
export { type CatalogueTopics, catalogueContracts, catalogueTopics } from './topics.js';
