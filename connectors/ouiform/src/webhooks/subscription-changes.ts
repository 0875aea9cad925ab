import { createHash, randomUUID } from 'node:crypto';
import type { Bus, Follower } from '@passerelle/bus';
import type { Actor, PrescriberNetwork } from '@passerelle/schemas';
import { newNonce, type WebhookSubscriptionRecord, type WebhookSubscriptions } from './subscriptions.js';
import type { AttemptReport } from './webhook-delivery.js';

export interface SubscriptionChangesOptions {
  bus: Bus;
  /** ouiform.webhook-subscriptions and ouiform.webhook-deliveries (with the file's prefix). */
  subscriptionsTopic: string;
  deliveriesTopic: string;
  subscriptions: WebhookSubscriptions;
  /** The follower of the subscriptions topic: an answer waits until this instance has read its own change. */
  follower: Follower;
  rotationGraceMs: number;
  /** A new subscription's delivery group starts at this topic's end: what happens after the 201. */
  sessionEventsTopic: string;
  groupIdOf: (subscriptionId: string) => string;
  clock: () => Date;
}

export interface Owner {
  organisation: string;
  network: PrescriberNetwork;
}

const SYSTEM: Actor = { kind: 'SYSTEM', siret: null, organisationName: null, prescriberNetwork: null, channel: null };
const prescriberActor = (owner: Owner): Actor => ({
  kind: 'PRESCRIBER',
  siret: null,
  organisationName: owner.organisation,
  prescriberNetwork: owner.network,
  channel: 'OUIFORM',
});

/** A digest of a client's Idempotency-Key: the topic keeps what recognises a retry, not the client's string. */
export const keyDigest = (idempotencyKey: string) =>
  createHash('sha256').update(idempotencyKey, 'utf8').digest('base64url');

/**
 * Every change of a subscription made by API, written as its whole new state on the compacted subscriptions topic
 * (the last record of a key is the subscription), and the delivery log. Each change resolves once this instance's
 * follower has read it back, so the answer and any later read agree (read-your-writes).
 */
export class SubscriptionChanges {
  readonly #options: SubscriptionChangesOptions;

  constructor(options: SubscriptionChangesOptions) {
    this.#options = options;
  }

  async create(
    subscriptionId: string,
    owner: Owner,
    request: { url: string; eventTypes: string[] },
    idempotencyKey?: string,
  ): Promise<WebhookSubscriptionRecord> {
    // Before the subscription exists: its consumer, whenever and wherever it starts, delivers every step after now.
    await this.#options.bus.startGroupAtEnd(this.#options.groupIdOf(subscriptionId), [
      this.#options.sessionEventsTopic,
    ]);
    const now = this.#options.clock();
    return this.#write({
      envelope: this.#envelope(subscriptionId, 'created', prescriberActor(owner), now),
      subscriptionId,
      organisation: owner.organisation,
      network: owner.network,
      url: request.url,
      eventTypes: request.eventTypes,
      state: 'ACTIVE',
      secretNonce: newNonce(),
      previousSecretNonce: null,
      previousSecretUntil: null,
      createdAt: now,
      pausedReason: null,
      idempotencyKey: idempotencyKey === undefined ? null : keyDigest(idempotencyKey),
    });
  }

  /** A new secret; the current one still signs for the grace period. `nonce`: derived from an Idempotency-Key. */
  rotate(current: WebhookSubscriptionRecord, owner: Owner, nonce = newNonce()): Promise<WebhookSubscriptionRecord> {
    const now = this.#options.clock();
    return this.#write({
      ...current,
      envelope: this.#envelope(current.subscriptionId, 'secret-rotated', prescriberActor(owner), now),
      secretNonce: nonce,
      previousSecretNonce: current.secretNonce,
      previousSecretUntil: new Date(now.getTime() + this.#options.rotationGraceMs),
    });
  }

  pause(current: WebhookSubscriptionRecord, reason: string): Promise<WebhookSubscriptionRecord> {
    return this.#write({
      ...current,
      envelope: this.#envelope(current.subscriptionId, 'paused', SYSTEM, this.#options.clock()),
      state: 'PAUSED',
      pausedReason: reason,
    });
  }

  resume(current: WebhookSubscriptionRecord, owner: Owner): Promise<WebhookSubscriptionRecord> {
    return this.#write({
      ...current,
      envelope: this.#envelope(current.subscriptionId, 'resumed', prescriberActor(owner), this.#options.clock()),
      state: 'ACTIVE',
      pausedReason: null,
    });
  }

  delete(current: WebhookSubscriptionRecord, owner: Owner): Promise<WebhookSubscriptionRecord> {
    return this.#write({
      ...current,
      envelope: this.#envelope(current.subscriptionId, 'deleted', prescriberActor(owner), this.#options.clock()),
      state: 'DELETED',
    });
  }

  /** One line of the delivery log (keyed by subscription: its attempts stay in order). */
  async attempted(subscriptionId: string, report: AttemptReport): Promise<void> {
    const now = this.#options.clock();
    await this.#options.bus.publish([
      {
        topic: this.#options.deliveriesTopic,
        key: subscriptionId,
        record: 'fr.passerelle.ouiform.WebhookDeliveryAttempted',
        value: {
          envelope: {
            ...this.#envelope(subscriptionId, `delivery:${report.webhookId}:${report.attempt}`, SYSTEM, now),
            causationId: report.webhookId,
          },
          subscriptionId,
          ...report,
        },
      },
    ]);
  }

  #envelope(subscriptionId: string, change: string, actor: Actor, now: Date) {
    return {
      eventId: `ouiform:webhook:${subscriptionId}:${change}:${randomUUID()}`,
      occurredAt: now,
      recordedAt: now,
      actor,
      sourceSystem: 'OUIFORM' as const,
      correlationId: subscriptionId,
      causationId: null,
    };
  }

  async #write(next: WebhookSubscriptionRecord): Promise<WebhookSubscriptionRecord> {
    const { bus, subscriptionsTopic, subscriptions, follower } = this.#options;
    await bus.publish([
      {
        topic: subscriptionsTopic,
        key: next.subscriptionId,
        record: 'fr.passerelle.ouiform.WebhookSubscriptionChanged',
        value: next,
      },
    ]);
    const eventId = next.envelope.eventId;
    // Read back: once this instance's follower is past the change, every later read here agrees with the answer.
    const read = await follower.find(() => {
      const found = subscriptions.get(next.subscriptionId);
      return found?.envelope.eventId === eventId ? found : undefined;
    });
    return read?.envelope.eventId === eventId ? read : next;
  }
}
