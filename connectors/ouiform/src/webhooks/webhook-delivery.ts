import { performance } from 'node:perf_hooks';
import type { Bus, ConsumerSpec, ManagedConsumer } from '@passerelle/bus';
import type { PrescriberNetwork } from '@passerelle/schemas';
import { type CounterMetric, errorCodeOf, RetriableError } from '@passerelle/service-kit';
import { type FollowUpItem, type FollowUpStore, ownerOf } from '../follow-up/follow-up-store.js';
import { signWebhookWith, WEBHOOK_HEADERS } from './signature.js';

/** Where and how one subscription's deliveries go: from the configuration or from the subscriptions topic. */
export interface DeliveryTarget {
  id: string;
  organisation: string;
  network: PrescriberNetwork;
  url: string;
  /** The secrets to sign with now (the current one first; the previous one too during a rotation's grace). */
  secrets(): readonly string[];
}

/** One attempt as the delivery log records it: no payload, no personal data. */
export interface AttemptReport {
  webhookId: string;
  attempt: number;
  outcome: 'DELIVERED' | 'FAILED' | 'DEAD_LETTERED' | 'PAUSED';
  statusCode: number | null;
  errorCode: string | null;
  latencyMs: number;
  nextRetryBefore: Date | null;
}

/**
 * What a subscription made by API adds to the configured ones: a delivery log, and a pause after `pauseAfter`
 * consecutive failed attempts instead of retrying for ever.
 */
export interface DeliveryLifecycle {
  /** False once the subscription is paused or deleted: the consumer delivers nothing more and is about to stop. */
  active(): boolean;
  attempted(report: AttemptReport): Promise<void>;
  pauseAfter: number;
  pause(reason: string): Promise<void>;
  /** Resolves when the manager starts stopping this consumer (after a pause or a deletion reached it). */
  stopping: Promise<void>;
}

/** At most this long a paused consumer's handler waits to be stopped before it lets the bus retry (a safety net). */
const STOPPING_WAIT_MS = 30_000;

/**
 * Waits until the consumer is being stopped: the bus then gives the event in hand up uncommitted instead of spending
 * its retries on it (and dead-lettering it), so a resumption delivers it.
 */
async function untilStopping(lifecycle: DeliveryLifecycle): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    lifecycle.stopping,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOPPING_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
}

export interface WebhookDeliveryOptions {
  bus: Bus;
  store: FollowUpStore;
  subscription: DeliveryTarget;
  lifecycle?: DeliveryLifecycle;
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
/** The consumer group of a subscription's deliveries: its committed offset is the delivery cursor. */
export const webhookGroupId = (groupPrefix: string, subscriptionId: string) =>
  `${groupPrefix}.webhook.${subscriptionId}`;

export function declareWebhookDelivery(options: WebhookDeliveryOptions): ManagedConsumer {
  return options.bus.consumer(webhookConsumerSpec(options));
}

/**
 * A subscription made by API pauses after `pauseAfter` consecutive failed attempts (across events): the failing
 * event is not dead-lettered but given up uncommitted when the paused consumer stops, so a resumption delivers it
 * first, then what happened meanwhile (the group's cursor waited).
 */
export function webhookConsumerSpec(options: WebhookDeliveryOptions): ConsumerSpec {
  const { store, subscription, deliveries, lifecycle } = options;
  const owner = ownerOf(subscription);
  const settleTimeoutMs = options.settleTimeoutMs ?? 15_000;
  let consecutiveFailures = 0;
  // Set when this consumer paused the subscription: its retries send nothing until the consumer stops.
  let halted = false;
  return {
    name: `ouiform.webhook.${subscription.id}`,
    groupId: webhookGroupId(options.groupPrefix, subscription.id),
    topics: [options.sessionEventsTopic],
    // A new subscription starts with what happens from now on; the pull feed has the history.
    fromBeginning: false,
    maxRetries: options.maxRetries,
    retryBaseMs: options.retryBaseMs,
    retryMaxMs: options.retryMaxMs,
    async handle(event, context) {
      // Paused or deleted: nothing more is sent; the bus gives the event up uncommitted once the consumer stops.
      if (lifecycle && (halted || !lifecycle.active())) {
        await untilStopping(lifecycle);
        throw new RetriableError('OUIFORM_WEBHOOK_PAUSED', 'the subscription is paused or deleted');
      }
      const produced = await store.settledItems(event.partition, BigInt(event.offset), settleTimeoutMs);
      if (produced === undefined) {
        throw new RetriableError(
          'OUIFORM_FOLLOW_UP_NOT_SETTLED',
          'the follow-up read model has not settled this event',
        );
      }
      for (const { item } of produced.filter((stored) => stored.owner === owner)) {
        const started = performance.now();
        const report = (outcome: AttemptReport['outcome'], statusCode: number | null, error?: unknown) =>
          lifecycle?.attempted({
            webhookId: item.eventId,
            attempt: context.attempt + 1,
            outcome,
            statusCode,
            errorCode: error === undefined ? null : errorCodeOf(error),
            latencyMs: Math.round(performance.now() - started),
            nextRetryBefore:
              outcome === 'FAILED'
                ? new Date(Date.now() + Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** context.attempt))
                : null,
          });
        try {
          const status = await post(subscription, item, options.timeoutMs);
          consecutiveFailures = 0;
          deliveries.inc({ subscription: subscription.id, outcome: 'delivered' });
          await report('DELIVERED', status);
        } catch (error) {
          consecutiveFailures += 1;
          deliveries.inc({ subscription: subscription.id, outcome: 'failed' });
          context.log.info({ subscription: subscription.id, eventId: item.eventId }, 'webhook delivery failed');
          const statusCode = (error as { statusCode?: number }).statusCode ?? null;
          if (lifecycle && consecutiveFailures >= lifecycle.pauseAfter) {
            halted = true;
            await report('PAUSED', statusCode, error);
            await lifecycle.pause(`${errorCodeOf(error)} after ${consecutiveFailures} consecutive failed attempts`);
            await untilStopping(lifecycle);
          } else {
            await report(context.attempt >= options.maxRetries ? 'DEAD_LETTERED' : 'FAILED', statusCode, error);
          }
          throw error;
        }
      }
    },
  };
}

/** POSTs one step signed; its status when 2xx, else a retriable error (with the status when there was one). */
async function post(subscription: DeliveryTarget, item: FollowUpItem, timeoutMs: number): Promise<number> {
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
        [WEBHOOK_HEADERS.signature]: signWebhookWith(subscription.secrets(), timestamp, body),
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
    throw Object.assign(new RetriableError('OUIFORM_WEBHOOK_REFUSED', `the webhook receiver answered ${status}`), {
      statusCode: status,
    });
  }
  return status;
}
