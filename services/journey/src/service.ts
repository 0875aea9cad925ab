import { GrantBook } from '@passerelle/access';
import type { Contracts } from '@passerelle/bus';
import type { ServiceDefinition } from '@passerelle/runtime';
import { journeyConfigSchema } from './config.js';
import { JourneyTokens } from './http/auth.js';
import { registerJourneyRoutes } from './http/routes.js';
import { declareJourneyFolder } from './journey-folder.js';
import { JourneyReadModel } from './read-model.js';
import { type VigilanceSweep, vigilanceSweep } from './sweep.js';
import { journeyContracts, journeyTopics } from './topics.js';

export interface JourneyServiceOptions {
  env?: NodeJS.ProcessEnv;
  /** The clock of the files under watch (tests move it past a deadline). */
  clock?: () => Date;
  /** Receives the sweep once set up (tests trigger it instead of waiting for its interval). */
  onSweep?: (sweep: VigilanceSweep) => void;
  /**
   * The event contracts this build reads (default: the catalogue's, behind `JOURNEY_TOPIC_PREFIX`). A test stands
   * in an older build with fewer records, to show an event from a newer producer dead-lettered, then handled once
   * the service is upgraded and the dead letter replayed.
   */
  contracts?: Contracts;
}

/**
 * The journey service as a runnable: the folder (owner of each session's journeys, publishing `journey.status`),
 * the read model every instance serves from, the vigilance sweep, and the HTTP API. Topic names come from
 * `JOURNEY_TOPIC_PREFIX` in `env`, as the contracts must know them before start.
 */
export function journeyService({
  env = process.env,
  clock = () => new Date(),
  onSweep,
  contracts = journeyContracts(env.JOURNEY_TOPIC_PREFIX ?? ''),
}: JourneyServiceOptions = {}): ServiceDefinition<typeof journeyConfigSchema> {
  return {
    name: 'service-journey',
    contracts,
    configSchema: journeyConfigSchema,
    setup({ config, bus, http, log }) {
      const topics = journeyTopics(config.JOURNEY_TOPIC_PREFIX);
      const folder = declareJourneyFolder({ bus, topics, groupId: config.JOURNEY_GROUP_ID });
      const readModel = new JourneyReadModel(bus, topics.status);
      // Who may call: the grants an account manager sets through the admin, followed without restart.
      const grants = new GrantBook(bus, topics.grants);
      const sweep = vigilanceSweep({
        bus,
        topics,
        readModel,
        folder,
        clock,
        intervalMs: config.JOURNEY_SWEEP_INTERVAL_MS,
        log: log.child({ component: 'vigilance-sweep' }),
      });
      http.addHook('onReady', async () => sweep.start());
      http.addHook('onClose', async () => sweep.stop());
      onSweep?.(sweep);
      registerJourneyRoutes(http, {
        tokens: new JourneyTokens(config, grants, log.child({ component: 'access' })),
        readModel,
        bus,
        topics,
        secret: config.JOURNEY_SECRET,
        erasureTimeoutMs: config.JOURNEY_ERASURE_TIMEOUT_MS,
      });
    },
  };
}
