import { fixtures } from '@passerelle/schemas/fixtures';
import { describe, expect, it } from 'vitest';
import { secretOf, signingSecrets, subscriptionIdFor, WebhookSubscriptions } from './subscriptions.js';

const KEY = 'unit-test-webhook-secret-key-000000000000';
const example = fixtures['fr.passerelle.ouiform.WebhookSubscriptionChanged'];
const attempt = fixtures['fr.passerelle.ouiform.WebhookDeliveryAttempted'];

describe('webhook subscriptions', () => {
  it('when a secret is derived, then it depends on the key, the id and the nonce, and the nonce alone says nothing', () => {
    const secret = secretOf(KEY, 'wh-1', 'nonce-1');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(secretOf(KEY, 'wh-1', 'nonce-1')).toBe(secret);
    expect(secretOf(`${KEY}x`, 'wh-1', 'nonce-1')).not.toBe(secret);
    expect(secretOf(KEY, 'wh-2', 'nonce-1')).not.toBe(secret);
    expect(secretOf(KEY, 'wh-1', 'nonce-2')).not.toBe(secret);
    expect(secret).not.toContain('nonce-1');
  });

  it('when rotated, then the previous secret signs until the grace period ends, and only then', () => {
    const until = new Date('2026-04-03T09:00:00Z');
    const rotated = { ...example, secretNonce: 'new', previousSecretNonce: 'old', previousSecretUntil: until };
    const [current, previous] = [
      secretOf(KEY, example.subscriptionId, 'new'),
      secretOf(KEY, example.subscriptionId, 'old'),
    ];
    expect(signingSecrets(rotated, KEY, new Date(until.getTime() - 1))).toEqual([current, previous]);
    expect(signingSecrets(rotated, KEY, until)).toEqual([current]);
    expect(signingSecrets(example, KEY, until)).toEqual([secretOf(KEY, example.subscriptionId, example.secretNonce)]);
  });

  it('when the same organisation retries with the same Idempotency-Key, then the id is the same; another organisation gets another', () => {
    const id = subscriptionIdFor('MISSION_LOCALE:ML-NANTES', 'key-1');
    expect(id).toMatch(/^wh-[0-9a-f]{24}$/);
    expect(subscriptionIdFor('MISSION_LOCALE:ML-NANTES', 'key-1')).toBe(id);
    expect(subscriptionIdFor('FRANCE_TRAVAIL:FT-PARIS', 'key-1')).not.toBe(id);
  });

  it('when changes and attempts are applied, then an organisation lists its own live subscriptions and the newest attempts first', () => {
    const subscriptions = new WebhookSubscriptions();
    const seen: string[] = [];
    subscriptions.onChange((change) => seen.push(`${change.subscriptionId}:${change.state}`));
    subscriptions.apply(example);
    subscriptions.apply({
      ...example,
      subscriptionId: 'wh-other',
      organisation: 'FT-PARIS',
      network: 'FRANCE_TRAVAIL',
    });
    subscriptions.recordAttempt(attempt);
    subscriptions.recordAttempt({ ...attempt, attempt: 2, outcome: 'DELIVERED', statusCode: 204 });
    expect(subscriptions.ownedBy('MISSION_LOCALE:ML-NANTES').map((s) => s.subscriptionId)).toEqual([
      example.subscriptionId,
    ]);
    expect(subscriptions.deliveries(example.subscriptionId, 10).map((a) => a.attempt)).toEqual([2, 1]);
    expect(subscriptions.deliveries(example.subscriptionId, 1).map((a) => a.attempt)).toEqual([2]);

    subscriptions.apply({ ...example, state: 'DELETED' });
    expect(subscriptions.ownedBy('MISSION_LOCALE:ML-NANTES')).toEqual([]);
    expect(subscriptions.deliveries(example.subscriptionId, 10)).toEqual([]);
    expect(seen).toEqual([`${example.subscriptionId}:ACTIVE`, 'wh-other:ACTIVE', `${example.subscriptionId}:DELETED`]);
  });
});
