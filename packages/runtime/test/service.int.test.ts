import type { ChildProcess } from 'node:child_process';
import {
  type Counted,
  counterConsumer,
  createTestBus,
  publishCommands,
  readTopic,
  spawnFixture,
  testContracts,
} from '@passerelle/bus/test-fixtures';
import { patience, uniqueName, waitFor } from '@passerelle/test-kit';
import { afterAll, describe, expect, it } from 'vitest';

// A runnable built with runService, in its own process: configuration errors listed at start, readiness and
// metrics over HTTP, and SIGTERM in the middle of the work finishing the batch, committing and leaving the group.

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

function startService(env: Record<string, string>) {
  const child = spawnFixture(
    new URL('./fixtures/counter-service.ts', import.meta.url),
    { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...env },
    children,
    {
      stderr: 'pipe',
    },
  );
  const output = { stdout: '', stderr: '', url: undefined as string | undefined };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
    output.url ??= /listening (\S+)/.exec(output.stdout)?.[1];
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

// Two service processes one after the other: longer than the default test timeout.
describe('a runnable (runService)', { timeout: patience(120_000) }, () => {
  it('when its configuration is wrong, then it exits 1 listing every problem', async () => {
    const service = startService({ KAFKA_BROKERS: '', SCHEMA_REGISTRY_URL: 'not a url', GROUP: '', HTTP_PORT: 'x' });
    expect(await service.exited).toBe(1);
    for (const key of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'GROUP', 'HTTP_PORT']) {
      expect(service.output.stderr).toContain(key);
    }
  });

  it('when SIGTERM arrives mid-work, then it commits what it handled, leaves the group and exits 0; nothing is lost', async () => {
    // Arrange
    const prefix = uniqueName('service');
    const { contracts, commands, counts } = testContracts(prefix, 3);
    const bus = createTestBus(contracts);
    const groupId = uniqueName('service-counter');
    bus.consumer(counterConsumer({ commands, counts, groupId }));
    await bus.ensureTopics();
    await bus.registerSchemas();
    const sent = Array.from({ length: 200 }, (_, index) => ({
      key: `S${index % 4}`,
      requestId: `cmd-${index}`,
      at: new Date(1_700_000_000_000 + index),
      behaviour: 'OK' as const,
    }));
    await publishCommands(bus, commands, sent);
    const env = { PREFIX: prefix, GROUP: groupId, PARTITIONS: '3', HANDLE_DELAY_MS: '25' };
    const first = startService(env);
    const url = await waitFor(() => first.output.url, { description: 'the service to listen' });

    // Act
    const ready = await waitFor(async () => {
      const response = await fetch(`${url}/readyz`);
      return response.status === 200 && ((await response.json()) as { status: string });
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    await waitFor(async () => (await readTopic(bus, counts)).length >= 20, { description: 'some work done' });
    first.child.kill('SIGTERM');
    const exitCode = await first.exited;
    const committedAtStop = (await readTopic(bus, counts)).length;
    const admin = await bus.admin();
    const [group] = (await admin.describeGroups([groupId])).groups;
    const second = startService(env);
    const out = await waitFor(
      async () => {
        const events = await readTopic(bus, counts);
        return events.length >= sent.length && events;
      },
      { description: 'the second instance to finish', timeoutMs: 60_000 },
    );
    second.child.kill('SIGTERM');
    await second.exited;
    await bus.stop();

    // Assert
    expect(ready.status).toBe('ready');
    expect(metrics).toContain('passerelle_bus_consumed_total');
    expect(exitCode).toBe(0);
    expect(committedAtStop).toBeLessThan(sent.length);
    expect(group?.state).toBe('Empty');
    expect(out).toHaveLength(sent.length);
    expect(new Set(out.map((event) => (event.value as Counted).requestId)).size).toBe(sent.length);
  });
});
