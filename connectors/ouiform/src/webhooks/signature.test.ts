import { describe, expect, it } from 'vitest';
import { signWebhook, signWebhookWith, verifyWebhook } from './signature.js';

const secret = 'a-webhook-secret-of-the-subscription';
const body = '{"type":"prescription.follow-up"}';
const now = 1_790_000_000_000;
const timestamp = String(now / 1000);

describe('webhook signature', () => {
  it('when a receiver checks a delivery with the shared secret, then it verifies', () => {
    const signature = signWebhook(secret, Number(timestamp), body);
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhook({ secret, body, timestamp, signature, now })).toBe(true);
  });

  it('when the body, the timestamp or the secret differ, or the delivery is old, then it does not verify', () => {
    const signature = signWebhook(secret, Number(timestamp), body);
    expect(verifyWebhook({ secret, body: `${body} `, timestamp, signature, now })).toBe(false);
    expect(verifyWebhook({ secret, body, timestamp: String(Number(timestamp) + 1), signature, now })).toBe(false);
    expect(verifyWebhook({ secret: `${secret}!`, body, timestamp, signature, now })).toBe(false);
    expect(verifyWebhook({ secret, body, timestamp, signature, now: now + 301_000 })).toBe(false);
    expect(verifyWebhook({ secret, body, timestamp: undefined, signature, now })).toBe(false);
  });

  it('when a rotation signs with the new and the previous secret, then a receiver holding either verifies, and no other', () => {
    const previous = `${secret}-previous`;
    const signature = signWebhookWith([secret, previous], Number(timestamp), body);
    expect(signature.split(' ')).toHaveLength(2);
    expect(verifyWebhook({ secret, body, timestamp, signature, now })).toBe(true);
    expect(verifyWebhook({ secret: previous, body, timestamp, signature, now })).toBe(true);
    expect(verifyWebhook({ secret: `${secret}!`, body, timestamp, signature, now })).toBe(false);
  });
});
