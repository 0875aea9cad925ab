import { uniqueName, waitFor } from '@passerelle/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bus, DeadLetters, deadLetterTopicFor, maskPersonalData } from '../src/index.js';
import { testContracts } from './fixtures/contracts.js';
import { type CountCommand, counterConsumer, publishCommands } from './fixtures/counter.js';
import { createTestBus, readRawTopic, testLog } from './fixtures/harness.js';

// Dead letters as ops handle them: written by a real ManagedConsumer, browsed, and replayed by two admin
// instances at once — each entry goes back to its topic once, whoever asked and however often.

const { contracts, commands, counts } = testContracts(uniqueName('dead-letters'), 2);
const groupId = uniqueName('dead-letters-counter');
const deadLetterTopic = deadLetterTopicFor(groupId);
const buses: Bus[] = [];

beforeAll(async () => {
  const bus = createTestBus(contracts);
  buses.push(bus);
  bus.consumer(counterConsumer({ commands, counts, groupId }));
  await bus.ensureTopics();
  await bus.registerSchemas();
  await bus.start();
  const refused = (index: number): { key: string } & CountCommand => ({
    key: `S${index}`,
    requestId: `refused-${index}`,
    at: new Date(1_700_000_000_000 + index),
    behaviour: 'REFUSE',
  });
  await publishCommands(bus, commands, [0, 1, 2, 3].map(refused));
  const dead = new DeadLetters(bus, { log: testLog });
  await waitFor(async () => (await dead.browse(deadLetterTopic)).pending === 4, {
    description: 'four refused commands dead-lettered',
    timeoutMs: 30_000,
  });
  // The consumer has done its part: stop it, so the replayed commands stay on the topic for the test to count.
  await bus.stop();
});
afterAll(async () => {
  await Promise.all(buses.map((bus) => bus.stop()));
});

function adminInstance() {
  const bus = createTestBus(contracts);
  buses.push(bus);
  return new DeadLetters(bus, { log: testLog });
}

describe('dead letters', () => {
  it('when browsed, then each entry names its origin and failure and decodes with the writer schema', async () => {
    const page = await adminInstance().browse(deadLetterTopic);

    expect(page.total).toBe(4);
    expect(page.entries.map((entry) => (entry.value as { requestId: string }).requestId).sort()).toEqual([
      'refused-0',
      'refused-1',
      'refused-2',
      'refused-3',
    ]);
    expect(page.entries[0]).toMatchObject({
      status: 'pending',
      record: 'fr.passerelle.test.CountRequested',
      origin: { topic: commands, group: groupId, consumer: `counter.${groupId}` },
      failure: { stage: 'handle', errorClass: 'non-retriable', code: 'TEST_REFUSED' },
    });
  });

  it('when two admin instances replay the same entries at once, then each entry goes back exactly once', async () => {
    const [first, second] = [adminInstance(), adminInstance()];
    const ids = (await first.browse(deadLetterTopic)).entries.map((entry) => entry.id);

    // Both ask for everything at the same time; a request fenced by the other fails and is simply retried.
    const attempt = (instance: DeadLetters) =>
      waitFor(() => instance.replay(deadLetterTopic, ids), { description: 'a replay that commits', timeoutMs: 30_000 });
    const results = await Promise.all([attempt(first), attempt(second)]);
    const retried = await first.replay(deadLetterTopic, 'all');
    const reader = await readRawTopic(buses[0] as Bus, commands);
    const replayed = await waitFor(() => {
      const copies = reader.messages.filter((message) => message.headers['dlq.replayed-from']);
      return copies.length >= 4 && copies;
    });
    await reader.stop();
    const after = await second.browse(deadLetterTopic, { all: true });

    expect(results.flatMap((result) => result.done).sort()).toEqual([...ids].sort());
    expect(retried.done).toEqual([]);
    expect(replayed).toHaveLength(4);
    expect(new Set(replayed.map((message) => message.headers['dlq.replayed-from'])).size).toBe(4);
    expect(replayed.every((message) => message.headers['dlq.replay-for-group'] === groupId)).toBe(true);
    expect(after.pending).toBe(0);
    expect(after.entries.every((entry) => entry.status === 'replayed')).toBe(true);
  });

  it('masks personal data at any depth, as the logger redacts it', () => {
    const masked = maskPersonalData({
      requestId: 'r1',
      at: new Date(0),
      de: { deIdentifier: '1234567A', lastName: 'Martin' },
      contacts: [{ email: 'a@b.fr', phone: null, role: 'referent' }],
    });

    expect(masked).toEqual({
      requestId: 'r1',
      at: '1970-01-01T00:00:00.000Z',
      de: '[MASKED]',
      contacts: [{ email: '[MASKED]', phone: null, role: 'referent' }],
    });
  });
});
