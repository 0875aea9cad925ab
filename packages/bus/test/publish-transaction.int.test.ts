import type { ChildProcess } from 'node:child_process';
import { uniqueName } from '@passerelle/test-kit';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bus, OutgoingEvent } from '../src/index.js';
import { COMMAND, testContracts } from './fixtures/contracts.js';
import { createTestBus, spawnFixture } from './fixtures/harness.js';

// Streaming publish transactions (what an all-or-nothing import stands on): visible at commit, invisible after an
// abort or a crash, and a crashed publisher's open transaction is aborted when its successor starts; and plain
// publish calls made at once, sent together, each written once.

const buses: Bus[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(buses.map((bus) => bus.stop()));
});

const commandsOf = (topic: string, count: number, prefix: string): OutgoingEvent[] =>
  Array.from({ length: count }, (_, index) => ({
    topic,
    key: `K${index % 5}`,
    record: COMMAND,
    value: { requestId: `${prefix}-${index}`, at: new Date(), behaviour: 'OK' },
  }));

async function setUp(clientId = uniqueName('publisher')) {
  const prefix = uniqueName('transactions');
  const { contracts, commands } = testContracts(prefix, 3);
  const bus = createTestBus(contracts, clientId);
  buses.push(bus);
  await bus.ensureTopics();
  await bus.registerSchemas();
  const committed = async () => {
    const seen: string[] = [];
    await bus.readToEnd(commands, (event) => seen.push((event.value as { requestId: string }).requestId));
    return seen;
  };
  return { bus, prefix, commands, committed, clientId };
}

describe('publish transactions', () => {
  it('when a streamed transaction is aborted, then none of it is visible; when committed, then all of it is', async () => {
    const { bus, commands, committed } = await setUp();

    const aborted = await bus.openTransaction();
    await aborted.send(commandsOf(commands, 600, 'aborted').slice(0, 300));
    await aborted.send(commandsOf(commands, 600, 'aborted').slice(300));
    await aborted.abort();
    const afterAbort = await committed();
    const kept = await bus.openTransaction();
    await kept.send(commandsOf(commands, 600, 'kept'));
    await kept.commit();

    expect(afterAbort).toEqual([]);
    const visible = await committed();
    expect(visible).toHaveLength(600);
    expect(visible.every((id) => id.startsWith('kept-'))).toBe(true);
  });

  it('when a publisher dies inside a transaction, then its successor aborts it and only committed work is visible', async () => {
    const { bus, prefix, commands, committed, clientId } = await setUp();
    const child = spawnFixture('half-transaction.ts', { PREFIX: prefix, CLIENT_ID: clientId, COUNT: '500' }, children);
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    const signal = await new Promise((resolve) => child.once('exit', (_code, exitSignal) => resolve(exitSignal)));

    // The successor has the same client id, hence the same transactional id: starting it fences the dead one.
    await bus.publishAtomically(commandsOf(commands, 3, 'successor'));

    expect(output).toContain('sent');
    expect(signal).toBe('SIGKILL');
    expect((await committed()).sort()).toEqual(['successor-0', 'successor-1', 'successor-2']);
  });
});

describe('publish', () => {
  it('when many callers publish at once, then each resolves with its events written once', async () => {
    const { bus, commands, committed } = await setUp();
    const callers = Array.from({ length: 200 }, (_, caller) => commandsOf(commands, 3, `caller${caller}`));

    await Promise.all(callers.map((events) => bus.publish(events)));
    const seen = await committed();

    expect(seen).toHaveLength(600);
    expect(new Set(seen).size).toBe(600);
    for (const caller of [0, 99, 199]) {
      const own = seen.filter((id) => id.startsWith(`caller${caller}-`));
      expect(own.sort()).toEqual([`caller${caller}-0`, `caller${caller}-1`, `caller${caller}-2`]);
    }
  });

  it('when an event cannot be encoded, then only its caller fails', async () => {
    const { bus, commands, committed } = await setUp();
    const invalid = { topic: commands, key: 'K0', record: COMMAND, value: { requestId: 42 } } as OutgoingEvent;

    const results = await Promise.allSettled([
      bus.publish(commandsOf(commands, 2, 'before')),
      bus.publish([invalid]),
      bus.publish(commandsOf(commands, 2, 'after')),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await committed()).sort()).toEqual(['after-0', 'after-1', 'before-0', 'before-1']);
  });
});
