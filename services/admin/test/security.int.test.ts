import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bus } from '@passerelle/bus';
import type { RunningService } from '@passerelle/runtime';
import { uniqueName, waitFor } from '@passerelle/test-kit';
import { prepareBus } from '@passerelle/test-kit/runnable';
import { LogCapture, securityPass } from '@passerelle/test-kit/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  APPLICATION,
  adminClient,
  fakeJourneyService,
  OPS_TOKEN,
  startAdmin,
  startWorker,
  testBus,
  workerContracts,
} from './fixtures.js';

// Every route of the admin, from its /openapi.json, attacked with the security cases
// (packages/test-kit/src/security.ts). One token opens the whole API (no organisation to be foreign to); a worker
// has a dead letter waiting, so a hostile replay or discard would show on its topics.

const prefix = uniqueName('admin-security');
const groupId = uniqueName('admin-security-worker');
const deadLetterTopic = `dlq.${groupId}.v1`;
const { contracts, applications, accepted } = workerContracts(prefix);
const logs = new LogCapture();

let bus: Bus;
let worker: RunningService;
let admin: RunningService;
let journey: Server;

beforeAll(async () => {
  bus = testBus(contracts);
  await prepareBus(bus);
  journey = await fakeJourneyService();
  worker = await startWorker(prefix, groupId, new Set(['SESSION-OPEN']));
  admin = await startAdmin(
    { worker: worker.url, journey: `http://127.0.0.1:${(journey.address() as AddressInfo).port}` },
    // Its own grants topic, watched below: a hostile grant or revocation would show there.
    { LOG_LEVEL: 'debug', ADMIN_TOPIC_PREFIX: `${prefix}.` },
    { logDestination: logs.stream },
  );
});

afterAll(async () => {
  await admin?.stop();
  await worker?.stop();
  await bus?.stop();
  journey?.close();
});

describe('security — every route of the admin', () => {
  it('when hostile requests hit every route, then each is a 4xx problem+json, nothing is published, nothing personal logged', async (context) => {
    const poison = {
      requestId: 'req-security',
      sessionKey: 'SESSION-UNKNOWN',
      de: { deIdentifier: 'DE0000042', lastName: 'Dupont-Secret', email: 'x@example.org' },
    };
    await bus.publish([{ topic: applications, key: poison.sessionKey, record: APPLICATION, value: poison }]);
    await waitFor(
      async () =>
        ((await adminClient(admin).get<{ pending: number }>(`/dead-letters/${deadLetterTopic}`)).body?.pending ?? 0) >
        0,
      { description: 'the poison event in the dead-letter topic' },
    );

    const report = await securityPass({
      runnable: 'service-admin',
      url: admin.url,
      token: ADMIN_TOKEN,
      opsToken: OPS_TOKEN,
      ids: {
        name: 'worker',
        action: 'pause',
        task: `applications.${groupId}`,
        topic: deadLetterTopic,
        subject: `${applications}-${APPLICATION}`,
        id: 'J-42',
      },
      bus,
      outputs: [applications, accepted, deadLetterTopic, `${prefix}.access.grants.v1`],
      logs,
      minimumCases: 80,
    });
    context.task.meta.securityCases = report.cases.length;
    expect(report.failures).toEqual([]);
    expect(report.published).toEqual({});
    expect(report.leaked).toEqual([]);
  });
});
