export interface WaitForOptions {
  /** What is awaited, for the failure message. */
  description?: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `condition` until it returns a value other than `undefined`/`false` (or stops throwing), and returns
 * that value. Tests wait on observable conditions, never on sleeps; the timeout only bounds a failure.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { description = 'condition', timeoutMs = 20_000, intervalMs = 50 }: WaitForOptions = {},
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
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
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${why}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
