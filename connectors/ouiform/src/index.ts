export { type OuiformConfig, ouiformConfigSchema, type WebhookSubscription } from './config.js';
export { ouiformConnector } from './connector.js';
export { decodeCursor, encodeCursor, type FeedCursor } from './follow-up/feed-cursor.js';
export { type FollowUpStage, type FollowUpStep, toFollowUpStep } from './follow-up/follow-up-step.js';
export {
  type FollowUpItem,
  FollowUpStore,
  ownerOf,
  type Prescriber,
  type PrescriptionView,
} from './follow-up/follow-up-store.js';
export { type PrescriberRole, PrescriberTokens } from './http/prescriber-tokens.js';
export {
  ELIGIBILITY_CHECKS,
  type PrescriptionRequest,
  REQUEST_PREFIX,
  requestIdFor,
  toPositioningRequested,
} from './prescriptions/prescription-request.js';
export { DEFAULT_TOPICS, ouiformContracts, ouiformTopics } from './topics.js';
export { signWebhook, verifyWebhook, WEBHOOK_HEADERS } from './webhooks/signature.js';
export type { WebhookPayload } from './webhooks/webhook-delivery.js';
