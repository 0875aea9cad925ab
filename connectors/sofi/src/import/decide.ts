import { canonicalJson } from '../mapping/content-hash.js';
import type { OfferSession } from '../mapping/offer-session.js';
import { type KnownSession, unpack } from './known-offer.js';

export type Decision =
  | { kind: 'publish' }
  | { kind: 'update'; changedFields: string[] }
  | { kind: 'withdraw-perimee'; lastKnown: OfferSession }
  | { kind: 'unchanged' };

/**
 * What one session of a full export means against what was published: new (or back after a withdrawal) →
 * publish; different content → update, saying which fields changed; flagged session-perimee → withdraw if still
 * offered; otherwise nothing. Only real changes produce events, so re-importing a file publishes nothing.
 */
export function decide(known: KnownSession | undefined, snapshot: OfferSession): Decision {
  if (snapshot.session.expired) {
    return known && !known.withdrawn
      ? { kind: 'withdraw-perimee', lastKnown: unpack(known.packed) }
      : { kind: 'unchanged' };
  }
  if (!known || known.withdrawn) return { kind: 'publish' };
  if (known.contentHash === snapshot.contentHash) return { kind: 'unchanged' };
  return { kind: 'update', changedFields: changedFields(unpack(known.packed), snapshot) };
}

const SECTIONS = ['formation', 'action', 'session'] as const;

/** Dotted paths (`session.start`, `action.funders`…) of the second-level fields that differ. */
export function changedFields(previous: OfferSession, next: OfferSession): string[] {
  const changed: string[] = [];
  for (const section of SECTIONS) {
    const [before, after] = [
      previous[section] as unknown as Record<string, unknown>,
      next[section] as unknown as Record<string, unknown>,
    ];
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      if (canonicalJson(before[key]) !== canonicalJson(after[key])) changed.push(`${section}.${key}`);
    }
  }
  return changed;
}
