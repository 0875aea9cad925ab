import type { OfferSession } from '../mapping/offer-session.js';
import type { SessionKeyRegister } from '../read-offer-sessions.js';
import { SessionKeyTable, SlotColumn } from '../session-key-table.js';

/**
 * What the offer topic says of one session: enough to decide what an export's snapshot means for it, and to say
 * which fields changed, without keeping the snapshot.
 */
export interface KnownSession {
  /** The first 16 hex digits of its `contentHash`: 64 bits tell a change from no change. */
  contentHash: string;
  withdrawn: boolean;
  /** One 16-bit hash per second-level field, in `fieldPaths` order (see `fingerprintOf`). */
  fingerprint: Uint16Array;
  /**
   * The first 16 hex digits of the `sourceHash` of the formation text this known state is exactly what an import
   * makes of: the same text again decides `unchanged`, so it need not be mapped. Null when unknown, e.g. snapshots
   * published before the field existed, or a session withdrawn for being absent (its text, exported again, must
   * republish it).
   */
  sourceHash: string | null;
}

/** How many hex digits of `contentHash` and `sourceHash` the known offer keeps. */
export const KNOWN_HASH_DIGITS = 16;

const SECTIONS = ['formation', 'action', 'session'] as const;
/** Most second-level fields a fingerprint holds (a snapshot has 29). */
const MAX_FIELDS = 32;

/** The second-level fields of a snapshot, in a fixed order: the fingerprint's positions. */
export function fieldPaths(snapshot: OfferSession): string[] {
  return SECTIONS.flatMap((section) => sortedKeys(snapshot[section]).map((key) => `${section}.${key}`));
}

/**
 * One 16-bit hash per field, in `fieldPaths` order. Computed for every session when the known offer is rebuilt from
 * Kafka, so it walks the values instead of serialising them: keys in sorted order at every level (a decoded event
 * and a mapped snapshot list them differently), strings length-prefixed, all fed to FNV-1a. 16 bits per field keep a
 * million known sessions in 64 MB; the price is that a changed field whose hash happens to stay the same (1 in
 * 65 536) is not named in `changedFields`. A change itself is never missed: `contentHash` decides.
 */
export function fingerprintOf(snapshot: OfferSession, into = new Uint16Array(fieldCount(snapshot))): Uint16Array {
  let field = 0;
  for (const section of SECTIONS) {
    const record = snapshot[section] as unknown as Record<string, unknown>;
    for (const key of sortedKeys(record)) {
      const hash = feedValue(FNV_OFFSET, record[key]);
      into[field] = (hash ^ (hash >>> 16)) & 0xffff;
      field += 1;
    }
  }
  return into;
}

const fieldCount = (snapshot: OfferSession) =>
  SECTIONS.reduce((count, section) => count + Object.keys(snapshot[section]).length, 0);

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

/**
 * The fields whose hash differs; every field when the two fingerprints do not have the same shape, or when none
 * differs although the content did (an update always names what may have changed).
 */
export function changedFields(previous: Uint16Array, next: OfferSession): string[] {
  const paths = fieldPaths(next);
  const current = fingerprintOf(next);
  if (previous.length !== current.length) return paths;
  const changed = paths.filter((_, index) => previous[index] !== current[index]);
  return changed.length === 0 ? paths : changed;
}

/** A snapshot was recorded (a key can be listed by the import in progress before its snapshot is). */
const STORED = 1;
const WITHDRAWN = 2;
const HAS_SOURCE = 4;
/** Listed by the export being imported. */
const LISTED = 8;

/**
 * The offer as last published on `offer.sessions.v1` — rebuilt from Kafka, never from a private file — against
 * which each full export is diffed. About 110 bytes per session, outside the JavaScript heap (a key table, two hash
 * prefixes, flags, a 16-bit fingerprint per field, a line): a million sessions fit in 110 MB.
 *
 * An import writes what it decides into it as it goes; an import that does not commit leaves it wrong, so its owner
 * drops it and rebuilds it from the topic. The import's export keys are recorded here too (it is the import's
 * `SessionKeyRegister`): the keys a daily export lists are mostly known already, and are kept once.
 */
export class KnownOffer implements SessionKeyRegister {
  readonly #keys = new SessionKeyTable();
  /** contentHash prefix (2 words), sourceHash prefix (2 words). */
  readonly #hashes = new SlotColumn((length) => new Uint32Array(length), 4);
  readonly #flags = new SlotColumn((length) => new Uint8Array(length));
  readonly #fieldCounts = new SlotColumn((length) => new Uint8Array(length));
  readonly #fingerprints = new SlotColumn((length) => new Uint16Array(length), MAX_FIELDS);
  /** Where the export being imported lists each key first. */
  readonly #lines = new SlotColumn((length) => new Uint32Array(length));

  get size(): number {
    return this.#keys.size;
  }

