export { type KairosConfig, kairosConfigSchema } from './config.js';
export { type KairosConnectorOptions, kairosConnector } from './connector.js';
export type { Act, Command, Rejection } from './domain/commands.js';
export { type Decision, type DecisionContext, decide } from './domain/decide/index.js';
export { evolve, fold } from './domain/evolve.js';
export { decidePositioning, decideSessionWithdrawn, decideWithdrawal } from './domain/positioning.js';
export type { SessionAggregate } from './domain/state.js';
export { DEFAULT_TOPICS, type KairosTopics, kairosContracts, kairosTopics } from './topics.js';
