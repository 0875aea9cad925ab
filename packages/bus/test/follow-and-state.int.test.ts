import { NonRetriableError } from '@passerelle/service-kit';
import { patience, uniqueName, waitFor } from '@passerelle/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { type Bus, type ConsumedEvent, type ConsumerSpec, DeadLetters, deadLetterTopicFor } from '../src/index.js';
import { COUNTED, testContracts } from './fixtures/contracts.js';
import { type CountCommand, type Counted, counterConsumer, publishCommands } from './fixtures/counter.js';
import { createTestBus, readTopic, testLog } from './fixtures/harness.js';

// Followers (every partition in every instance: read models, reply waiting) and state rebuilt from an input topic,
// against the real broker and registry.

const buses: Bus[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.stop()));
});

async function setUp(partitions = 3) {
  const { contracts, commands, counts } = testContracts(uniqueName('follow'), partitions);
  const newBus = async () => {
    const bus = createTestBus(contracts);
    buses.push(bus);
    await bus.ensureTopics();
    await bus.registerSchemas();
    return bus;
  };
  return { newBus, commands, counts, groupId: uniqueName('group') };
}

const at = new Date('2026-03-02T08:30:00.000Z');
const countOf = (event: ConsumedEvent | undefined) => event?.value as Counted | undefined;
const sequences = (events: ReadonlyArray<{ value: unknown }>) =>
  events.map((event) => [(event.value as Counted).requestId, (event.value as Counted).sequence]);

describe('Replies', () => {
  it('when a consumer answers a command, then the waiter gets the answer, also when asking again later', async () => {
    const { newBus, commands, counts, groupId } = await setUp();
    const bus = await newBus();
    bus.consumer(counterConsumer({ commands, counts, groupId }));
    const replies = bus.replies({
      name: 'counts',
      topics: [counts],
      correlate: (event) => (event.value as Counted | null)?.requestId,
    });
    await bus.start();

    const answer = replies.wait('r1', patience(20_000));
    await publishCommands(bus, commands, [{ key: 'session-A', requestId: 'r1', at, behaviour: 'OK' }]);

    expect(countOf(await answer)).toMatchObject({ requestId: 'r1', sequence: 1 });
    expect(countOf(replies.get('r1'))?.requestId).toBe('r1');
    expect(countOf(await replies.wait('r1', 1))?.requestId).toBe('r1');
    expect(await replies.wait('never-asked', 200)).toBeUndefined();
  });

  it('when the answer is published right after start, then it is not missed', async () => {
    const { newBus, counts } = await setUp();
    const bus = await newBus();
    const replies = bus.replies({
      name: 'counts',
      topics: [counts],
      correlate: (event) => (event.value as Counted | null)?.requestId,
    });
    await bus.start();
    await bus.publish([
      { topic: counts, key: 'k', record: COUNTED, value: { requestId: 'early', sequence: 1, at, note: null } },
    ]);
    expect(countOf(await replies.wait('early', patience(20_000)))?.requestId).toBe('early');
  });
});

describe('Follower', () => {
  it('when following from the beginning, then it reads what was there, is caught up, then sees what comes', async () => {
    const { newBus, commands } = await setUp();
    const bus = await newBus();
    await publishCommands(
      bus,
      commands,
      ['a', 'b', 'c', 'd', 'e'].map((id) => ({ key: `session-${id}`, requestId: id, at, behaviour: 'OK' as const })),
    );
    const seen: string[] = [];
    const follower = bus.follow({
      name: 'commands',
      topics: [commands],
      fromBeginning: true,
      onEvent: (event) => seen.push((event.value as CountCommand).requestId),
    });
    await bus.start();
    await follower.caughtUp();
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);

    await publishCommands(bus, commands, [{ key: 'session-f', requestId: 'f', at, behaviour: 'OK' }]);
    await waitFor(() => seen.includes('f'));
    expect(seen).toHaveLength(6);
  });
});

