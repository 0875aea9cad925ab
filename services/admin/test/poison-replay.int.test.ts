import { randomBytes } from 'node:crypto';
import { type Bus, type DeadLetterEntry, deadLetterTopicFor } from '@passerelle/bus';
import { type RunningService, startService } from '@passerelle/runtime';
import type { EventRecordName } from '@passerelle/schemas';
import { fixtures, journeyId, sessionKey } from '@passerelle/schemas/fixtures';
import { journeyContracts, journeyService, journeyTopics } from '@passerelle/service-journey';
import { waitFor } from '@passerelle/test-kit';
import { freePort, prepareBus, topicPrefix } from '@passerelle/test-kit/runnable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, journeyEnv, startAdmin, testBus } from './fixtures.js';

// A poison message in the journey service, end to end on the real broker: Kairos (a newer build) records a DE's
// exit with a record the journey service in production does not know yet. The journey service dead-letters it and
// the journey stops at the entry; ops see it in the admin's dead-letter view; the journey service is
// upgraded (the cause fixed), the entry is replayed through the admin, and the journey completes — the exit served
// last in the timeline, once.

const prefix = topicPrefix('admin-poison');
const topics = journeyTopics(prefix);
const groupId = `${prefix}service-journey`;
const deadLetterTopic = deadLetterTopicFor(groupId);
const journeyToken = randomBytes(18).toString('base64url');
const EXIT: EventRecordName = 'fr.passerelle.kairos.ExitRecorded';

/** The journey service as built before Kairos recorded exits: the same contracts without that record. */
function olderBuildContracts() {
  const current = journeyContracts(prefix);
  return {
    ...current,
    topics: current.topics.map((topic) => ({ ...topic, records: topic.records.filter((name) => name !== EXIT) })),
    records: new Map([...current.records].filter(([name]) => name !== EXIT)),
  };
}

let producer: Bus;
let journey: RunningService | undefined;
let admin: RunningService;
let api: ReturnType<typeof adminClient>;
let env: Record<string, string>;

beforeAll(async () => {
  producer = testBus(journeyContracts(prefix));
  await prepareBus(producer);
  // The upgraded build comes back at the same address, as behind a service name.
  env = journeyEnv(prefix, journeyToken, { HTTP_PORT: String(await freePort()) });
  journey = await startService(journeyService({ env, contracts: olderBuildContracts() }), env);
  admin = await startAdmin({ journey: journey.url }, { ADMIN_JOURNEY_TOKEN: journeyToken });
  api = adminClient(admin);
});
afterAll(async () => {
  await admin?.stop();
  await journey?.stop();
  await producer?.stop();
});

type Journey = { status: string; timeline: Array<{ record: string; eventId: string; anomaly: string | null }> };
type Browse = { pending: number; entries: DeadLetterEntry[] };

async function journeyWhen(description: string, holds: (journey: Journey) => boolean): Promise<Journey> {
  return waitFor(
    async () => {
      const answer = await api.get<Journey>(`/journeys/${journeyId}`).catch(() => undefined);
      return answer?.status === 200 && holds(answer.body) && answer.body;
    },
    { description, timeoutMs: 60_000 },
  );
}

describe('a poison message in the journey service', () => {
  it('when an exit the journey service cannot read is dead-lettered, then ops see it; upgraded and replayed, the journey completes', async () => {
    // Arrange: a whole journey, from the prescription to the exit, as Kairos and Ouiform publish it.
    const story: EventRecordName[] = [
      'fr.passerelle.positioning.PositioningRequested',
      'fr.passerelle.kairos.RegistrationRecorded',
      'fr.passerelle.kairos.PresenceRecorded',
      'fr.passerelle.kairos.RecruitmentResultRecorded',
      'fr.passerelle.kairos.WaitlistDecisionRecorded',
      'fr.passerelle.kairos.EnrolmentOpened',
      'fr.passerelle.kairos.EntryRecorded',
      EXIT,
    ];
    await producer.publish(
      story.map((record) => ({
        topic: record.startsWith('fr.passerelle.positioning.') ? topics.positioning : topics.sessionEvents,
        key: sessionKey,
        record,
        value: fixtures[record],
      })),
    );

    // Act 1: the older build folds everything but the exit, which it dead-letters.
    const stuck = await journeyWhen('the journey folded up to the entry', (found) => found.timeline.length === 7);
    const listed = await waitFor(
      async () => {
        const { body } = await api.get<Browse>(`/dead-letters/${deadLetterTopic}`);
        return body.pending === 1 && body;
      },
      { description: 'the exit in the admin dead-letter view', timeoutMs: 30_000 },
    );
    const entry = listed.entries[0] as DeadLetterEntry;

    // Act 2: the cause is fixed — the upgraded build replaces the older one — and ops replay the entry.
    await journey?.stop();
    journey = undefined;
    journey = await startService(journeyService({ env }), env);
    const replayed = await api.post<{ done: string[] }>(`/dead-letters/${deadLetterTopic}/replay`, {
      entries: [entry.id],
    });
    const completed = await journeyWhen(
      'the journey completed by the replayed exit',
      (found) => found.status === 'SORTI',
    );
    const after = await api.get<Browse>(`/dead-letters/${deadLetterTopic}`);

    // Assert
    expect(stuck.status).toBe('ENTRE_EN_FORMATION');
    expect(entry).toMatchObject({
      record: EXIT,
      key: sessionKey,
      status: 'pending',
      origin: { topic: topics.sessionEvents, group: groupId },
      failure: { stage: 'decode', errorClass: 'non-retriable', code: 'BUS_UNKNOWN_RECORD' },
    });
    expect(replayed.status).toBe(200);
    expect(replayed.body.done).toEqual([entry.id]);
    expect(completed.timeline.map((step) => step.record)).toEqual(story.map((record) => record.split('.').pop()));
    expect(completed.timeline.filter((step) => step.eventId === fixtures[EXIT].envelope.eventId)).toHaveLength(1);
    expect(completed.timeline.every((step) => step.anomaly === null)).toBe(true);
    expect(after.body.pending).toBe(0);
  });
});
