import { uniqueName, waitFor } from '@passerelle/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, ManagedConsumer } from '../src/index.js';
import { COUNTED, testContracts } from './fixtures/contracts.js';
import { type Counted, counterConsumer, publishCommands } from './fixtures/counter.js';
import { createTestBus, readTopic } from './fixtures/harness.js';

// Consumers that come and go while the process runs (one per item of run-time data, e.g. a webhook subscription),
// against the real broker and registry. Each test has its own topics and group.

const buses: Bus[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.stop()));
});

async function setUp() {
  const { contracts, commands, counts } = testContracts(uniqueName('run-time'), 1);
  const bus = createTestBus(contracts);
  buses.push(bus);
  await bus.ensureTopics();
  await bus.registerSchemas();
  return { bus, commands, counts, groupId: uniqueName('run-time-counter') };
}

const at = new Date('2026-03-02T08:30:00.000Z');
const requestIds = async (bus: Bus, counts: string) =>
  (await readTopic(bus, counts)).map((event) => [
    (event.value as Counted).requestId,
    (event.value as Counted).sequence,
  ]);

describe('consumers added and retired at run time', () => {
  it('when a group is started at the end and its consumer added after start, then it handles exactly what came after; retired, it leaves the bus, and the next one resumes after its commit', async () => {
    const { bus, commands, counts, groupId } = await setUp();
    await bus.start();
    await publishCommands(bus, commands, [{ key: 'session-R', requestId: 'before', at, behaviour: 'OK' }]);
    await bus.startGroupAtEnd(groupId, [commands]);
    await publishCommands(bus, commands, [{ key: 'session-R', requestId: 'after-1', at, behaviour: 'OK' }]);

    const consumer = await bus.addConsumer(counterConsumer({ commands, counts, groupId }));
    expect(bus.consumers()).toContain(consumer);
    await waitFor(async () => (await requestIds(bus, counts)).length === 1, { description: 'after-1 counted' });
    await bus.retire(consumer);
    expect(bus.consumers()).not.toContain(consumer);
    expect(consumer.status().state).toBe('STOPPED');

    // Started again at the end: a group with commits keeps them.
    await bus.startGroupAtEnd(groupId, [commands]);
    await publishCommands(bus, commands, [{ key: 'session-R', requestId: 'after-2', at, behaviour: 'OK' }]);
    await bus.addConsumer(counterConsumer({ commands, counts, groupId }));
    const counted = await waitFor(
      async () => {
        const ids = await requestIds(bus, counts);
        return ids.length === 2 && ids;
      },
      { description: 'after-2 counted' },
    );
    expect(counted).toEqual([
      ['after-1', 1],
      ['after-2', 2],
    ]);
  });

  it('when a consumer is retired while an event waits for a retry, then it stops at once and the event, neither committed nor dead-lettered, goes to the next consumer of the group', async () => {
    const { bus, commands, counts, groupId } = await setUp();
    // Retries that would last minutes: stopping must not wait them out.
    const flakyFailures = new Map([['stuck', 1000]]);
    const spec = { ...counterConsumer({ commands, counts, groupId }, { flakyFailures }), maxRetries: 1000 };
    const consumer = bus.consumer({ ...spec, retryBaseMs: 200, retryMaxMs: 200 });
    await bus.start();
    await publishCommands(bus, commands, [{ key: 'session-S', requestId: 'stuck', at, behaviour: 'FLAKY' }]);
    await waitFor(() => (flakyFailures.get('stuck') ?? 1000) < 1000, { description: 'a first failed attempt' });

    await bus.retire(consumer);
    flakyFailures.set('stuck', 0);
    await bus.addConsumer(spec);

    const counted = await waitFor(
      async () => {
        const ids = await requestIds(bus, counts);
        return ids.length === 1 && ids;
      },
      { description: 'the given-up event handled by the next consumer' },
    );
    expect(counted).toEqual([['stuck', 1]]);
    expect(await bus.readToEnd(consumer.deadLetterTopic, () => undefined)).toBe(0);
  });

  it('when a consumer is added from data read while start() catches up, then start() creates its dead-letter topic and starts it', async () => {
    const { bus, commands, counts, groupId } = await setUp();
    await bus.publish([
      { topic: counts, key: 'session-D', record: COUNTED, value: { requestId: 'seed', sequence: 1, at, note: null } },
    ]);
    let added: Promise<ManagedConsumer<number>> | undefined;
    bus.follow({
      name: 'run-time.seed',
      topics: [counts],
      fromBeginning: true,
      onEvent: () => {
        added ??= bus.addConsumer(counterConsumer({ commands, counts, groupId }));
      },
    });
    await bus.start();

    const consumer = await (added as Promise<ManagedConsumer<number>>);
    const topics = await (await bus.admin()).listTopics();
    expect(topics).toContain(consumer.deadLetterTopic);
    await waitFor(() => consumer.status().state === 'RUNNING', { description: 'the consumer running' });
  });
});
