import type { OfferSession } from '../mapping/offer-session.js';
import { changedFields, KNOWN_HASH_DIGITS, type KnownSession } from './known-offer.js';

export type Decision =
  | { kind: 'publish' }
  | { kind: 'update'; changedFields: string[] }
  | { kind: 'withdraw-perimee' }
  | { kind: 'unchanged' };

/**
 * What one session of a full export means against what was published: new (or back after a withdrawal) →
 * publish; different content → update, saying which fields changed; flagged session-perimee → withdraw if still
 * offered; otherwise nothing. Only real changes produce events, so re-importing a file publishes nothing.
 */
export function decide(known: KnownSession | undefined, snapshot: OfferSession): Decision {
  if (snapshot.session.expired) return known && !known.withdrawn ? { kind: 'withdraw-perimee' } : { kind: 'unchanged' };
  if (!known || known.withdrawn) return { kind: 'publish' };
  if (known.contentHash === snapshot.contentHash.slice(0, KNOWN_HASH_DIGITS)) return { kind: 'unchanged' };
  return { kind: 'update', changedFields: changedFields(known.fingerprint, snapshot) };
}
