import { randomBytes } from 'node:crypto';
import type { Bus } from '@passerelle/bus';
import { type RunningService, startService } from '@passerelle/runtime';
import { runnableEnv } from '@passerelle/test-kit/runnable';
import { LogCapture, securityPass } from '@passerelle/test-kit/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sofiConnector } from '../src/connector.js';
import { offerTopic } from './inbound-helpers.js';

// Every route of the SOFI connector, from its /openapi.json, attacked with the security cases
// (packages/test-kit/src/security.ts): the upload takes LHEO XML, so its malformed case is an export that does not
// parse, and its limit is the connector's own (SOFI_MAX_UPLOAD_BYTES). One token, no organisation to be foreign to.

const MAX_BYTES = 20_000;
const token = randomBytes(24).toString('base64url');
const buses: Bus[] = [];
const OPS_TOKEN = 'ops-token-of-the-security-pass';
const logs = new LogCapture();
let topic: Awaited<ReturnType<typeof offerTopic>>;
let service: RunningService;

beforeAll(async () => {
  topic = await offerTopic(buses);
  const env = runnableEnv('sofi', {
    SOFI_OFFER_TOPIC: topic.topic,
    SOFI_API_TOKEN: token,
    SOFI_MAX_UPLOAD_BYTES: String(MAX_BYTES),
    LOG_LEVEL: 'debug',
    OPS_TOKEN,
  });
  service = await startService(sofiConnector(env), env, { logDestination: logs.stream });
});

afterAll(async () => {
  await service?.stop();
  await Promise.all(buses.map((bus) => bus.stop()));
});

describe('security — every route of the SOFI connector', () => {
  it('when hostile requests hit every route, then each is a 4xx problem+json, nothing is published, nothing personal logged', async (context) => {
    const report = await securityPass({
      runnable: 'connector-sofi',
      url: service.url,
      token,
      bodyLimit: MAX_BYTES,
      opsToken: OPS_TOKEN,
      bus: topic.bus,
      outputs: [topic.topic],
      logs,
      minimumCases: 8,
    });
    context.task.meta.securityCases = report.cases.length;
    expect(report.failures).toEqual([]);
    expect(report.published).toEqual({});
    expect(report.leaked).toEqual([]);
  });
});
