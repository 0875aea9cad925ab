import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConsumerAssignment, waitForReady, waitForSettledGroups, whyUnsettled } from './readiness.js';

const consumer = (assignment: Record<string, number[]>, state = 'RUNNING'): ConsumerAssignment => ({
  name: 'projector',
  groupId: 'group-a',
  state,
  assignment,
});

describe('whyUnsettled', () => {
  it('when two instances split the partitions, then the group has settled', () => {
    expect(whyUnsettled([[consumer({ in: [0, 2] })], [consumer({ in: [1] })]], 3)).toBeUndefined();
  });

  it('when the instance that was alone still shows its old assignment, then a rebalance is under way', () => {
    expect(whyUnsettled([[consumer({ in: [0, 1, 2] })], [consumer({ in: [1] })]])).toBe(
      'in:1 is claimed by instances 0 and 1 of group-a',
    );
  });

  it('when an instance owns nothing, is not running, or a partition has no owner, then it says so', () => {
    expect(whyUnsettled([[consumer({ in: [0, 1] })], [consumer({})]])).toBe(
      'projector on instance 1 owns no partition',
    );
    expect(whyUnsettled([[consumer({ in: [0] }, 'RESTARTING')]])).toBe('projector on instance 0 is RESTARTING');
    expect(whyUnsettled([[consumer({ in: [0] })], [consumer({ in: [2] })]], 3)).toBe('in:1 has no owner in group-a');
  });
});

describe('waiting on an instance over HTTP', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
  });

  const serve = (answer: (path: string) => [number, unknown]) =>
    new Promise<string>((resolve) => {
      const created = createServer((request, response) => {
        const [status, body] = answer(request.url ?? '');
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      server = created;
      created.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(created.address() as AddressInfo).port}`));
    });

  it('when /readyz turns 200 and the assignments settle, then both waits return', async () => {
    let polls = 0;
    const url = await serve((path) => {
      polls += 1;
      if (path === '/readyz') return polls < 3 ? [503, { status: 'not-ready' }] : [200, { status: 'ready' }];
      return [200, [consumer(polls < 6 ? { in: [0, 1] } : { in: [0] })]];
    });
    await waitForReady(url);
    const [mine, others] = await waitForSettledGroups([url, () => [consumer({ in: [1] })]], { partitions: 2 });
    expect(mine?.[0]?.assignment).toEqual({ in: [0] });
    expect(others?.[0]?.assignment).toEqual({ in: [1] });
  });

  it('when an instance never becomes ready, then the failure tells its last /readyz answer', async () => {
    const url = await serve(() => [503, { status: 'not-ready', checks: { bus: { ok: false } } }]);
    await expect(waitForReady(url, { description: 'the restarted instance', timeoutMs: 100 })).rejects.toThrow(
      /the restarted instance to be ready \(last \/readyz: 503 \{"status":"not-ready"/,
    );
  });
});
