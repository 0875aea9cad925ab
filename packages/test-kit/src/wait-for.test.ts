import { describe, expect, it } from 'vitest';
import { patience, timeScale } from './patience.js';
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

  it('when the condition never holds, then the deadline is the nominal timeout times the run’s time scale', async () => {
    const started = Date.now();
    const waiting = waitFor(() => false, { timeoutMs: 40, intervalMs: 5 });
    await expect(waiting).rejects.toThrow(new RegExp(`^Timed out after ${patience(40)} ms`));
    expect(Date.now() - started).toBeGreaterThanOrEqual(patience(40));
    expect(patience(40)).toBe(Math.round(40 * timeScale()));
  });

  it('when the description is a function, then it is read at the failure, telling the last state seen', async () => {
    let last = 'nothing';
    const waiting = waitFor(
      () => {
        last = 'PENDING';
        return false;
      },
      { description: () => `the decision (last: ${last})`, timeoutMs: 20, intervalMs: 5 },
    );
    await expect(waiting).rejects.toThrow(/waiting for the decision \(last: PENDING\)/);
  });
});
