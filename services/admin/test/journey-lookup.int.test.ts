import { randomBytes } from 'node:crypto';
import type { Bus, ConsumerStatus } from '@passerelle/bus';
import { type RunningService, startService } from '@passerelle/runtime';
import { fixtures, journeyId, sessionKey } from '@passerelle/schemas/fixtures';
import { journeyContracts, journeyService, journeyTopics } from '@passerelle/service-journey';
import { waitFor } from '@passerelle/test-kit';
import { prepareBus, topicPrefix } from '@passerelle/test-kit/runnable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorStatus } from '../src/index.js';
import { adminClient, journeyEnv, startAdmin, testBus } from './fixtures.js';

// The admin in front of the real journey service (on the test's own topics): the journey lookup answers what the
// journey service folded from the events, in order, and the journey service's consumer is steered like any other.

const prefix = topicPrefix('admin-journey');
const topics = journeyTopics(prefix);
const journeyToken = randomBytes(18).toString('base64url');

let producer: Bus;
let journey: RunningService;
let admin: RunningService;
let api: ReturnType<typeof adminClient>;

beforeAll(async () => {
  producer = testBus(journeyContracts(prefix));
  await prepareBus(producer);
  const env = journeyEnv(prefix, journeyToken);
  journey = await startService(journeyService({ env }), env);
  admin = await startAdmin({ journey: journey.url }, { ADMIN_JOURNEY_TOKEN: journeyToken });
  api = adminClient(admin);
});
afterAll(async () => {
  await admin?.stop();
  await journey?.stop();
  await producer?.stop();
});

describe('the journey lookup through the admin', () => {
  it('when a DE was positioned then registered, then the admin serves the journey service’s timeline in order', async () => {
    await producer.publish([
      {
        topic: topics.positioning,
        key: sessionKey,
        record: 'fr.passerelle.positioning.PositioningRequested',
        value: fixtures['fr.passerelle.positioning.PositioningRequested'],
      },
      {
        topic: topics.sessionEvents,
        key: sessionKey,
        record: 'fr.passerelle.kairos.RegistrationRecorded',
        value: fixtures['fr.passerelle.kairos.RegistrationRecorded'],
      },
    ]);

    const found = await waitFor(
      async () => {
        const answer = await api.get<{ timeline: Array<{ record: string; occurredAt: string }>; status: string }>(
          `/journeys/${journeyId}`,
        );
        return answer.status === 200 && answer.body.timeline.length === 2 && answer;
      },
      { description: 'the journey to be folded and served', timeoutMs: 30_000 },
    );
    const unknown = await api.get<{ status: number }>(`/journeys/${'0'.repeat(64)}`);

    expect(found.body.timeline.map((step) => step.record)).toEqual(['PositioningRequested', 'RegistrationRecorded']);
    expect(found.body.status).toBe('INSCRIT');
    expect(JSON.stringify(found.body)).not.toContain(
      fixtures['fr.passerelle.positioning.PositioningRequested'].de.lastName,
    );
    expect(unknown.status).toBe(404);
  });

  it('when the journey service’s consumer is paused and resumed through the admin, then it follows', async () => {
    const before = (await api.get<ConnectorStatus[]>('/connectors')).body[0];
    const task = before?.tasks[0];

    const paused = await api.post<ConsumerStatus>(`/connectors/journey/tasks/${task?.name}/pause`);
    const whilePaused = (await api.get<ConnectorStatus[]>('/connectors')).body[0];
    const resumed = await api.post<ConsumerStatus[]>('/connectors/journey/resume');

    expect(before).toMatchObject({ health: 'UP', ready: true, connector: { state: 'RUNNING' } });
    expect(task?.groupId).toBe(`${prefix}service-journey`);
    expect(paused.body.state).toBe('PAUSED');
    expect(whilePaused?.connector.state).toBe('PAUSED');
    expect(resumed.status).toBe(202);
    expect(resumed.body.every((status) => status.state === 'RUNNING')).toBe(true);
  });
});
