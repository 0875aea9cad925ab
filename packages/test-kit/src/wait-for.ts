import { patience, timeScale } from './patience.js';

export interface WaitForOptions {
  /** What is awaited, for the failure message; a function is read at the failure (to tell the last state seen). */
  description?: string | (() => string);
  /**
   * How long an idle machine may take, with margin (default 20 s). The deadline is this times the run's time scale
   * (`patience`): pass the nominal duration, never an already scaled one.
   */
  timeoutMs?: number;
  intervalMs?: number;
}

/** The nominal bound of a wait that names none: most conditions hold within a second on an idle machine. */
export const DEFAULT_WAIT_MS = 20_000;

/**
 * Polls `condition` until it returns a value other than `undefined`/`false` (or stops throwing), and returns
 * that value. Tests wait on observable conditions, never on sleeps; the timeout only bounds a failure.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { description = 'condition', timeoutMs = DEFAULT_WAIT_MS, intervalMs = 50 }: WaitForOptions = {},
): Promise<Exclude<T, false | undefined>> {
  const allowedMs = patience(timeoutMs);
  const deadline = Date.now() + allowedMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = typeof description === 'function' ? description() : description;
      const scaled = allowedMs === timeoutMs ? '' : ` (${timeoutMs} ms × time scale ${timeScale()})`;
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${allowedMs} ms${scaled} waiting for ${what}${why}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
