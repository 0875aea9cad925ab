import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('when the condition becomes truthy, then it returns its value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `ready after ${calls}` : undefined), { intervalMs: 1 });
    expect(value).toBe('ready after 3');
  });

  it('when the condition throws then succeeds, then the error is retried away', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls += 1;
        if (calls < 2) throw new Error('not yet');
        return 42;
      },
      { intervalMs: 1 },
    );
    expect(value).toBe(42);
  });

  it('when the condition never holds, then it fails naming what was awaited and the last error', async () => {
    const waiting = waitFor(
      () => {
        throw new Error('broker unreachable');
      },
      { description: 'the consumer to join', timeoutMs: 30, intervalMs: 5 },
    );
    await expect(waiting).rejects.toThrow(/waiting for the consumer to join \(last error: broker unreachable\)/);
  });
});
