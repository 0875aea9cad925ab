import { patience, uniqueName, waitFor, waitForSettledGroups } from '@passerelle/test-kit';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bus } from '../src/index.js';
import { testContracts } from './fixtures/contracts.js';
import { type Counted, counterConsumer, publishCommands } from './fixtures/counter.js';
import { createTestBus, readTopic } from './fixtures/harness.js';

// Two instances of one consumer group split the partitions (co-partitioned assignment), and the rebalances
// when the second joins and when the first leaves lose nothing and double nothing.

const buses: Bus[] = [];
afterAll(async () => {
  await Promise.all(buses.map((bus) => bus.stop().catch(() => undefined)));
});

// Three waves of commands through two instances and two rebalances: longer than the default test timeout.
describe('consumer group rebalance', { timeout: patience(240_000) }, () => {
  it('when a second instance joins and the first leaves under load, then every command is counted exactly once', async () => {
    // Arrange
    const prefix = uniqueName('rebalance');
    const partitions = 6;
    const { contracts, commands, counts } = testContracts(prefix, partitions);
    const groupId = uniqueName('rebalance-counter');
    const [first, second] = [createTestBus(contracts), createTestBus(contracts)] as [Bus, Bus];
    buses.push(first, second);
    const spec = { ...counterConsumer({ commands, counts, groupId }), sessionTimeoutMs: 6000 };
    const consumerA = first.consumer(spec);
    const consumerB = second.consumer(spec);
    await first.ensureTopics();
    await first.registerSchemas();
    const keys = Array.from({ length: 12 }, (_, index) => `SESSION-${index}`);
    let sent = 0;
    const publishWave = async (size: number) => {
      const wave = Array.from({ length: size }, (_, index) => ({
        key: keys[(sent + index) % keys.length] as string,
        requestId: `cmd-${sent + index}`,
        at: new Date(1_700_000_000_000 + sent + index),
        behaviour: 'OK' as const,
      }));
      sent += size;
      await publishCommands(first, commands, wave);
    };
    const countedSoFar = async () => (await readTopic(first, counts)).length;

    // Act: A alone, then B joins while commands keep coming, then A leaves.
    await first.start();
    await publishWave(300);
    await waitFor(async () => (await countedSoFar()) >= 100, { description: 'A to count a first part' });
    await second.start();
    await publishWave(300);
    // The split once the rebalance is over: until A has rejoined, it still shows all six partitions beside B's.
    await waitForSettledGroups([() => first.statuses(), () => second.statuses()], {
      partitions,
      description: 'A and B to split the partitions',
      timeoutMs: 30_000,
    });
    const split = {
      a: consumerA.status().assignment[commands] ?? [],
      b: consumerB.status().assignment[commands] ?? [],
    };
    await waitFor(async () => (await countedSoFar()) >= sent, {
      description: 'all commands counted',
      timeoutMs: 60_000,
    });
    await first.stop();
    await publishWave(120);
    const out = await waitFor(
      async () => {
        const events = await readTopic(second, counts);
        return events.length >= sent && events;
      },
      { description: 'B to count what A left', timeoutMs: 60_000 },
    );

    // Assert
    expect([...split.a, ...split.b].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(split.a.filter((partition) => split.b.includes(partition))).toEqual([]);
    expect(consumerB.status().assignment[commands]).toEqual([0, 1, 2, 3, 4, 5]);
    const counted = out.map((event) => event.value as Counted);
    expect(counted).toHaveLength(sent);
    expect(new Set(counted.map((count) => count.requestId)).size).toBe(sent);
    for (const key of keys) {
      const sequences = out.filter((event) => event.key === key).map((event) => (event.value as Counted).sequence);
      expect(sequences).toEqual(Array.from({ length: sent / keys.length }, (_, index) => index + 1));
    }
  });
});
