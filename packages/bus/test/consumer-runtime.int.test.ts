import { uniqueName, waitFor } from '@passerelle/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus } from '../src/index.js';
import { COUNTED, testContracts } from './fixtures/contracts.js';
import { type Counted, counterConsumer, publishCommands } from './fixtures/counter.js';
import { createTestBus, readRawTopic, readTopic } from './fixtures/harness.js';

// The consumer runtime against the real broker and registry: typed publish, handling with state, dead letters,
// retries. Each test has its own topics and group.

const buses: Bus[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.stop()));
});

async function setUp(partitions = 3) {
  const { contracts, commands, counts } = testContracts(uniqueName('runtime'), partitions);
  const bus = createTestBus(contracts);
  buses.push(bus);
  await bus.ensureTopics();
  await bus.registerSchemas();
  return { bus, commands, counts, groupId: uniqueName('counter') };
}

const at = new Date('2026-03-02T08:30:00.000Z');

describe('ManagedConsumer', () => {
  it('when commands are consumed, then each key gets gapless sequences and timestamps decode as Dates', async () => {
    const { bus, commands, counts, groupId } = await setUp();
    bus.consumer(counterConsumer({ commands, counts, groupId }));
    await bus.start();

    await publishCommands(bus, commands, [
      { key: 'session-A', requestId: 'r1', at, behaviour: 'OK' },
      { key: 'session-B', requestId: 'r2', at, behaviour: 'OK' },
      { key: 'session-A', requestId: 'r3', at, behaviour: 'OK' },
    ]);

    const out = await waitFor(async () => {
      const events = await readTopic(bus, counts);
      return events.length === 3 && events;
    });
    const byKey = (key: string) => out.filter((event) => event.key === key).map((event) => event.value as Counted);
    expect(byKey('session-A').map((count) => [count.requestId, count.sequence])).toEqual([
      ['r1', 1],
      ['r3', 2],
    ]);
    expect(byKey('session-B').map((count) => count.sequence)).toEqual([1]);
    expect(out.every((event) => event.record === COUNTED)).toBe(true);
    expect((out[0]?.value as Counted | undefined)?.at).toEqual(at);
  });

  it('when a poison message arrives, then it lands in the dead-letter topic with its context and the consumer goes on', async () => {
    const { bus, commands, counts, groupId } = await setUp(1);
    const consumer = bus.consumer(counterConsumer({ commands, counts, groupId }));
    await bus.start();
    const producer = bus.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: commands,
      messages: [{ key: 'session-P', value: Buffer.from('{"not":"avro"}'), headers: { origin: 'hand-made' } }],
    });
    await producer.disconnect();
    await publishCommands(bus, commands, [
      { key: 'session-P', requestId: 'refused', at, behaviour: 'REFUSE' },
      { key: 'session-P', requestId: 'after-poison', at, behaviour: 'OK' },
    ]);

    const dlq = await readRawTopic(bus, consumer.deadLetterTopic);
    const [poison, refused] = await waitFor(() => dlq.messages.length === 2 && dlq.messages);
    await dlq.stop();
    const out = await waitFor(async () => {
      const events = await readTopic(bus, counts);
      return events.length === 1 && events;
    });

    expect(poison?.value?.toString()).toBe('{"not":"avro"}');
    expect(poison?.key).toBe('session-P');
    expect(poison?.headers).toMatchObject({
      origin: 'hand-made',
      'dlq.topic': commands,
      'dlq.partition': '0',
      'dlq.offset': '0',
      'dlq.group': groupId,
      'dlq.stage': 'decode',
      'dlq.error.class': 'non-retriable',
      'dlq.error.code': 'BUS_NOT_WIRE_FORMAT',
    });
    expect(refused?.headers).toMatchObject({
      'dlq.stage': 'handle',
      'dlq.error.code': 'TEST_REFUSED',
      'dlq.offset': '1',
    });
    expect((out[0]?.value as Counted | undefined)?.requestId).toBe('after-poison');
    expect(consumer.status().state).toBe('RUNNING');
    expect(await bus.metrics.valueOf('bus_dead_lettered_total', { group: groupId })).toBe(2);
  });

  it('when a handler fails transiently, then it is retried with backoff and succeeds exactly once', async () => {
    const { bus, commands, counts, groupId } = await setUp(1);
    const flakyFailures = new Map([['flaky-1', 2]]);
    bus.consumer({ ...counterConsumer({ commands, counts, groupId }, { flakyFailures }), retryBaseMs: 10 });
    await bus.start();

    await publishCommands(bus, commands, [{ key: 'session-F', requestId: 'flaky-1', at, behaviour: 'FLAKY' }]);

    const out = await waitFor(async () => {
      const events = await readTopic(bus, counts);
      return events.length > 0 && events;
    });
    expect(out.map((event) => (event.value as Counted).note)).toEqual(['attempt 2']);
    expect(flakyFailures.get('flaky-1')).toBe(0);
  });

  it('when retries are exhausted, then the event is dead-lettered as retries-exhausted', async () => {
    const { bus, commands, counts, groupId } = await setUp(1);
    const consumer = bus.consumer({
      ...counterConsumer({ commands, counts, groupId }, { flakyFailures: new Map([['always', 99]]) }),
      retryBaseMs: 1,
      maxRetries: 2,
    });
    await bus.start();

    await publishCommands(bus, commands, [{ key: 'session-X', requestId: 'always', at, behaviour: 'FLAKY' }]);

    const dlq = await readRawTopic(bus, consumer.deadLetterTopic);
    const [dead] = await waitFor(() => dlq.messages.length === 1 && dlq.messages);
    await dlq.stop();
    expect(dead?.headers).toMatchObject({
      'dlq.error.class': 'retries-exhausted',
      'dlq.error.code': 'TEST_TEMPORARILY_UNAVAILABLE',
    });
  });

  it('when a handler has a bug, then the consumer crashes, restarts under its policy, and ends FAILED with a trace', async () => {
    const { bus, commands, counts, groupId } = await setUp(1);
    const consumer = bus.consumer({
      ...counterConsumer({ commands, counts, groupId }),
      restartPolicy: { maxRestarts: 2, baseMs: 10, maxMs: 50 },
    });
    await bus.start();

    await publishCommands(bus, commands, [{ key: 'session-B', requestId: 'bug', at, behaviour: 'BUG' }]);

    const status = await waitFor(() => consumer.status().state === 'FAILED' && consumer.status());
    expect(status.restarts).toBe(2);
    expect(status.trace).toContain('TypeError: a programmer error');
    expect(await readTopic(bus, counts)).toEqual([]);
  });

  it('when paused, then nothing is consumed, and when resumed, then the backlog drains', async () => {
    const { bus, commands, counts, groupId } = await setUp(1);
    const consumer = bus.consumer(counterConsumer({ commands, counts, groupId }));
    await bus.start();
    await waitFor(() => consumer.status().state === 'RUNNING');

    consumer.pause();
    await publishCommands(bus, commands, [{ key: 'session-Q', requestId: 'while-paused', at, behaviour: 'OK' }]);
    expect(consumer.status().state).toBe('PAUSED');
    const whilePaused = await readTopic(bus, counts);
    consumer.resume();

    const out = await waitFor(async () => {
      const events = await readTopic(bus, counts);
      return events.length === 1 && events;
    });
    expect(whilePaused).toEqual([]);
    expect((out[0]?.value as Counted | undefined)?.requestId).toBe('while-paused');
    expect(consumer.status().state).toBe('RUNNING');
  });
});
