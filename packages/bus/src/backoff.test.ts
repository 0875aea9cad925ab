import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('when attempts grow, then the ceiling doubles until the cap', () => {
    const max = (attempt: number) => backoffDelay(attempt, { baseMs: 100, maxMs: 1000, random: () => 1 });
    expect([0, 1, 2, 3, 4, 10].map(max)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('when jittered, then the delay stays between zero and the ceiling', () => {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const value = backoffDelay(attempt, { baseMs: 50, maxMs: 2000 });
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(2000);
    }
  });
});
