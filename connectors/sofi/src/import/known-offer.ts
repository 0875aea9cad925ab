import type { OfferSession } from '../mapping/offer-session.js';

/**
 * What the offer topic says of one session, in a few hundred bytes: its content hash, whether it is still
 * offered, and a fingerprint — one short hash per second-level field (`session.start`, `action.funders`…) — so a
 * later export can say what changed without the connector keeping 60 000 (or 400 000) snapshots in memory.
 */
export interface KnownSession {
  contentHash: string;
  withdrawn: boolean;
  fingerprint: string;
  /**
   * The formation text (`OfferSession.sourceHash`) that this known state is exactly what an import makes of: the
   * same text again decides `unchanged`, so it need not be mapped. Null when unknown, e.g. snapshots published
   * before the field existed, or a session withdrawn for being absent (its text, exported again, republishes it).
   */
  sourceHash: string | null;
}

const SECTIONS = ['formation', 'action', 'session'] as const;
const HASH_CHARS = 7;

/** The second-level fields of a snapshot, in a fixed order: the fingerprint's positions. */
export function fieldPaths(snapshot: OfferSession): string[] {
  return SECTIONS.flatMap((section) => sortedKeys(snapshot[section]).map((key) => `${section}.${key}`));
}

/**
 * One short hash per field, in `fieldPaths` order. Computed for every session when the known offer is rebuilt from
 * Kafka, so it walks the values instead of serialising them: keys in sorted order at every level (a decoded event
 * and a mapped snapshot list them differently), strings length-prefixed, all fed to FNV-1a (32 bits, base-36).
 * Cheap, and a collision only hides a field name from `changedFields`, never a change (`contentHash` decides).
 */
export function fingerprintOf(snapshot: OfferSession): string {
  const hashes: string[] = [];
  for (const section of SECTIONS) {
    const record = snapshot[section] as unknown as Record<string, unknown>;
    for (const key of sortedKeys(record)) {
      hashes.push((feedValue(FNV_OFFSET, record[key]) >>> 0).toString(36).padStart(HASH_CHARS, '0'));
    }
  }
  // join makes one flat string: appending with += would keep a rope of 30-odd pieces per known session (~1.8 KB
  // instead of ~250 bytes; 50 MB more heap for 30 000 sessions).
  hashes.unshift(`${hashes.length}:`);
  return hashes.join('');
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const feedCode = (hash: number, code: number) => Math.imul(hash ^ code, FNV_PRIME);

function feedText(hash: number, text: string): number {
  let fed = hash;
  for (let index = 0; index < text.length; index += 1) fed = feedCode(fed, text.charCodeAt(index));
  return fed;
}

/** Feeds a JSON-like value: a type mark, then its content (undefined counts as null). */
function feedValue(hash: number, value: unknown): number {
  if (value === null || value === undefined) return feedCode(hash, 0x6e /* n */);
  if (typeof value === 'string') return feedText(feedText(feedCode(hash, 0x73 /* s */), `${value.length}:`), value);
  if (typeof value === 'number') return feedText(feedCode(hash, 0x64 /* d */), String(value));
  if (typeof value === 'boolean') return feedCode(hash, value ? 0x74 /* t */ : 0x66 /* f */);
  if (Array.isArray(value)) {
    let fed = feedText(feedCode(hash, 0x5b /* [ */), `${value.length}:`);
    for (const item of value) fed = feedValue(fed, item);
    return fed;
  }
  const record = value as Record<string, unknown>;
  let fed = feedCode(hash, 0x7b /* { */);
  for (const key of sortedKeys(record)) fed = feedValue(feedText(fed, key), record[key]);
  return feedCode(fed, 0x7d /* } */);
}

/** Sorted keys, by key order seen: snapshots have a handful of shapes (mapped, decoded), so this sorts a few times. */
const sortedKeysByOrder = new Map<string, string[]>();
function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  const order = keys.join('\0');
  let sorted = sortedKeysByOrder.get(order);
  if (sorted === undefined) {
    sorted = keys.sort();
    sortedKeysByOrder.set(order, sorted);
  }
  return sorted;
}

/** The fields whose hash differs; every field when the two fingerprints do not have the same shape. */
export function changedFields(previous: string, next: OfferSession): string[] {
  const paths = fieldPaths(next);
  const current = fingerprintOf(next);
  if (previous.split(':')[0] !== current.split(':')[0]) return paths;
  const [before, after] = [previous.slice(previous.indexOf(':') + 1), current.slice(current.indexOf(':') + 1)];
  return paths.filter(
    (_, index) =>
      before.slice(index * HASH_CHARS, (index + 1) * HASH_CHARS) !==
      after.slice(index * HASH_CHARS, (index + 1) * HASH_CHARS),
  );
}

export const knownSessionOf = (snapshot: OfferSession, withdrawn: boolean): KnownSession => ({
  contentHash: snapshot.contentHash,
  withdrawn,
  fingerprint: fingerprintOf(snapshot),
  // Withdrawn and expired go together when the text itself withdrew the session (session-perimee); a withdrawn
  // session that is not expired was withdrawn for something else (absence), which its text does not say.
  sourceHash: withdrawn === snapshot.session.expired ? (snapshot.sourceHash ?? null) : null,
});

/** A known session the export's own (mapped) snapshot left unchanged: the same text will leave it unchanged again. */
export const confirmedBy = (known: KnownSession, snapshot: OfferSession): KnownSession =>
  known.sourceHash === snapshot.sourceHash ? known : { ...known, sourceHash: snapshot.sourceHash };

/**
 * The offer as last published on `offer.sessions.v1` — rebuilt from Kafka, never from a private file — against
 * which each full export is diffed.
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

  /**
   * The known sessions of a formation, when every one of `sessionKeys` is known as what `sourceHash`'s text makes;
   * undefined otherwise (a new, changed or formerly absent session, or a known offer without fingerprints).
   */
  unchangedFormation(sourceHash: string, sessionKeys: readonly string[]): Map<string, KnownSession> | undefined {
    const sessions = new Map<string, KnownSession>();
    for (const sessionKey of sessionKeys) {
      const session = this.#sessions.get(sessionKey);
      if (session?.sourceHash !== sourceHash) return undefined;
      sessions.set(sessionKey, session);
    }
    return sessions;
  }
}
