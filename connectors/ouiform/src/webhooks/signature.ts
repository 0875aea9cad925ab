import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a webhook delivery (Standard Webhooks' layout, with our names). */
export const WEBHOOK_HEADERS = {
  /** The follow-up item's event id: the same on every retry, so receivers deduplicate on it. */
  id: 'passerelle-webhook-id',
  /** Unix seconds when this attempt was signed; receivers refuse old ones (replay). */
  timestamp: 'passerelle-webhook-timestamp',
  /**
   * `v1=<hex HMAC-SHA256 of "<timestamp>.<body>" under the subscription's secret>`; during a secret rotation's
   * grace period, one such signature per valid secret, space-separated (newest first).
   */
  signature: 'passerelle-webhook-signature',
} as const;

/** The signature header of a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * The signature header under every secret still valid (the current one first, then the one it replaces during a
 * rotation's grace period): a receiver holding either verifies, so a rotation never drops a delivery.
 */
export function signWebhookWith(secrets: readonly string[], timestamp: number, body: string): string {
  return secrets.map((secret) => signWebhook(secret, timestamp, body)).join(' ');
}

/**
 * What a receiver runs: a signature of the header matches the body and the timestamp is within `toleranceSeconds` of `now`.
 * Signing the timestamp with the body means a captured delivery cannot be replayed later under a fresh timestamp.
 */
export function verifyWebhook({
  secret,
  body,
  timestamp,
  signature,
  now = Date.now(),
  toleranceSeconds = 300,
}: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  now?: number;
  toleranceSeconds?: number;
}): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  // Any of the listed signatures (a rotation signs with the new and the previous secret).
  return signature.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
