/**
 * Capped exponential backoff with full jitter (AWS architecture blog "Exponential Backoff And Jitter"): spreads
 * retries of many consumers so a recovering broker or service is not hit in lockstep.
 */
export function backoffDelay(
  attempt: number,
  {
    baseMs = 100,
    maxMs = 30_000,
    random = Math.random,
  }: { baseMs?: number; maxMs?: number; random?: () => number } = {},
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(random() * ceiling);
}

export const delay = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
