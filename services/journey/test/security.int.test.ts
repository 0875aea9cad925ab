import type { RunningService } from '@passerelle/runtime';
import { outputsOf } from '@passerelle/schemas';
import { waitFor } from '@passerelle/test-kit';
import { startFollowing, TestClock, testBus, topicPrefix } from '@passerelle/test-kit/runnable';
import { LogCapture, securityPass } from '@passerelle/test-kit/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyContracts, journeyTopics } from '../src/topics.js';
import { OF_TOKEN, OPS_TOKEN, OTHER_OF_TOKEN, SessionScript, SIRET, startJourney } from './harness.js';

// Every route of the journey service, from its /openapi.json, attacked with the security cases
// (packages/test-kit/src/security.ts) with an OF's token (ops' for the erasure): one journey of its session exists, and another OF's token
// is refused on it, on its session and on its SIRET's files under watch.

const prefix = topicPrefix('journey');
const topics = journeyTopics(prefix);
const bus = testBus('journey-security', journeyContracts(prefix));
const statuses: { journeyId: string; organisationSirets: string[] }[] = [];
bus.follow({
  name: 'journey-security.status',
  topics: [topics.status],
  fromBeginning: true,
  onEvent: (event) => {
    statuses.push(event.value as { journeyId: string; organisationSirets: string[] });
  },
});
const JOURNEY_OPS_TOKEN = 'ops-token-of-the-security-pass';
const logs = new LogCapture();
let service: RunningService;

beforeAll(async () => {
  await startFollowing(bus, Object.values(topics));
  ({ service } = await startJourney(
    prefix,
    new TestClock(),
    { LOG_LEVEL: 'debug', OPS_TOKEN: JOURNEY_OPS_TOKEN },
    { logDestination: logs.stream },
  ));
});

afterAll(async () => {
  await service?.stop();
  await bus.stop();
});

describe('security — every route of the journey service', () => {
  it('when hostile requests hit every route, then each is a 4xx problem+json, nothing is published, nothing personal logged', async (context) => {
    const script = new SessionScript(prefix);
    await bus.publishAtomically([
      script.offer('2027-01-11', '2027-06-30'),
      script.trainee('fr.passerelle.positioning.PositioningRequested', '5000001S', { requestId: 'REQ-SECURITE' }),
    ]);
    const journeyId = script.journeyOf('5000001S');
    // Its status is published once folded — again once the offer is folded too, if the offer came second (two topics,
    // no order between them): the pass starts after that one, so it sees the output topics at rest.
    await waitFor(
      () => statuses.some((status) => status.journeyId === journeyId && status.organisationSirets.includes(SIRET)),
      { description: 'the journey status published with its session' },
    );

    const report = await securityPass({
      runnable: 'service-journey',
      url: service.url,
      token: OF_TOKEN,
      tokenFor: { 'POST /erasures': OPS_TOKEN },
      foreignToken: OTHER_OF_TOKEN,
      opsToken: JOURNEY_OPS_TOKEN,
      shared: {
        'GET /sessions/{sessionKey}/journeys':
          'a list filtered to what the caller may see: another OF gets an empty list, as for an unknown session',
      },
      ids: { journeyId, sessionKey: script.sessionKey, siret: SIRET },
      bus,
      outputs: outputsOf('service-journey').map((topic) => `${prefix}${topic.name}`),
      logs,
      minimumCases: 40,
    });
    context.task.meta.securityCases = report.cases.length;
    expect(report.failures).toEqual([]);
    expect(report.published).toEqual({});
    expect(report.leaked).toEqual([]);
  });
});
