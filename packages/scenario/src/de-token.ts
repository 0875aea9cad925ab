import { createHmac } from 'node:crypto';

/**
 * What a channel's identity layer hands a DE once he logged in with France Travail: the signed DE token the
 * catalogue connector verifies (format documented in connectors/catalogue/README.md):
 * `de1.<base64url(JSON { sub, channels, exp })>.<base64url(HMAC-SHA256(key, "de1." + payload))>`.
 * The scenario mints them as that layer would, with the key the catalogue is configured with.
 */
export function signDeToken(
  key: string,
  { deIdentifier, channels, expiresAt }: { deIdentifier: string; channels?: readonly string[]; expiresAt: Date },
): string {
  const payload = Buffer.from(
    JSON.stringify({
      sub: deIdentifier,
      ...(channels ? { channels } : {}),
      exp: Math.floor(expiresAt.getTime() / 1000),
    }),
  ).toString('base64url');
  const signature = createHmac('sha256', key).update(`de1.${payload}`).digest('base64url');
  return `de1.${payload}.${signature}`;
}
