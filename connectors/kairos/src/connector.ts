import type { ServiceDefinition } from '@passerelle/runtime';
import { journeyIdFor, type KairosCommandOutcome } from '@passerelle/schemas';
import { kairosConfigSchema } from './config.js';
import { declareSessionWriter } from './consumer/session-writer.js';
import { OfTokens } from './http/auth.js';
import { CommandGateway } from './http/commands.js';
import { registerKairosRoutes } from './http/routes.js';
import { SessionReadModel } from './read-model.js';
import { kairosContracts, kairosTopics } from './topics.js';

export interface KairosConnectorOptions {
  env?: NodeJS.ProcessEnv;
  /** The clock decisions use (tests move it to put an appointment in the past). */
  clock?: () => Date;
}

/**
 * The Kairos connector as a runnable: the single writer of each session (consumer), the read model every instance
 * serves, and the OF API routing acts to the writer. Topic names come from `KAIROS_TOPIC_PREFIX` in `env`, as the
 * contracts must know them before start.
 */
export function kairosConnector({
  env = process.env,
  clock = () => new Date(),
}: KairosConnectorOptions = {}): ServiceDefinition<typeof kairosConfigSchema> {
  const prefix = env.KAIROS_TOPIC_PREFIX ?? '';
  return {
    name: 'connector-kairos',
    contracts: kairosContracts(prefix),
    configSchema: kairosConfigSchema,
    setup({ config, bus, http }) {
      const topics = kairosTopics(config.KAIROS_TOPIC_PREFIX);
      declareSessionWriter({
        bus,
        topics,
        groupId: config.KAIROS_GROUP_ID,
        clock,
        journeyIdOf: (deIdentifier, sessionKey) => journeyIdFor(config.JOURNEY_SECRET, deIdentifier, sessionKey),
      });
      const readModel = new SessionReadModel(bus, topics);
      const retainMs = 10 * 60_000;
      const replies = bus.replies({
        name: 'kairos.command-outcomes',
        topics: [topics.outcomes],
        correlate: (event) => (event.value as KairosCommandOutcome | null)?.commandId,
        retainMs,
      });
      const gateway = new CommandGateway({
        bus,
        topics,
        replies,
        readModel,
        timeoutMs: config.KAIROS_COMMAND_TIMEOUT_MS,
        retainMs,
      });
      registerKairosRoutes(http, { tokens: new OfTokens(config.KAIROS_TOKENS), gateway, readModel, clock });
    },
  };
}
