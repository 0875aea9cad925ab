import { type ConsumerStatus, consumerGroupLag } from '@passerelle/bus';
import {
  type CountCommand,
  counterConsumer,
  createTestBus,
  publishCommands,
  readTopic,
  testContracts,
} from '@passerelle/bus/test-fixtures';
import { z } from '@passerelle/service-kit';
import { testStack, uniqueName, waitFor } from '@passerelle/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../src/index.js';

// The ops routes every runnable gets from startService: the consumers' status, and pause/resume/restart behind
// the ops token (403 when the runnable has none), checked against the consumption they steer on the real broker.

const OPS_TOKEN = 'ops-token-for-the-bus-tests-0001';
const { contracts, commands, counts } = testContracts(uniqueName('ops'), 2);
const groupId = uniqueName('ops-counter');
const consumerName = `counter.${groupId}`;
const bus = createTestBus(contracts);

function serviceEnv(extra: Record<string, string> = {}) {
  const stack = testStack();
  return {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    SCHEMAS_REGISTER_ON_START: 'true',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

function counterService(env: Record<string, string>, group = groupId) {
  return startService(
    {
      name: 'ops-test',
      contracts,
      configSchema: z.object({}),
      setup: ({ bus: serviceBus }) => {
        serviceBus.consumer(counterConsumer({ commands, counts, groupId: group }));
      },
    },
    env,
  );
}

let service: RunningService;
beforeAll(async () => {
  await bus.ensureTopics();
  await bus.registerSchemas();
  service = await counterService(serviceEnv({ OPS_TOKEN }));
});
afterAll(async () => {
  await service?.stop();
  await bus.stop();
});

const post = (url: string, token?: string) =>
  fetch(url, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
const command = (index: number): { key: string } & CountCommand => ({
  key: `S${index % 4}`,
  requestId: `ops-${index}`,
  at: new Date(1_700_000_000_000 + index),
  behaviour: 'OK',
});
const lagOf = async () => (await consumerGroupLag(await bus.admin(), groupId, [commands])).lag;

describe('the ops routes of a runnable', () => {
  it('when an action comes without the ops token or with a wrong one, then it is refused with 401 problem+json and nothing changes', async () => {
    const url = `${service.url}/status/consumers/${consumerName}/pause`;

    const none = await post(url);
    const wrong = await post(url, 'not-the-ops-token-at-all');
    const statuses = (await (await fetch(`${service.url}/status/consumers`)).json()) as ConsumerStatus[];

    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect(((await none.json()) as { type: string }).type).toBe('urn:passerelle:problem:unauthorized');
    expect(wrong.status).toBe(401);
    expect(statuses.find((status) => status.name === consumerName)?.state).not.toBe('PAUSED');
  });

  it('when a consumer is paused, then its lag grows; when resumed, it drains to zero; restart comes back RUNNING', async () => {
    const base = `${service.url}/status/consumers/${consumerName}`;
    await publishCommands(bus, commands, [0, 1, 2, 3].map(command));
    await waitFor(async () => (await readTopic(bus, counts)).length >= 4, { description: 'first commands counted' });

    const paused = await post(`${base}/pause`, OPS_TOKEN);
    const pausedStatus = (await paused.json()) as ConsumerStatus;
    await publishCommands(bus, commands, [4, 5, 6, 7, 8, 9].map(command));
    // A paused consumer takes nothing more: the lag stays at what was published since the pause.
    const lagWhilePaused = await waitFor(async () => ((await lagOf()) >= 6 ? lagOf() : undefined), {
      description: 'the lag to grow while paused',
    });
    const countedWhilePaused = (await readTopic(bus, counts)).length;
    const resumed = await post(`${base}/resume`, OPS_TOKEN);
    const resumedStatus = (await resumed.json()) as ConsumerStatus;
    const drained = await waitFor(async () => ((await readTopic(bus, counts)).length >= 10 ? lagOf() : undefined), {
      description: 'the backlog to drain after resume',
    });
    const restarted = await post(`${base}/restart`, OPS_TOKEN);
    const runningAgain = await waitFor(async () => {
      const statuses = (await (await fetch(`${service.url}/status/consumers`)).json()) as ConsumerStatus[];
      return statuses.find((status) => status.name === consumerName && status.state === 'RUNNING');
    });

    expect(paused.status).toBe(202);
    expect(pausedStatus.state).toBe('PAUSED');
    expect(lagWhilePaused).toBeGreaterThanOrEqual(6);
    expect(countedWhilePaused).toBe(4);
    expect(resumed.status).toBe(202);
    expect(resumedStatus.state).toBe('RUNNING');
    // Transaction markers take offsets: a drained partition shows at most one.
    expect(drained).toBeLessThanOrEqual(2);
    expect(restarted.status).toBe(202);
    expect(runningAgain.groupId).toBe(groupId);
  });

  it('when an unknown consumer or action is named, then 404 problem+json', async () => {
    const unknownConsumer = await post(`${service.url}/status/consumers/nobody/pause`, OPS_TOKEN);
    const unknownAction = await post(`${service.url}/status/consumers/${consumerName}/explode`, OPS_TOKEN);

    expect(unknownConsumer.status).toBe(404);
    expect(((await unknownConsumer.json()) as { detail: string }).detail).toContain('nobody');
    expect(unknownAction.status).toBe(404);
  });

  it('when the runnable has no OPS_TOKEN, then every action answers 403 ops-actions-disabled', async () => {
    const otherGroup = uniqueName('ops-no-token');
    const withoutToken = await counterService(serviceEnv(), otherGroup);
    try {
      const response = await post(`${withoutToken.url}/status/consumers/counter.${otherGroup}/pause`, OPS_TOKEN);
      const statuses = (await (await fetch(`${withoutToken.url}/status/consumers`)).json()) as ConsumerStatus[];

      expect(response.status).toBe(403);
      expect(((await response.json()) as { type: string }).type).toBe('urn:passerelle:problem:ops-actions-disabled');
      expect(statuses[0]?.state).not.toBe('PAUSED');
    } finally {
      await withoutToken.stop();
    }
  });
});
