import type { ServiceDefinition } from '@passerelle/runtime';
import { journeyIdFor, type KairosCommandOutcome } from '@passerelle/schemas';
import { kairosConfigSchema } from './config.js';
import { type DeadlineSweep, deadlineSweep } from './consumer/deadline-sweep.js';
import { declareSessionWriter } from './consumer/session-writer.js';
import { AdviserTokens, OfTokens } from './http/auth.js';
import { CommandGateway } from './http/commands.js';
import { registerKairosRoutes } from './http/routes.js';
import { SessionReadModel } from './read-model.js';
import { kairosContracts, kairosTopics } from './topics.js';

export interface KairosConnectorOptions {
  env?: NodeJS.ProcessEnv;
  /** The clock decisions use (tests move it to put an appointment in the past). */
  clock?: () => Date;
  /** Receives the deadline sweep once set up (tests trigger it instead of waiting for its interval). */
  onSweep?: (sweep: DeadlineSweep) => void;
}

/**
 * The Kairos connector as a runnable: the single writer of each session (consumer), the read model every instance
 * serves, the OF API routing acts to the writer, and the deadline sweep sending it the acts time brings. Topic names come from `KAIROS_TOPIC_PREFIX` in `env`, as the
 * contracts must know them before start.
 */
export function kairosConnector({
  env = process.env,
  clock = () => new Date(),
  onSweep,
}: KairosConnectorOptions = {}): ServiceDefinition<typeof kairosConfigSchema> {
  const prefix = env.KAIROS_TOPIC_PREFIX ?? '';
  return {
    name: 'connector-kairos',
    contracts: kairosContracts(prefix),
    configSchema: kairosConfigSchema,
    setup({ config, bus, http, log }) {
      const topics = kairosTopics(config.KAIROS_TOPIC_PREFIX);
      const writer = declareSessionWriter({
        bus,
        topics,
        groupId: config.KAIROS_GROUP_ID,
        clock,
        journeyIdOf: (deIdentifier, sessionKey) => journeyIdFor(config.JOURNEY_SECRET, deIdentifier, sessionKey),
      });
      const readModel = new SessionReadModel(bus, topics);
      const sweep = deadlineSweep({
        bus,
        topics,
        readModel,
        writer,
        clock,
        intervalMs: config.KAIROS_DEADLINE_SWEEP_INTERVAL_MS,
        log: log.child({ component: 'deadline-sweep' }),
      });
      http.addHook('onReady', async () => sweep.start());
      http.addHook('onClose', async () => sweep.stop());
      onSweep?.(sweep);
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
      registerKairosRoutes(http, {
        tokens: new OfTokens(config.KAIROS_TOKENS),
        advisers: new AdviserTokens(config.KAIROS_ADVISER_TOKENS),
        gateway,
        readModel,
        clock,
      });
    },
  };
}