  get(sessionKey: string): KnownSession | undefined {
    const slot = this.#keys.slotOf(sessionKey);
    const flags = slot < 0 ? 0 : this.#flags.get(slot);
    if ((flags & STORED) === 0) return undefined;
    const hashes = this.#hashes.page(slot);
    const at = this.#hashes.offset(slot);
    const fingerprint = this.#fingerprints.page(slot);
    const from = this.#fingerprints.offset(slot);
    return {
      contentHash: hex(hashes[at] as number) + hex(hashes[at + 1] as number),
      withdrawn: (flags & WITHDRAWN) !== 0,
      fingerprint: fingerprint.slice(from, from + this.#fieldCounts.get(slot)),
      sourceHash: (flags & HAS_SOURCE) === 0 ? null : hex(hashes[at + 2] as number) + hex(hashes[at + 3] as number),
    };
  }

  /** Records a session's last snapshot, as published (or as read back from the topic). */
  set(sessionKey: string, snapshot: OfferSession, withdrawn: boolean): void {
    const slot = this.#keys.add(sessionKey);
    const hashes = this.#hashes.page(slot);
    const at = this.#hashes.offset(slot);
    hashes[at] = word(snapshot.contentHash, 0);
    hashes[at + 1] = word(snapshot.contentHash, 1);
    const count = fieldCount(snapshot);
    if (count > MAX_FIELDS) throw new Error(`a snapshot has ${count} fields; the known offer keeps ${MAX_FIELDS}`);
    const fingerprints = this.#fingerprints.page(slot);
    const from = this.#fingerprints.offset(slot);
    fingerprintOf(snapshot, fingerprints.subarray(from, from + count));
    this.#fieldCounts.set(slot, count);
    // Withdrawn and expired go together when the text itself withdrew the session (session-perimee); a withdrawn
    // session that is not expired was withdrawn for something else (absence), which its text does not say.
    const sourceHash = withdrawn === snapshot.session.expired ? (snapshot.sourceHash ?? null) : null;
    const listed = this.#flags.get(slot) & LISTED;
    this.#setSourceHash(slot, sourceHash, STORED | (withdrawn ? WITHDRAWN : 0) | listed);
  }

  /** A known session the export left unchanged, now known as made from `sourceHash`'s text. */
  confirm(sessionKey: string, sourceHash: string | null): void {
    const slot = this.#keys.slotOf(sessionKey);
    if (slot >= 0) this.#setSourceHash(slot, sourceHash, this.#flags.get(slot) & (STORED | WITHDRAWN | LISTED));
  }

  #setSourceHash(slot: number, sourceHash: string | null, flags: number): void {
    const hashes = this.#hashes.page(slot);
    const at = this.#hashes.offset(slot);
    hashes[at + 2] = sourceHash === null ? 0 : word(sourceHash, 0);
    hashes[at + 3] = sourceHash === null ? 0 : word(sourceHash, 1);
    this.#flags.set(slot, sourceHash === null ? flags : flags | HAS_SOURCE);
  }

  /** Starts an import: its export has listed no key yet. */
  startImport(): void {
    for (let slot = 0; slot < this.size; slot++) this.#flags.set(slot, this.#flags.get(slot) & ~LISTED);
  }

  firstLineOf(sessionKey: string, line: number): number | undefined {
    const slot = this.#keys.add(sessionKey);
    const flags = this.#flags.get(slot);
    if ((flags & LISTED) !== 0) return this.#lines.get(slot);
    this.#flags.set(slot, flags | LISTED);
    this.#lines.set(slot, line);
    return undefined;
  }

  listed(sessionKey: string): boolean {
    const slot = this.#keys.slotOf(sessionKey);
    return slot >= 0 && (this.#flags.get(slot) & LISTED) !== 0;
  }

  /**
   * How many of `sessionKeys` there are when every one is known as what `sourceHash`'s text makes (the formation is
   * unchanged); 0 otherwise: a new, changed or formerly absent session, or one known without fingerprint.
   */
  unchangedSessions(sourceHash: string, sessionKeys: readonly string[]): number {
    for (const sessionKey of sessionKeys) {
      const slot = this.#keys.slotOf(sessionKey);
      if (slot < 0 || (this.#flags.get(slot) & (STORED | HAS_SOURCE)) !== (STORED | HAS_SOURCE)) return 0;
      const hashes = this.#hashes.page(slot);
      const at = this.#hashes.offset(slot);
      if (hashes[at + 2] !== word(sourceHash, 0) || hashes[at + 3] !== word(sourceHash, 1)) return 0;
    }
    return sessionKeys.length;
  }

  /** Sessions still offered that the export being imported does not list. */
  absentCount(): number {
    let count = 0;
    for (let slot = 0; slot < this.size; slot++) if (isAbsent(this.#flags.get(slot))) count += 1;
    return count;
  }

  /**
   * Whether `sessionKey` is offered but not listed by the export being imported; with `batch` of `batches`, only for
   * one share of those sessions (the same share whenever asked).
   */
  isAbsent(sessionKey: string, batch = 0, batches = 1): boolean {
    const slot = this.#keys.slotOf(sessionKey);
    return slot >= 0 && slot % batches === batch && isAbsent(this.#flags.get(slot));
  }
}

const isAbsent = (flags: number) => (flags & (STORED | WITHDRAWN | LISTED)) === STORED;

const hex = (value: number) => value.toString(16).padStart(8, '0');
const word = (hexDigits: string, index: number) => Number.parseInt(hexDigits.slice(index * 8, index * 8 + 8), 16);
