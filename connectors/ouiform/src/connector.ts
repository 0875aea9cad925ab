import type { ServiceDefinition } from '@passerelle/runtime';
import { ouiformConfigSchema } from './config.js';
import { DECISION_RECORDS } from './follow-up/follow-up-step.js';
import { FollowUpStore } from './follow-up/follow-up-store.js';
import { PrescriberTokens } from './http/prescriber-tokens.js';
import { registerOuiformRoutes } from './http/routes.js';
import { REQUEST_PREFIX } from './prescriptions/prescription-request.js';
import { OuiformListing } from './sessions/session-search.js';
import { ouiformContracts, ouiformTopics } from './topics.js';
import { declareWebhookDelivery } from './webhooks/webhook-delivery.js';

export interface OuiformConnectorOptions {
  env?: NodeJS.ProcessEnv;
  clock?: () => Date;
}

/**
 * The Ouiform connector as a runnable. Two followers rebuild the prescribers' read model from Kafka at every start
 * (who prescribed what: positioning.requests; what happened: kairos.session-events), a third the OUIFORM listing
 * the search serves (catalogue.listings); a reply waiter gives
 * POST /prescriptions Kairos's decision; one managed consumer per webhook subscription delivers the follow-up.
 * Topic names come from `OUIFORM_TOPIC_PREFIX` in `env`, as the contracts must know them before start.
 */
export function ouiformConnector({
  env = process.env,
  clock = () => new Date(),
}: OuiformConnectorOptions = {}): ServiceDefinition<typeof ouiformConfigSchema> {
  return {
    name: 'connector-ouiform',
    contracts: ouiformContracts(env.OUIFORM_TOPIC_PREFIX ?? ''),
    configSchema: ouiformConfigSchema,
    setup({ config, bus, http, metrics }) {
      const topics = ouiformTopics(config.OUIFORM_TOPIC_PREFIX);
      const store = new FollowUpStore({ requestPrefix: REQUEST_PREFIX });
      const listing = new OuiformListing();
      bus.follow({
        name: 'ouiform.listing',
        topics: [topics.listings],
        fromBeginning: true,
        acceptKey: OuiformListing.isOurs,
        onEvent: (event) => listing.apply(event.key, event.value),
      });
      const prescriptions = bus.follow({
        name: 'ouiform.prescriptions',
        topics: [topics.positioning],
        fromBeginning: true,
        onEvent: (event) => store.applyPositioning(event),
      });
      bus.follow({
        name: 'ouiform.follow-up',
        topics: [topics.sessionEvents],
        fromBeginning: true,
        onEvent: (event) => store.applyKairos(event),
      });
      const replies = bus.replies({
        name: 'ouiform.decisions',
        topics: [topics.sessionEvents],
        correlate: (event) => {
          if (!DECISION_RECORDS.has(event.record ?? '')) return undefined;
          const requestId = (event.value as { requestId?: string | null }).requestId;
          return requestId?.startsWith(REQUEST_PREFIX) ? requestId : undefined;
        },
      });
      const deliveries = metrics.counter('ouiform_webhook_deliveries_total', 'Webhook delivery attempts', [
        'subscription',
        'outcome',
      ]);
      for (const subscription of config.OUIFORM_WEBHOOKS) {
        declareWebhookDelivery({
          bus,
          store,
          subscription,
          sessionEventsTopic: topics.sessionEvents,
          groupPrefix: config.OUIFORM_GROUP_PREFIX,
          maxRetries: config.OUIFORM_WEBHOOK_MAX_RETRIES,
          retryBaseMs: config.OUIFORM_WEBHOOK_RETRY_BASE_MS,
          retryMaxMs: config.OUIFORM_WEBHOOK_RETRY_MAX_MS,
          timeoutMs: config.OUIFORM_WEBHOOK_TIMEOUT_MS,
          deliveries,
        });
      }
      registerOuiformRoutes(http, {
        bus,
        store,
        prescriptions,
        listing,
        replies,
        tokens: new PrescriberTokens(config.OUIFORM_TOKENS),
        topics,
        journeySecret: config.JOURNEY_SECRET,
        decisionTimeoutMs: config.OUIFORM_DECISION_TIMEOUT_MS,
        clock,
      });
    },
  };
}
