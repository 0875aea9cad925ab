export { sofiConfigSchema, sofiConnector } from './connector.js';
export { type ImportOptions, type ImportReport, OFFER_TOPIC, OfferImporter } from './import/offer-importer.js';
export { DROP_SUBDIRS, type DropFolder, type DropFolderOptions, watchDropFolder } from './inbound/drop-folder.js';
export {
  LastImport,
  LHEO_REJECTED,
  registerUploadRoutes,
  UPLOAD_MEDIA_TYPES,
  type UploadRoutesOptions,
} from './inbound/http-upload.js';
export type { Issue } from './issue.js';
export type { LheoEncoding } from './lheo/encoding.js';
export { childNamed, childrenNamed, descendant, type LheoNode, pathOf } from './lheo/lheo-node.js';
export { DEFAULT_LHEO_LIMITS, type LheoLimits } from './lheo/limits.js';
export {
  type ByteSource,
  LHEO_NAMESPACES,
  type LheoParseHandlers,
  type LheoParseOptions,
  type LheoParseResult,
  type LheoVersion,
  parseLheo,
} from './lheo/parse-lheo.js';
export { canonicalJson, contentHashOf } from './mapping/content-hash.js';
export { exportedAtOf } from './mapping/exported-at.js';
export { type PartialDate, parseLheoDate, parseLheoTime } from './mapping/lheo-date.js';
export { type FindingSink, type MappedSession, type MappingContext, mapFormation } from './mapping/map-formation.js';
export type * from './mapping/offer-session.js';
export { cleanText, decodeHtmlEntities, plainText, type TextLayout } from './mapping/text.js';
export { offerContracts } from './offer-contracts.js';
export {
  type LheoReport,
  type ReadOfferSessionsOptions,
  readOfferSessions,
  type SessionKeyRegister,
  sessionKeyRegister,
} from './read-offer-sessions.js';
