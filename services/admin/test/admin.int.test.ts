import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bus, DeadLetterEntry, PartitionLag } from '@passerelle/bus';
import type { RunningService } from '@passerelle/runtime';
import { uniqueName, waitFor } from '@passerelle/test-kit';
import { prepareBus } from '@passerelle/test-kit/runnable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorStatus } from '../src/index.js';
import {
  ADMIN_TOKEN,
  APPLICATION,
  type Application,
  adminClient,
  fakeJourneyService,
  startAdmin,
  startWorker,
  testBus,
  workerContracts,
} from './fixtures.js';

// The admin endpoint against the real broker and registry, watching a worker runnable started like any other:
// token refusals, the worker's status, a poison event in the dead-letter view (masked), replayed once its cause is
// fixed and then processed exactly once, a discard, pause/resume seen in the lag, and the journey lookup.

const prefix = uniqueName('admin');
const groupId = uniqueName('admin-worker');
const deadLetterTopic = `dlq.${groupId}.v1`;
const consumerName = `applications.${groupId}`;
const { contracts, applications, accepted } = workerContracts(prefix);
const knownSessions = new Set(['SESSION-OPEN']);

let bus: Bus;
let worker: RunningService;
let admin: RunningService;
let journey: Server;
let api: ReturnType<typeof adminClient>;

beforeAll(async () => {
  bus = testBus(contracts);
  await prepareBus(bus);
  journey = await fakeJourneyService();
  worker = await startWorker(prefix, groupId, knownSessions);
  admin = await startAdmin({
    worker: worker.url,
    journey: `http://127.0.0.1:${(journey.address() as AddressInfo).port}`,
  });
  api = adminClient(admin);
});
afterAll(async () => {
  await admin?.stop();
  await worker?.stop();
  await bus?.stop();
  journey?.close();
});

let sequence = 0;
function application(sessionKey: string): Application {
  sequence += 1;
  return {
    requestId: `req-${sequence}`,
    sessionKey,
    de: { deIdentifier: `DE${String(sequence).padStart(7, '0')}`, lastName: 'Dupont-Secret', email: 'x@example.org' },
  };
}

async function send(...items: Application[]) {
  await bus.publish(
    items.map((item) => ({ topic: applications, key: item.sessionKey, record: APPLICATION, value: item })),
  );
}

async function acceptedIds(): Promise<string[]> {
  const ids: string[] = [];
  await bus.readToEnd(accepted, (event) => ids.push((event.value as { requestId: string }).requestId));
  return ids;
}

type Browse = { total: number; pending: number; entries: DeadLetterEntry[] };

