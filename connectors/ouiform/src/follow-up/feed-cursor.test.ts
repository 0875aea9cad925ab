import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, START_OF_FEED } from './feed-cursor.js';

describe('feed cursor', () => {
  it('when a cursor is encoded, then decoding gives the same offsets back', () => {
    const cursor = new Map([
      [2, 17n],
      [0, 12_345_678_901n],
    ]);
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor('')).toBe(START_OF_FEED);
    expect(decodeCursor(encodeCursor(START_OF_FEED))).toEqual(new Map());
  });

  it('when a text is not a cursor this feed wrote, then it is refused', () => {
    for (const text of [
      'not a cursor!',
      Buffer.from('0.1_0.2').toString('base64url'),
      Buffer.from('x.1').toString('base64url'),
    ]) {
      expect(decodeCursor(text)).toBeUndefined();
    }
  });
});
