import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { WebhookDeliveryAttempted, WebhookSubscriptionChanged } from '@passerelle/schemas';
import { ownerOf } from '../follow-up/follow-up-store.js';

/** The webhook types a subscription may ask for: the calls of the OpenAPI `webhooks` (http/contract.ts). */
export const WEBHOOK_TYPES = ['prescription.follow-up'] as const;

export type WebhookSubscriptionRecord = WebhookSubscriptionChanged;
export type DeliveryAttempt = WebhookDeliveryAttempted;

/** Recent attempts kept per subscription for GET …/deliveries (the topic keeps a week). */
const DELIVERY_LOG_SIZE = 100;

/** A fresh subscription id: it names a consumer group, so it stays short and plain. */
export const newSubscriptionId = () => `wh-${randomBytes(12).toString('hex')}`;

/**
 * The id of a subscription created with an Idempotency-Key: the same key of the same organisation gives the same
 * id, so a retried POST finds what the first one created on any instance.
 */
export const subscriptionIdFor = (owner: string, idempotencyKey: string) =>
  `wh-${createHash('sha256')
    .update(JSON.stringify([owner, idempotencyKey]))
    .digest('hex')
    .slice(0, 24)}`;

export const newNonce = () => randomBytes(16).toString('base64url');

/**
 * A subscription's signing secret: HMAC of the deployment's key over the subscription id and a nonce kept on the
 * topic. The topic (and whoever reads it) holds no secret; every instance derives the same one; a rotation is a
 * new nonce. `whsec_` tells a reader of a configuration file what it is.
 */
export const secretOf = (key: string, subscriptionId: string, nonce: string) =>
  `whsec_${createHmac('sha256', key).update(`${subscriptionId}.${nonce}`, 'utf8').digest('base64url')}`;

/**
 * The subscriptions made by API and their recent deliveries, as every instance rebuilds them from the two topics
 * (followers from the beginning): the last state of each subscription, and the last attempts of each.
 */
export class WebhookSubscriptions {
  readonly #subscriptions = new Map<string, WebhookSubscriptionRecord>();
  readonly #deliveries = new Map<string, DeliveryAttempt[]>();
  readonly #listeners: ((subscription: WebhookSubscriptionRecord) => void)[] = [];

  apply(subscription: WebhookSubscriptionRecord): void {
    this.#subscriptions.set(subscription.subscriptionId, subscription);
    if (subscription.state === 'DELETED') this.#deliveries.delete(subscription.subscriptionId);
    for (const listener of this.#listeners) listener(subscription);
  }

  recordAttempt(attempt: DeliveryAttempt): void {
    if (this.#subscriptions.get(attempt.subscriptionId)?.state === 'DELETED') return;
    const log = this.#deliveries.get(attempt.subscriptionId) ?? [];
    log.push(attempt);
    if (log.length > DELIVERY_LOG_SIZE) log.splice(0, log.length - DELIVERY_LOG_SIZE);
    this.#deliveries.set(attempt.subscriptionId, log);
  }

  /** Called with every change, in topic order (the delivery manager starts and stops consumers on it). */
  onChange(listener: (subscription: WebhookSubscriptionRecord) => void): void {
    this.#listeners.push(listener);
  }

  get(subscriptionId: string): WebhookSubscriptionRecord | undefined {
    return this.#subscriptions.get(subscriptionId);
  }

  /** An organisation's subscriptions (deleted ones left out), oldest first. */
  ownedBy(owner: string): WebhookSubscriptionRecord[] {
    return [...this.#subscriptions.values()]
      .filter((subscription) => subscription.state !== 'DELETED' && ownerOf(subscription) === owner)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** The recent attempts, newest first. */
  deliveries(subscriptionId: string, limit: number): DeliveryAttempt[] {
    return (this.#deliveries.get(subscriptionId) ?? []).slice(-limit).reverse();
  }
}

/** The secrets a delivery signs with now: the current one, and the previous one until its grace period ends. */
export function signingSecrets(subscription: WebhookSubscriptionRecord, key: string, now: Date): string[] {
  const current = secretOf(key, subscription.subscriptionId, subscription.secretNonce);
  const { previousSecretNonce, previousSecretUntil } = subscription;
  if (previousSecretNonce && previousSecretUntil && previousSecretUntil.getTime() > now.getTime()) {
    return [current, secretOf(key, subscription.subscriptionId, previousSecretNonce)];
  }
  return [current];
}