describe('the admin endpoint', () => {
  it('when a request has no token or a wrong one, then it is refused with 401 problem+json; the page itself holds no data', async () => {
    const paths = ['/connectors', '/lag', '/dead-letters', '/topics', '/schemas', `/dead-letters/${deadLetterTopic}`];

    const anonymous = await Promise.all(paths.map((path) => adminClient(admin, null).get(path)));
    const wrong = await Promise.all(paths.map((path) => adminClient(admin, 'wrong-token-wrong-token').get(path)));
    const replay = await adminClient(admin, `${ADMIN_TOKEN}x`).post(`/dead-letters/${deadLetterTopic}/replay`, {
      entries: 'all',
    });
    const page = await fetch(`${admin.url}/`);

    for (const [index, answer] of [...anonymous, ...wrong, replay].entries()) {
      expect(answer.status, `request ${index}`).toBe(401);
      expect(answer.type).toContain('application/problem+json');
      expect((answer.body as { type: string }).type).toBe('urn:passerelle:problem:unauthorized');
    }
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).not.toContain(groupId);
  });

  it('when asked for the connectors, then each runnable has its health, readiness and Kafka Connect status', async () => {
    const { status, body } = await api.get<ConnectorStatus[]>('/connectors');
    const workerStatus = body.find((connector) => connector.name === 'worker');

    expect(status).toBe(200);
    expect(workerStatus).toMatchObject({ health: 'UP', ready: true, connector: { state: 'RUNNING' } });
    expect(workerStatus?.tasks).toEqual([
      expect.objectContaining({ id: 0, name: consumerName, groupId, state: 'RUNNING' }),
    ]);
    // The journey stand-in answers /healthz but has no consumers: an HTTP-only runnable is RUNNING.
    expect(body.find((connector) => connector.name === 'journey')?.connector.state).toBe('RUNNING');
  });

  it('when an event cannot be processed, then it shows in the dead-letter view masked; replayed after the cause is fixed, it is processed once', async () => {
    // Arrange: one good application, one for a session the worker does not know (yet).
    const good = application('SESSION-OPEN');
    const poison = application('SESSION-LATE');
    await send(good, poison);
    const listed = await waitFor(
      async () => {
        const { body } = await api.get<Array<{ topic: string; pending: number }>>('/dead-letters');
        return body.find((summary) => summary.topic === deadLetterTopic && summary.pending === 1);
      },
      { description: 'the poison event in the dead-letter summary', timeoutMs: 30_000 },
    );

    // Act
    const browsed = await api.get<Browse>(`/dead-letters/${deadLetterTopic}`);
    const entry = browsed.body.entries[0] as DeadLetterEntry;
    knownSessions.add('SESSION-LATE');
    const replayed = await api.post<{ done: string[]; skipped: unknown[] }>(`/dead-letters/${deadLetterTopic}/replay`, {
      entries: [entry.id],
    });
    const retried = await api.post<{ done: string[]; skipped: Array<{ id: string; reason: string }> }>(
      `/dead-letters/${deadLetterTopic}/replay`,
      { entries: [entry.id] },
    );
    const again = await api.post<{ done: string[] }>(`/dead-letters/${deadLetterTopic}/replay`, { entries: 'all' });
    // A later event of the same session, processed after whatever the replays put before it on that partition.
    const sentinel = application('SESSION-LATE');
    await send(sentinel);
    const processed = await waitFor(
      async () => {
        const ids = await acceptedIds();
        return ids.includes(sentinel.requestId) && ids;
      },
      { description: 'the replayed event and the sentinel to be processed', timeoutMs: 30_000 },
    );
    const after = await api.get<Browse>(`/dead-letters/${deadLetterTopic}`);
    const history = await api.get<Browse>(`/dead-letters/${deadLetterTopic}?all=true`);

    // Assert
    expect(listed.pending).toBe(1);
    expect(browsed.body.pending).toBe(1);
    expect(entry).toMatchObject({
      record: APPLICATION,
      key: 'SESSION-LATE',
      status: 'pending',
      origin: { topic: applications, group: groupId, consumer: consumerName },
      failure: { stage: 'handle', errorClass: 'non-retriable', code: 'TEST_UNKNOWN_SESSION' },
      value: {
        requestId: poison.requestId,
        sessionKey: 'SESSION-LATE',
        // `de` is one of the logger's redacted keys: the whole identity goes, as in the logs.
        de: '[MASKED]',
      },
    });
    expect(JSON.stringify(browsed.body)).not.toContain('Dupont-Secret');
    expect(JSON.stringify(browsed.body)).not.toContain(poison.de.deIdentifier);
    expect(replayed.status).toBe(200);
    expect(replayed.body.done).toEqual([entry.id]);
    expect(retried.body.done).toEqual([]);
    expect(retried.body.skipped[0]?.reason).toMatch(/^already replayed/);
    expect(again.body.done).toEqual([]);
    expect(processed.filter((id) => id === poison.requestId)).toHaveLength(1);
    expect(processed.filter((id) => id === good.requestId)).toHaveLength(1);
    expect(after.body.pending).toBe(0);
    expect(history.body.entries.find((found) => found.id === entry.id)).toMatchObject({
      status: 'replayed',
      action: { to: { topic: applications, partition: entry.origin.partition } },
    });
  });

  it('when an entry is discarded, then it is no longer pending nor replayable', async () => {
    const doomed = application('SESSION-NEVER');
    await send(doomed);
    const entry = await waitFor(
      async () =>
        (await api.get<Browse>(`/dead-letters/${deadLetterTopic}`)).body.entries.find(
          (found) => (found.value as { requestId: string }).requestId === doomed.requestId,
        ),
      { description: 'the doomed event in the dead-letter view', timeoutMs: 30_000 },
    );

    const discarded = await api.post<{ done: string[] }>(`/dead-letters/${deadLetterTopic}/discard`, {
      entries: [entry.id],
    });
    const replay = await api.post<{ done: string[]; skipped: Array<{ reason: string }> }>(
      `/dead-letters/${deadLetterTopic}/replay`,
      { entries: [entry.id] },
    );
    const after = await api.get<Browse>(`/dead-letters/${deadLetterTopic}`);
    const invalid = await api.post<{ errors: Array<{ field: string }> }>(`/dead-letters/${deadLetterTopic}/discard`, {
      entries: ['not-an-id'],
    });

    expect(discarded.body.done).toEqual([entry.id]);
    expect(replay.body.done).toEqual([]);
    expect(replay.body.skipped[0]?.reason).toMatch(/^already discarded/);
    expect(after.body.entries.map((found) => found.id)).not.toContain(entry.id);
    expect(invalid.status).toBe(400);
    expect(invalid.type).toContain('application/problem+json');
  });

  it('when a replayed event fails again, then it is back as a new entry that says where it was replayed from', async () => {
    const stubborn = application('SESSION-STILL-UNKNOWN');
    await send(stubborn);
    const requestIdOf = (found: DeadLetterEntry) => (found.value as { requestId: string }).requestId;
    const first = await waitFor(
      async () =>
        (await api.get<Browse>(`/dead-letters/${deadLetterTopic}`)).body.entries.find(
          (found) => requestIdOf(found) === stubborn.requestId,
        ),
      { description: 'the stubborn event dead-lettered', timeoutMs: 30_000 },
    );

    await api.post(`/dead-letters/${deadLetterTopic}/replay`, { entries: [first.id] });
    const second = await waitFor(
      async () =>
        (await api.get<Browse>(`/dead-letters/${deadLetterTopic}`)).body.entries.find(
          (found) => requestIdOf(found) === stubborn.requestId && found.id !== first.id,
        ),
      { description: 'the replayed event dead-lettered again', timeoutMs: 30_000 },
    );

    expect(second.replayedFrom).toBe(`${deadLetterTopic}/${first.partition}/${first.offset}`);
    expect(second.status).toBe('pending');
    expect(second.origin.topic).toBe(applications);
  });

  it('when a consumer is paused through the admin, then its lag grows; resumed, it drains', async () => {
    const lag = async () => {
      const { body } = await api.get<Array<{ groupId: string; lag: number; partitions: PartitionLag[] }>>(
        `/lag?group=${encodeURIComponent(groupId)}`,
      );
      return body[0] as { groupId: string; lag: number; partitions: PartitionLag[] };
    };
    const before = await waitFor(async () => ((await lag()).lag <= 2 ? lag() : undefined), {
      description: 'the worker to be caught up',
    });

    const paused = await api.post<{ state: string }>(`/connectors/worker/tasks/${consumerName}/pause`);
    const batch = Array.from({ length: 8 }, () => application('SESSION-OPEN'));
    await send(...batch);
    const grown = await waitFor(async () => {
      const current = await lag();
      return current.lag >= before.lag + batch.length && current;
    });
    const statusWhilePaused = (await api.get<ConnectorStatus[]>('/connectors')).body.find((c) => c.name === 'worker');
    const resumed = await api.post<{ state: string }>(`/connectors/worker/tasks/${consumerName}/resume`);
    const drained = await waitFor(
      async () => {
        const ids = await acceptedIds();
        return batch.every((item) => ids.includes(item.requestId)) && lag();
      },
      { description: 'the backlog to drain', timeoutMs: 30_000 },
    );

    expect(paused.status).toBe(202);
    expect(paused.body.state).toBe('PAUSED');
    expect(statusWhilePaused?.connector.state).toBe('PAUSED');
    expect(grown.partitions.every((partition) => partition.topic === applications)).toBe(true);
    expect(resumed.status).toBe(202);
    expect(resumed.body.state).toBe('RUNNING');
    // Transaction markers take an offset each: a drained partition shows at most one.
    expect(drained.lag).toBeLessThanOrEqual(drained.partitions.length);
  });

  it('when ops act on an unknown runnable or consumer, then 404 problem+json names it', async () => {
    const runnable = await api.post<{ detail: string }>('/connectors/nowhere/pause');
    const consumer = await api.post<{ detail: string }>('/connectors/worker/tasks/nobody/pause');

    expect(runnable.status).toBe(404);
    expect(runnable.body.detail).toContain('nowhere');
    expect(consumer.status).toBe(404);
    expect(consumer.body.detail).toContain('nobody');
  });

  it('when asked for topics and schemas, then the test topics and their subjects with versions are listed', async () => {
    const topics = await api.get<Array<{ name: string; partitions: number; cleanupPolicy: string }>>('/topics');
    const schemas = await api.get<{ catalogue: Array<{ subject: string }>; others: string[] }>('/schemas');
    const subject = await api.get<{ versions: number[]; latest: { record: string } }>(
      `/schemas/${encodeURIComponent(`${applications}-${APPLICATION}`)}`,
    );
    const unknown = await api.get<{ detail: string }>('/schemas/no-such-subject');

    expect(topics.body.find((topic) => topic.name === applications)).toMatchObject({
      partitions: 2,
      cleanupPolicy: 'delete',
    });
    expect(topics.body.find((topic) => topic.name === deadLetterTopic)).toMatchObject({ deadLetterOf: groupId });
    expect(schemas.status).toBe(200);
    expect(Array.isArray(schemas.body.catalogue) && Array.isArray(schemas.body.others)).toBe(true);
    expect(subject.body).toMatchObject({ versions: [1], latest: { record: APPLICATION } });
    expect(unknown.status).toBe(404);
  });

  it('when a journey is looked up, then the journey service answers through the admin, its 404 included', async () => {
    const found = await api.get<{ journeyId: string }>('/journeys/J-42');
    const missing = await api.get<{ status: number }>('/journeys/J-unknown');

    expect(found.status).toBe(200);
    expect(found.body.journeyId).toBe('J-42');
    expect(missing.status).toBe(404);
    expect(missing.type).toContain('application/problem+json');
  });

  it('when /metrics is scraped after the API was read, then lag and up gauges are there', async () => {
    await api.get('/lag');
    const metrics = await (await fetch(`${admin.url}/metrics`)).text();

    expect(metrics).toContain(`passerelle_admin_runnable_up{runnable="worker"} 1`);
    expect(metrics).toMatch(new RegExp(`passerelle_admin_consumer_lag\\{group="${groupId.replaceAll('.', '\\.')}"`));
  });
});
