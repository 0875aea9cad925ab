/**
 * A position in a prescriber's feed: for each partition of kairos.session-events, the offset of the last item the
 * client has seen. A vector rather than one number because partitions are ordered independently: every instance,
 * before and after a restart, agrees on it, and an item can never slip behind a cursor because another partition
 * was read faster. Opaque to clients (base64url).
 */
export type FeedCursor = ReadonlyMap<number, bigint>;

export const START_OF_FEED: FeedCursor = new Map();

export function encodeCursor(cursor: FeedCursor): string {
  const text = [...cursor]
    .sort(([a], [b]) => a - b)
    .map(([partition, offset]) => `${partition}.${offset}`)
    .join('_');
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** The cursor, or undefined when the text is not one this connector wrote. */
export function decodeCursor(text: string): FeedCursor | undefined {
  if (text === '') return START_OF_FEED;
  if (!/^[A-Za-z0-9_-]{1,4096}$/.test(text)) return undefined;
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  const cursor = new Map<number, bigint>();
  if (decoded === '') return cursor;
  for (const part of decoded.split('_')) {
    const match = /^(\d{1,6})\.(\d{1,19})$/.exec(part);
    if (!match) return undefined;
    const partition = Number(match[1]);
    if (cursor.has(partition)) return undefined;
    cursor.set(partition, BigInt(match[2] as string));
  }
  return cursor;
}
