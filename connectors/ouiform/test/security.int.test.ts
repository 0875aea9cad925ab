import type { RunningService } from '@passerelle/runtime';
import { outputsOf } from '@passerelle/schemas';
import { LogCapture, securityPass } from '@passerelle/test-kit/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, account, connectorEnv, PlayedKairos, prescriptionBody, startOuiform, topicPrefix } from './harness.js';

// Every route of the prescriber API, from its /openapi.json, attacked with the security cases
// (packages/test-kit/src/security.ts): a prescription of one Mission Locale exists, and another prescriber's token
// is refused on it.

const prescriber = account('ML-SECURITE', 'MISSION_LOCALE');
const otherPrescriber = account('FT-SECURITE', 'FRANCE_TRAVAIL');
const OPS_TOKEN = 'ops-token-of-the-security-pass';

describe('security — every route of the Ouiform connector', () => {
  const prefix = topicPrefix();
  const kairos = new PlayedKairos(prefix);
  const logs = new LogCapture();
  let service: RunningService;

  beforeAll(async () => {
    await kairos.start();
    const env = connectorEnv(prefix, [prescriber, otherPrescriber], { LOG_LEVEL: 'debug', OPS_TOKEN });
    service = await startOuiform(env, { logDestination: logs.stream });
  });

  afterAll(async () => {
    await service?.stop();
    await kairos.stop();
  });

  it('when hostile requests hit every route, then each is a 4xx problem+json, nothing is published, nothing personal logged', async (context) => {
    const created = await new Api(service.url, prescriber.token).post(
      '/prescriptions',
      prescriptionBody('2345671S', { prescriptionId: 'PRES-SECURITE-1' }),
    );
    expect(created.status).toBe(201);

    const report = await securityPass({
      runnable: 'connector-ouiform',
      url: service.url,
      token: prescriber.token,
      foreignToken: otherPrescriber.token,
      opsToken: OPS_TOKEN,
      ids: { prescriptionId: 'PRES-SECURITE-1' },
      bus: kairos.bus,
      outputs: outputsOf('connector-ouiform').map((topic) => `${prefix}${topic.name}`),
      logs,
      minimumCases: 30,
    });
    context.task.meta.securityCases = report.cases.length;
    expect(report.failures).toEqual([]);
    expect(report.published).toEqual({});
    expect(report.leaked).toEqual([]);
  });
});
