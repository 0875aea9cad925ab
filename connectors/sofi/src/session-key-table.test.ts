import { describe, expect, it } from 'vitest';
import { SessionKeyTable } from './session-key-table.js';

describe('session key table', () => {
  it('when keys are added, then each gets the next slot once, and is found again after the index grew', () => {
    const table = new SessionKeyTable();
    const keys = Array.from({ length: 100_000 }, (_, n) => `14_AF_${n >> 3}|14_SE_${n}|SE_${n}`);

    const slots = keys.map((key) => table.add(key));
    const again = keys.map((key) => table.add(key));

    expect(slots).toEqual(keys.map((_, n) => n));
    expect(again).toEqual(slots);
    expect(table.size).toBe(keys.length);
    expect(keys.map((key) => table.slotOf(key))).toEqual(slots);
    expect(table.slotOf('14_AF_0|14_SE_0|SE_1')).toBe(-1);
  });
});
