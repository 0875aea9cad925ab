export { backoffDelay } from './backoff.js';
export { Bus, type BusOptions } from './bus.js';
export { type BusConfig, busConfigSchema } from './config.js';
export { ManagedConsumer } from './consumer.js';
export type {
  ConsumedEvent,
  ConsumerSpec,
  ConsumerState,
  ConsumerStatus,
  HandlerContext,
  RestartPolicy,
} from './consumer-spec.js';
export {
  type Contracts,
  deadLetterTopicFor,
  type RecordContract,
  subjectFor,
  type TopicContract,
} from './contracts.js';
export {
  type ActionResult,
  DEAD_LETTER_ACTIONS_TOPIC,
  type DeadLetterAction,
  type DeadLetterEntry,
  type DeadLetterStatus,
  DeadLetters,
  type DeadLetterTopicSummary,
  maskPersonalData,
} from './dead-letters.js';
export { Follower, type FollowSpec, Replies, type RepliesSpec } from './follower.js';
export {
  CONSUMER_ACTIONS,
  type ConsumerAction,
  consumerGroupLag,
  describeTopics,
  type PartitionLag,
  type RegisteredSubject,
  RegistryCatalogue,
  type TopicDescription,
} from './ops.js';
export type { PartitionStates, StateEvent, StateSpec } from './partition-state.js';
export { type OutgoingEvent, type PublishTransaction, RECORD_HEADER } from './publisher.js';
export type { SchemaRegistryGateway } from './registry.js';
export { ensureTopics, type TopicSpec } from './topics.js';
