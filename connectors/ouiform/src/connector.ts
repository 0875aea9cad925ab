import type { ServiceDefinition } from '@passerelle/runtime';
import { ouiformConfigSchema } from './config.js';
import { DECISION_RECORDS } from './follow-up/follow-up-step.js';
import { FollowUpStore } from './follow-up/follow-up-store.js';
import { PrescriberTokens } from './http/prescriber-tokens.js';
import { registerOuiformRoutes } from './http/routes.js';
import { registerWebhookSubscriptionRoutes } from './http/webhook-routes.js';
import { REQUEST_PREFIX } from './prescriptions/prescription-request.js';
import { OuiformListing } from './sessions/session-search.js';
import { ouiformContracts, ouiformTopics } from './topics.js';
import { SubscriptionChanges } from './webhooks/subscription-changes.js';
import { SubscriptionDeliveries } from './webhooks/subscription-deliveries.js';
import {
  type DeliveryAttempt,
  type WebhookSubscriptionRecord,
  WebhookSubscriptions,
} from './webhooks/subscriptions.js';
import { declareWebhookDelivery, webhookGroupId } from './webhooks/webhook-delivery.js';

export interface OuiformConnectorOptions {
  env?: NodeJS.ProcessEnv;
  clock?: () => Date;
}

/**
 * The Ouiform connector as a runnable. Two followers rebuild the prescribers' read model from Kafka at every start
 * (who prescribed what: positioning.requests; what happened: kairos.session-events), a third the OUIFORM listing
 * the search serves (catalogue.listings); a reply waiter gives
 * POST /prescriptions Kairos's decision; one managed consumer per webhook subscription delivers the follow-up —
 * for a configured one from start, for one made by API while it is ACTIVE on the subscriptions topic (which every
 * instance follows, with the delivery log, so a change needs no restart).
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
    setup({ config, bus, http, metrics, log }) {
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
      const delivery = {
        bus,
        store,
        sessionEventsTopic: topics.sessionEvents,
        groupPrefix: config.OUIFORM_GROUP_PREFIX,
        maxRetries: config.OUIFORM_WEBHOOK_MAX_RETRIES,
        retryBaseMs: config.OUIFORM_WEBHOOK_RETRY_BASE_MS,
        retryMaxMs: config.OUIFORM_WEBHOOK_RETRY_MAX_MS,
        timeoutMs: config.OUIFORM_WEBHOOK_TIMEOUT_MS,
        deliveries,
      };
      for (const { secret, ...subscription } of config.OUIFORM_WEBHOOKS) {
        declareWebhookDelivery({ ...delivery, subscription: { ...subscription, secrets: () => [secret] } });
      }
      const subscriptions = new WebhookSubscriptions();
      const subscriptionsFollower = bus.follow({
        name: 'ouiform.webhook-subscriptions',
        topics: [topics.webhookSubscriptions],
        fromBeginning: true,
        onEvent: (event) => {
          if (event.value) subscriptions.apply(event.value as WebhookSubscriptionRecord);
        },
      });
      bus.follow({
        name: 'ouiform.webhook-deliveries',
        topics: [topics.webhookDeliveries],
        fromBeginning: true,
        onEvent: (event) => {
          if (event.value) subscriptions.recordAttempt(event.value as DeliveryAttempt);
        },
      });
      const changes = new SubscriptionChanges({
        bus,
        subscriptionsTopic: topics.webhookSubscriptions,
        deliveriesTopic: topics.webhookDeliveries,
        subscriptions,
        follower: subscriptionsFollower,
        rotationGraceMs: config.OUIFORM_WEBHOOK_ROTATION_GRACE_MS,
        sessionEventsTopic: topics.sessionEvents,
        groupIdOf: (id) => webhookGroupId(config.OUIFORM_GROUP_PREFIX, id),
        clock,
      });
      new SubscriptionDeliveries({
        ...delivery,
        subscriptions,
        changes,
        secretKey: config.OUIFORM_WEBHOOK_SECRET_KEY,
        pauseAfter: config.OUIFORM_WEBHOOK_PAUSE_AFTER,
        log,
        clock,
      });
      const tokens = new PrescriberTokens(config.OUIFORM_TOKENS);
      registerOuiformRoutes(http, {
        bus,
        store,
        prescriptions,
        listing,
        replies,
        tokens,
        topics,
        journeySecret: config.JOURNEY_SECRET,
        decisionTimeoutMs: config.OUIFORM_DECISION_TIMEOUT_MS,
        clock,
      });
      registerWebhookSubscriptionRoutes(http, {
        subscriptions,
        follower: subscriptionsFollower,
        changes,
        tokens,
        secretKey: config.OUIFORM_WEBHOOK_SECRET_KEY,
        allowLoopback: config.OUIFORM_WEBHOOK_ALLOW_LOOPBACK,
      });
    },
  };
}
