import type { ChildProcess } from 'node:child_process';
import { patience, uniqueName, waitFor } from '@passerelle/test-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { testContracts } from './fixtures/contracts.js';
import { type Counted, counterConsumer, publishCommands } from './fixtures/counter.js';
import { createTestBus, readTopic, spawnFixture } from './fixtures/harness.js';

// The processing guarantee, proven by killing: consumers in child processes are SIGKILLed between processing
// and commit and at a random point, then a last one finishes the work. Every command must be counted exactly
// once, and every key's sequence must be 1..n without gap or repeat (state rebuilt from Kafka after each kill).

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

function startCounterProcess(env: Record<string, string>) {
  const child = spawnFixture('counter-process.ts', env, children);
  const progress = { handled: 0, running: false };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (line === 'running') progress.running = true;
      if (line.startsWith('{') && process.env.LOG_LEVEL) console.error(line);
      const match = /^handled (\d+)$/.exec(line);
      if (match) progress.handled = Number(match[1]);
    }
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  return { child, progress, exited };
}

// Three consumer processes one after the other over 600 commands: longer than the default test timeout.
describe('effectively once', { timeout: patience(240_000) }, () => {
  it('when consumers are killed between processing and commit and at random, then nothing is lost or doubled', async () => {
    // Arrange: 600 commands over 6 session keys, waiting in the command topic.
    const prefix = uniqueName('kill');
    const { contracts, commands, counts } = testContracts(prefix, 3);
    const bus = createTestBus(contracts);
    const groupId = uniqueName('kill-counter');
    // Declared here only so ensureTopics also creates its dead-letter topic; this process never starts it.
    bus.consumer(counterConsumer({ commands, counts, groupId }));
    await bus.ensureTopics();
    await bus.registerSchemas();
    const keys = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'];
    const sent = Array.from({ length: 600 }, (_, index) => ({
      key: keys[index % keys.length] as string,
      requestId: `cmd-${index}`,
      at: new Date(1_700_000_000_000 + index),
      behaviour: 'OK' as const,
    }));
    await publishCommands(bus, commands, sent);
    const common = { PREFIX: prefix, GROUP: groupId, PARTITIONS: '3' };

    // Act 1: a consumer kills itself right after handling its 150th command, before that batch commits.
    const first = startCounterProcess({ ...common, DIE_AFTER: '150' });
    expect(await first.exited).toBe('SIGKILL');
    const afterFirst = (await readTopic(bus, counts)).length;

    // Act 2: another one is killed from outside at a random point while it works.
    const second = startCounterProcess(common);
    const killAt = afterFirst + 20 + Math.floor(Math.random() * 150);
    await waitFor(() => second.progress.handled >= killAt - afterFirst, {
      description: `${killAt} commands handled`,
      timeoutMs: 60_000,
    });
    second.child.kill('SIGKILL');
    expect(await second.exited).toBe('SIGKILL');

    // Act 3: a last consumer finishes the work.
    const third = startCounterProcess(common);
    const out = await waitFor(
      async () => {
        const events = await readTopic(bus, counts);
        return events.length >= sent.length && events;
      },
      { description: 'every command counted', timeoutMs: 90_000 },
    );
    third.child.kill('SIGTERM');
    await third.exited;
    await bus.stop();

    // Assert: each command counted exactly once, and per key the sequences are 1..n.
    const counted = out.map((event) => event.value as Counted);
    expect(afterFirst).toBeLessThan(150);
    expect(counted).toHaveLength(sent.length);
    expect(new Set(counted.map((count) => count.requestId)).size).toBe(sent.length);
    for (const key of keys) {
      const sequences = out.filter((event) => event.key === key).map((event) => (event.value as Counted).sequence);
      expect(sequences).toEqual(Array.from({ length: sent.length / keys.length }, (_, index) => index + 1));
    }
  });
});
