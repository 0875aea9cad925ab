import { availableParallelism, loadavg } from 'node:os';

/**
 * How much slower than an idle developer machine this run may be: every deadline a test puts on the system — a
 * `waitFor`, a hand-written poll, a per-test or hook timeout, a service's "wait for the decision" setting — is a
 * nominal duration (what an idle machine needs, with margin) times this one factor. A deadline only bounds a
 * failure, so a larger factor costs nothing while tests pass; it only makes a broken test take longer to say so.
 */
export const TIME_SCALE_VARIABLE = 'PASSERELLE_TEST_TIME_SCALE';

/** Beyond this, an automatic scale would hide a hung test for too long: set the variable to go further. */
const MAX_AUTOMATIC_SCALE = 4;

let resolved: number | undefined;

/**
 * The run's time scale: `PASSERELLE_TEST_TIME_SCALE` when set (a positive number), else automatic — 1 on an idle
 * machine, ×2 under CI (shared runners, cold caches), × the 1-minute load average per core when it is above 1 (a
 * busy machine: another build, a core kept busy), at most 4 in all.
 *
 * The first call fixes it for the whole run: it is written to the environment, so the vitest configuration (read
 * once in the main process), every test worker and every process a test spawns use the same value, even though the
 * load average moves while the run goes on.
 */
export function timeScale(): number {
  if (resolved !== undefined) return resolved;
  const set = process.env[TIME_SCALE_VARIABLE];
  if (set !== undefined && set.trim() !== '') {
    const value = Number(set);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`${TIME_SCALE_VARIABLE} must be a positive number (a factor on test deadlines), not "${set}"`);
    resolved = value;
  } else {
    resolved = automaticScale();
    process.env[TIME_SCALE_VARIABLE] = String(resolved);
  }
  return resolved;
}

function automaticScale(): number {
  const ci = !['', '0', 'false'].includes((process.env.CI ?? '').trim().toLowerCase());
  // loadavg() is [0, 0, 0] where the platform does not report it (Windows): the factor is then 1.
  const loadPerCore = (loadavg()[0] ?? 0) / Math.max(1, availableParallelism());
  const scale = (ci ? 2 : 1) * Math.max(1, loadPerCore);
  // One decimal: a readable factor in messages, and the same value in every process of the run.
  return Math.min(MAX_AUTOMATIC_SCALE, Math.round(scale * 10) / 10);
}

/** `ms` (what an idle machine needs, with margin) scaled for this run: the one way a test sizes a wait. */
export function patience(ms: number): number {
  return Math.round(ms * timeScale());
}

/** The epoch time `patience(ms)` from now: the end of a hand-written poll loop. */
export function deadline(ms: number): number {
  return Date.now() + patience(ms);
}
