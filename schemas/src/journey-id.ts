import { createHmac } from 'node:crypto';
import { DE_IDENTIFIER } from './de-identifier.js';

/**
 * The journey id of a DE on a session: lowercase hex HMAC-SHA256 under the shared journey secret of
 * `<DE identifier, trimmed and upper-cased>|<session key>`.
 *
 * Every producer of trainee events (Ouiform, catalogue, Kairos connectors) computes it independently, so the
 * algorithm is part of the contract: the same DE on the same session gets the same id everywhere, while the id
 * itself is not personal data (keys and logs may carry it) and cannot be reversed without the secret.
 * Errors never repeat the identifier: it is personal data.
 */
export function journeyIdFor(secret: string | Uint8Array, deIdentifier: string, sessionKey: string): string {
  if (secret.length === 0) throw new Error('journeyIdFor: the journey secret is empty');
  const identifier = deIdentifier.trim().toUpperCase();
  if (!DE_IDENTIFIER.test(identifier)) {
    throw new Error('journeyIdFor: the DE identifier is not 8 to 11 letters or digits (value withheld: personal data)');
  }
  if (sessionKey.split('|').length !== 3 || sessionKey.split('|').some((part) => part.trim() === '')) {
    throw new Error(`journeyIdFor: "${sessionKey}" is not a session key (formation|action|session numbers)`);
  }
  return createHmac('sha256', secret).update(`${identifier}|${sessionKey}`).digest('hex');
}
