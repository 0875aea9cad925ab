import { outputsOf } from '@passerelle/schemas';
import { LogCapture, securityPass } from '@passerelle/test-kit/security';
import { describe, expect, it } from 'vitest';
import { ADVISER_TOKEN, newDe, OTHER_TOKEN, TOKEN, useKairos } from './harness.js';

// Every route of the OF API, from its /openapi.json, attacked with the security cases (packages/test-kit/src/security.ts):
// a session of the OF with an ICO and a registration exists, so another OF's token is refused on real ids.

const OPS_TOKEN = 'ops-token-of-the-security-pass';
const ADVISER_DECISION = 'POST /sessions/{sessionKey}/quotes/{quoteId}/decision';
const logs = new LogCapture();
const { broker, kairos, newSession, prefix } = useKairos({
  instances: [{ LOG_LEVEL: 'debug', OPS_TOKEN }],
  start: { logDestination: logs.stream },
});

describe('security — every route of the Kairos connector', () => {
  it('when hostile requests hit every route, then each is a 4xx problem+json, nothing is published, nothing personal logged', async (context) => {
    const { session, path } = await newSession();
    const scheduled = await kairos.api.post(`${path}/modalities`, {
      kind: 'ICO',
      date: '2026-12-10',
      startTime: '09:30',
      endTime: '11:30',
      place: '11 rue Étienne Coutan, Nantes',
      capacity: 5,
    });
    expect(scheduled.status).toBe(201);
    const modalityId = scheduled.body.modalityId as string;
    const registered = await kairos.api.post(`${path}/modalities/${modalityId}/registrations`, { de: newDe() });
    expect(registered.status).toBe(201);
    await broker.recorded(registered.body.eventIds);

    const report = await securityPass({
      runnable: 'connector-kairos',
      url: kairos.service.url,
      token: TOKEN,
      // The AIF quote decision takes a France Travail adviser's token, never an OF's.
      tokenFor: { [ADVISER_DECISION]: ADVISER_TOKEN },
      foreignToken: OTHER_TOKEN,
      shared: {
        [ADVISER_DECISION]:
          'any France Travail adviser decides any AIF quote (advisers are not scoped to sessions); an OF token is 401',
      },
      opsToken: OPS_TOKEN,
      ids: {
        sessionKey: session.sessionKey,
        modalityId,
        registrationId: registered.body.registrationId as string,
        commandId: registered.body.commandId as string,
      },
      bus: broker.bus,
      // Kairos's commands and their outcomes are its own request/reply topics: an act of another OF is routed to
      // the session's writer, which refuses it there (FORBIDDEN_SESSION), so only the business events are outputs.
      outputs: outputsOf('connector-kairos').map((topic) => `${prefix}${topic.name}`),
      logs,
      minimumCases: 500,
    });
    context.task.meta.securityCases = report.cases.length;
    expect(report.failures).toEqual([]);
    expect(report.published).toEqual({});
    expect(report.leaked).toEqual([]);
  });
});
