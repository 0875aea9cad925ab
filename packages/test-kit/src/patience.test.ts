import { describe, expect, it } from 'vitest';
import { deadline, patience, TIME_SCALE_VARIABLE, timeScale } from './patience.js';

describe('patience', () => {
  it('when the run starts, then one positive time scale is fixed in the environment for every worker and child', () => {
    const scale = timeScale();
    expect(scale).toBeGreaterThan(0);
    expect(Number(process.env[TIME_SCALE_VARIABLE])).toBe(scale);
    expect(timeScale()).toBe(scale);
  });

  it('when a wait is sized, then it is the nominal duration times the scale, and a deadline is that far from now', () => {
    expect(patience(1000)).toBe(Math.round(1000 * timeScale()));
    const before = Date.now();
    const end = deadline(1000);
    expect(end - before).toBeGreaterThanOrEqual(patience(1000));
    expect(end - Date.now()).toBeLessThanOrEqual(patience(1000));
  });
});
