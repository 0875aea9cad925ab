import type { Bus, ManagedConsumer } from '@passerelle/bus';
import { type CounterMetric, RetriableError } from '@passerelle/service-kit';
import type { WebhookSubscription } from '../config.js';
import { type FollowUpItem, type FollowUpStore, ownerOf } from '../follow-up/follow-up-store.js';
import { signWebhook, WEBHOOK_HEADERS } from './signature.js';

export interface WebhookDeliveryOptions {
  bus: Bus;
  store: FollowUpStore;
  subscription: WebhookSubscription;
  sessionEventsTopic: string;
  groupPrefix: string;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  deliveries: CounterMetric<'subscription' | 'outcome'>;
  /** How long a handler waits for the read model to settle the event it delivers (then it retries). */
  settleTimeoutMs?: number;
}

/** The JSON a receiver gets: one follow-up step of one of its organisation's prescriptions. */
export interface WebhookPayload {
  type: 'prescription.follow-up';
  subscriptionId: string;
  item: FollowUpItem;
}

/**
 * One subscription's deliveries: a managed consumer of kairos.session-events in its own group, so the group's
 * committed offset is the delivery cursor — a restart resumes after the last delivered batch, neither losing nor
 * replaying the history — and one slow receiver never holds back another. For each Kairos event, the read model
 * says which steps it made for the subscriber's organisation; each is POSTed signed, in partition order.
 *
 * At-least-once: the POST happens before the batch's offsets commit, so a crash in between delivers again; the
 * webhook id (the Kairos event id) lets the receiver deduplicate. A failure (network, timeout, non-2xx) is
 * retriable: the consumer retries with capped exponential backoff and full jitter, holding the partition's later
 * events back to keep the order, and after `maxRetries` moves the event to the group's dead-letter topic (with
 * the error) for ops to replay, and goes on. The pull feed still serves it meanwhile.
 */
export function declareWebhookDelivery(options: WebhookDeliveryOptions): ManagedConsumer {
  const { bus, store, subscription, deliveries } = options;
  const owner = ownerOf(subscription);
  const settleTimeoutMs = options.settleTimeoutMs ?? 15_000;
  return bus.consumer({
    name: `ouiform.webhook.${subscription.id}`,
    groupId: `${options.groupPrefix}.webhook.${subscription.id}`,
    topics: [options.sessionEventsTopic],
    // A new subscription starts with what happens from now on; the pull feed has the history.
    fromBeginning: false,
    maxRetries: options.maxRetries,
    retryBaseMs: options.retryBaseMs,
    retryMaxMs: options.retryMaxMs,
    async handle(event, context) {
      const produced = await store.settledItems(event.partition, BigInt(event.offset), settleTimeoutMs);
      if (produced === undefined) {
        throw new RetriableError(
          'OUIFORM_FOLLOW_UP_NOT_SETTLED',
          'the follow-up read model has not settled this event',
        );
      }
      for (const { item } of produced.filter((stored) => stored.owner === owner)) {
        try {
          await post(subscription, item, options.timeoutMs);
          deliveries.inc({ subscription: subscription.id, outcome: 'delivered' });
        } catch (error) {
          deliveries.inc({ subscription: subscription.id, outcome: 'failed' });
          context.log.info({ subscription: subscription.id, eventId: item.eventId }, 'webhook delivery failed');
          throw error;
        }
      }
    },
  });
}

async function post(subscription: WebhookSubscription, item: FollowUpItem, timeoutMs: number): Promise<void> {
  const payload: WebhookPayload = { type: 'prescription.follow-up', subscriptionId: subscription.id, item };
  const body = JSON.stringify(payload);
  const timestamp = Math.floor(Date.now() / 1000);
  let status: number;
  try {
    const response = await fetch(subscription.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [WEBHOOK_HEADERS.id]: item.eventId,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signWebhook(subscription.secret, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    await response.body?.cancel();
  } catch (error) {
    throw new RetriableError('OUIFORM_WEBHOOK_UNREACHABLE', 'the webhook receiver did not answer', { cause: error });
  }
  if (status < 200 || status >= 300) {
    throw new RetriableError('OUIFORM_WEBHOOK_REFUSED', `the webhook receiver answered ${status}`);
  }
}