describe('State rebuilt from an input topic', () => {
  /**
   * The state is the number of commands of a key consumed so far (the input topic is the state topic), and each
   * command is counted with the next number. A rebuild reading past the group's committed offset would skip
   * numbers; an input applied twice would too; a refused (dead-lettered) command counts neither live nor on
   * rebuild — until it is replayed to a consumer that accepts it (`fixed`: the cause of the refusal was fixed).
   */
  const positionCounter = ({
    commands,
    counts,
    groupId,
    fixed = false,
  }: {
    commands: string;
    counts: string;
    groupId: string;
    fixed?: boolean;
  }): ConsumerSpec<number> => ({
    name: `position.${groupId}`,
    groupId,
    topics: [commands],
    state: { topics: [commands], apply: (current) => (current ?? 0) + 1 },
    handle(event: ConsumedEvent, context) {
      const command = event.value as CountCommand;
      if (command.behaviour === 'REFUSE' && !fixed) throw new NonRetriableError('TEST_REFUSED', 'refused by rule');
      const key = event.key as string;
      context.publish({
        topic: counts,
        key,
        record: COUNTED,
        value: { requestId: command.requestId, sequence: (context.state(key) ?? 0) + 1, at, note: null },
      });
    },
  });

  it('when the consumer restarts with unconsumed inputs, then the state stops at the committed offset and nothing counts twice', async () => {
    const { newBus, commands, counts, groupId } = await setUp(1);
    const first = await newBus();
    first.consumer(positionCounter({ commands, counts, groupId }));
    await first.start();
    const command = (requestId: string, behaviour: CountCommand['behaviour'] = 'OK') => ({
      key: 'session-A',
      requestId,
      at,
      behaviour,
    });
    await publishCommands(first, commands, [command('r1'), command('r2', 'REFUSE'), command('r3')]);
    await waitFor(async () => (await readTopic(first, counts)).length === 2);
    await first.stop();
    buses.splice(buses.indexOf(first), 1);

    // Published while no instance runs: the next one rebuilds r1..r3 from the input, then consumes r4, r5.
    const second = await newBus();
    await publishCommands(second, commands, [command('r4'), command('r5')]);
    second.consumer(positionCounter({ commands, counts, groupId }));
    await second.start();

    const out = await waitFor(async () => {
      const events = await readTopic(second, counts);
      return events.length === 4 && events;
    });
    expect(sequences(out)).toEqual([
      ['r1', 1],
      ['r3', 2],
      ['r4', 3],
      ['r5', 4],
    ]);
  });

  it('when a dead-lettered input is replayed after its cause was fixed, then it counts once, live and after a rebuild', async () => {
    const { newBus, commands, counts, groupId } = await setUp(1);
    const command = (requestId: string, behaviour: CountCommand['behaviour'] = 'OK') => ({
      key: 'session-A',
      requestId,
      at,
      behaviour,
    });
    const first = await newBus();
    first.consumer(positionCounter({ commands, counts, groupId }));
    await first.start();
    await publishCommands(first, commands, [command('r1'), command('poison', 'REFUSE'), command('r2')]);
    const dead = new DeadLetters(first, { log: testLog });
    await waitFor(async () => (await dead.browse(deadLetterTopicFor(groupId))).pending === 1, {
      description: 'the refused command dead-lettered',
    });
    await first.stop();
    buses.splice(buses.indexOf(first), 1);

    // The fix is deployed: a new instance rebuilds its state (without the dead letter), then the poison is replayed.
    const fixed = await newBus();
    fixed.consumer(positionCounter({ commands, counts, groupId, fixed: true }));
    await fixed.start();
    const replayed = await new DeadLetters(fixed, { log: testLog }).replay(deadLetterTopicFor(groupId), 'all');
    await waitFor(async () => (await readTopic(fixed, counts)).length === 3, { description: 'the replay counted' });
    await fixed.stop();
    buses.splice(buses.indexOf(fixed), 1);

    // Restarted once more: the rebuild counts the replayed copy once and the original not at all.
    const restarted = await newBus();
    restarted.consumer(positionCounter({ commands, counts, groupId, fixed: true }));
    await restarted.start();
    await publishCommands(restarted, commands, [command('r3')]);
    const out = await waitFor(async () => {
      const events = await readTopic(restarted, counts);
      return events.length === 4 && events;
    });

    expect(replayed.done).toHaveLength(1);
    expect(sequences(out)).toEqual([
      ['r1', 1],
      ['r2', 2],
      ['poison', 3],
      ['r3', 4],
    ]);
  });
});
