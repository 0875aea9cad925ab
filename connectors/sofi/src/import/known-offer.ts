import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { canonicalJson } from '../mapping/content-hash.js';
import type { OfferSession } from '../mapping/offer-session.js';

/** What the offer topic says of one session: its last snapshot and whether it is still offered. */
export interface KnownSession {
  contentHash: string;
  withdrawn: boolean;
  /** The last published snapshot, deflated (a regional offer of 60 000 sessions fits in a few tens of MB). */
  packed: Buffer;
}

export const pack = (snapshot: OfferSession): Buffer => deflateRawSync(canonicalJson(snapshot));
export const unpack = (packed: Buffer): OfferSession => JSON.parse(inflateRawSync(packed).toString('utf8'));

/**
 * The offer as last published on `offer.sessions.v1` — rebuilt from Kafka, never from a private file — against
 * which each full export is diffed, and from which a withdrawn session's last snapshot is taken.
 */
export class KnownOffer {
  readonly #sessions = new Map<string, KnownSession>();

  get(sessionKey: string): KnownSession | undefined {
    return this.#sessions.get(sessionKey);
  }

  set(sessionKey: string, session: KnownSession): void {
    this.#sessions.set(sessionKey, session);
  }

  /** Sessions still offered. */
  *offeredKeys(): IterableIterator<string> {
    for (const [key, session] of this.#sessions) if (!session.withdrawn) yield key;
  }

  get size(): number {
    return this.#sessions.size;
  }
}
