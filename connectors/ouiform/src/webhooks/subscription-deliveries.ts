import type { Bus, ManagedConsumer } from '@passerelle/bus';
import type { Logger } from '@passerelle/service-kit';
import type { SubscriptionChanges } from './subscription-changes.js';
import { signingSecrets, type WebhookSubscriptionRecord, type WebhookSubscriptions } from './subscriptions.js';
import { type WebhookDeliveryOptions, webhookConsumerSpec } from './webhook-delivery.js';

export interface SubscriptionDeliveriesOptions
  extends Omit<WebhookDeliveryOptions, 'subscription' | 'lifecycle' | 'bus'> {
  bus: Bus;
  subscriptions: WebhookSubscriptions;
  changes: SubscriptionChanges;
  secretKey: string;
  pauseAfter: number;
  log: Logger;
  clock: () => Date;
}

/**
 * Runs, in this instance, one delivery consumer per ACTIVE subscription made by API, following the subscriptions
 * topic: a creation or a resumption starts one (every instance joins its group, which shares the partitions out),
 * a pause or a deletion stops it. The group's committed offset is the cursor, so a resumed subscription goes on
 * where it stopped. Changes are applied one at a time, in topic order.
 */
export class SubscriptionDeliveries {
  readonly #options: SubscriptionDeliveriesOptions;
  readonly #running = new Map<string, { consumer: ManagedConsumer; stopping: () => void }>();
  #queue: Promise<void> = Promise.resolve();

  constructor(options: SubscriptionDeliveriesOptions) {
    this.#options = options;
    // Each change as it came (not the latest state): a pause then a resumption read together still stop the paused
    // consumer, then start a fresh one.
    options.subscriptions.onChange((subscription) => this.#enqueue(subscription));
  }

  /** Resolves once every change seen so far is applied (tests, shutdown). */
  settled(): Promise<void> {
    return this.#queue;
  }

  #enqueue(change: WebhookSubscriptionRecord) {
    this.#queue = this.#queue
      .then(() => this.#apply(change))
      .catch((error) =>
        this.#options.log.error({ err: error, subscription: change.subscriptionId }, 'webhook sync failed'),
      );
  }

  async #apply(change: WebhookSubscriptionRecord): Promise<void> {
    const { bus, log } = this.#options;
    const id = change.subscriptionId;
    const running = this.#running.get(id);
    if (change.state === 'ACTIVE' && !running) {
      let stopping: () => void = () => undefined;
      const stopped = new Promise<void>((resolve) => {
        stopping = resolve;
      });
      const consumer = await bus.addConsumer(this.#spec(change, stopped));
      this.#running.set(id, { consumer, stopping });
      log.info({ subscription: id }, 'webhook delivery started');
    } else if (change.state !== 'ACTIVE' && running) {
      this.#running.delete(id);
      // Stopping first (the bus then gives up the event in hand), then releasing a handler waiting to be stopped.
      const retired = bus.retire(running.consumer as ManagedConsumer<unknown>);
      running.stopping();
      await retired;
      log.info({ subscription: id, state: change.state }, 'webhook delivery stopped');
    }
  }

  #spec(subscription: WebhookSubscriptionRecord, stopping: Promise<void>) {
    const { subscriptions, changes, secretKey, clock } = this.#options;
    const id = subscription.subscriptionId;
    const latest = () => subscriptions.get(id) ?? subscription;
    return webhookConsumerSpec({
      ...this.#options,
      subscription: {
        id,
        organisation: subscription.organisation,
        network: subscription.network,
        url: subscription.url,
        // Read at each attempt: a rotation applies to the next delivery without a restart.
        secrets: () => signingSecrets(latest(), secretKey, clock()),
      },
      lifecycle: {
        active: () => latest().state === 'ACTIVE',
        attempted: (report) => changes.attempted(id, report),
        pauseAfter: this.#options.pauseAfter,
        pause: async (reason) => {
          const current = latest();
          if (current.state === 'ACTIVE') await changes.pause(current, reason);
        },
        stopping,
      },
    });
  }
}
