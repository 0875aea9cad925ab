/**
 * `npm run -w connectors/kairos bench [-- --sessions 1000 --places 100 --rate 200 --seconds 10 --total 100000]`
 *
 * The Kairos connector on the real broker and registry, in this process, on its own topics:
 * 1. baseline — the bus's own publish → follower round trip, measured in the same run (what Kafka costs);
 * 2. sustained — positioning requests at a steady rate: p50/p99 latency of request → decision event
 *    (RegistrationRecorded), against the baseline;
 * 3. throughput — requests published as fast as possible until `total` registrations exist: registrations/s;
 * 4. restart — a fresh instance: time to start (read model caught up) and to answer its first request (the writer
 *    rebuilds every session of its partitions from Kafka first), with the RSS after rebuild.
 * Sessions and their ICOs are seeded as events; every request targets a session with room, so each one registers.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Bus } from '@passerelle/bus';
import { stackConfig } from '@passerelle/infra/local-stack';
import { type RunningService, startService } from '@passerelle/runtime';
import { journeyIdFor, type OfferSession, type PositioningRequested } from '@passerelle/schemas';
import { offerSession } from '@passerelle/schemas/fixtures';
import { createLogger, Metrics } from '@passerelle/service-kit';
import { kairosConnector } from '../src/connector.js';
import { kairosContracts, kairosTopics } from '../src/topics.js';

const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', default: '1000' },
    places: { type: 'string', default: '100' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    total: { type: 'string', default: '100000' },
    throughput: { type: 'string', default: '10000' },
  },
});
const SESSIONS = Number(args.sessions);
const PLACES = Number(args.places);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const TOTAL = Math.min(Number(args.total), SESSIONS * PLACES);
/** Registrations decided by the connector in the throughput phase; the rest up to TOTAL is seeded as events. */
const DECIDED = Math.min(Number(args.throughput), TOTAL);
const SECRET = 'bench-journey-secret-000';

const prefix = `bench.kairos.${Date.now().toString(36)}.${randomBytes(3).toString('hex')}.`;
const topics = kairosTopics(prefix);
const brokers = process.env.KAFKA_BROKERS ?? stackConfig().kafkaBrokers;
const registry = process.env.SCHEMA_REGISTRY_URL ?? stackConfig().schemaRegistryUrl;
const env = {
  KAFKA_BROKERS: brokers,
  SCHEMA_REGISTRY_URL: registry,
  KAIROS_TOPIC_PREFIX: prefix,
  KAIROS_GROUP_ID: `${prefix}connector-kairos`,
  KAIROS_TOKENS: JSON.stringify({ 'bench-token-0000000000': ['19020050100038'] }),
  JOURNEY_SECRET: SECRET,
  HTTP_PORT: '0',
  LOG_LEVEL: 'warn',
};
const log = createLogger({ service: 'kairos-bench', level: 'warn' });

const driver = new Bus({
  config: { KAFKA_BROKERS: brokers.split(','), SCHEMA_REGISTRY_URL: registry, KAFKA_CLIENT_ID: `${prefix}driver` },
  contracts: kairosContracts(prefix),
  log,
  metrics: new Metrics({ defaultMetrics: false }),
});

/** Arrival time of each answer (by requestId) and of each baseline probe (by event id). */
const answered = new Map<string, number>();
let registrations = 0;
const refusals = new Map<string, number>();
driver.follow({
  name: 'bench.answers',
  topics: [topics.sessionEvents],
  onEvent: (event) => {
    const requestId = (event.value as { requestId?: string | null } | null)?.requestId;
    if (requestId) answered.set(requestId, performance.now());
    if (event.record === 'fr.passerelle.kairos.RegistrationRecorded') registrations += 1;
    else if (event.record === 'fr.passerelle.kairos.RegistrationRefused') {
      const reason = (event.value as { reason: string }).reason;
      refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
    }
  },
});
const probes = new Map<string, number>();
driver.follow({
  name: 'bench.baseline',
  topics: [topics.outcomes],
  onEvent: (event) => {
    const id = (event.value as { commandId?: string } | null)?.commandId;
    if (id) probes.set(id, performance.now());
  },
});

const sessions: OfferSession[] = Array.from({ length: SESSIONS }, (_, index) => {
  const numero = `SE_B${String(index).padStart(7, '0')}`;
  return {
    ...offerSession,
    sessionKey: `14_AF_BENCH|14_SE_${numero}|${numero}`,
    session: { ...offerSession.session, numero, start: '2030-02-01', end: '2030-06-30', capacity: null },
  };
});
const modalityOf = (index: number) => `ICO-BENCH-${index}`;

const envelope = (eventId: string) => ({
  eventId,
  occurredAt: new Date(),
  recordedAt: new Date(),
  actor: { kind: 'SYSTEM' as const, siret: null, organisationName: null, prescriberNetwork: null, channel: null },
  sourceSystem: 'PASSERELLE' as const,
  correlationId: eventId,
  causationId: null,
});

async function seed() {
  const events = sessions.flatMap((session, index) => [
    {
      topic: topics.offer,
      key: session.sessionKey,
      record: 'fr.passerelle.offer.SessionPublished',
      value: { envelope: envelope(`seed:${index}`), sessionKey: session.sessionKey, session },
    },
    {
      topic: topics.sessionEvents,
      key: session.sessionKey,
      record: 'fr.passerelle.kairos.RecruitmentModalityScheduled',
      value: {
        envelope: envelope(`seed:${index}:ico`),
        sessionKey: session.sessionKey,
        modality: {
          modalityId: modalityOf(index),
          kind: 'ICO',
          date: '2030-01-10',
          startTime: '09:30',
          endTime: '11:30',
          place: 'Nantes',
          remoteLink: null,
          capacity: PLACES,
          slotMinutes: null,
          receptionStart: null,
          receptionEnd: null,
          comment: null,
        },
      },
    },
  ]);
  for (let start = 0; start < events.length; start += 2000) await driver.publish(events.slice(start, start + 2000));
}

let sent = 0;
/** The next request: round-robin over sessions, so request n is the (n / SESSIONS)-th registrant of its session. */
function nextRequest(): PositioningRequested {
  const index = sent % SESSIONS;
  const session = sessions[index] as OfferSession;
  const deIdentifier = String(10_000_000 + sent);
  const requestId = `bench-${sent}`;
  sent += 1;
  return {
    envelope: envelope(`bench:${requestId}`),
    requestId,
    journeyId: journeyIdFor(SECRET, deIdentifier, session.sessionKey),
    origin: 'CHANNEL',
    channel: 'TMF',
    target: { sessionKey: session.sessionKey, modalityKind: 'ICO', modalityId: modalityOf(index) },
    de: { deIdentifier, lastName: 'Bench', firstName: 'Bench', email: null, phone: null },
    prescription: null,
  };
}

const publishRequests = (requests: readonly PositioningRequested[]) =>
  driver.publish(
    requests.map((request) => ({
      topic: topics.positioning,
      key: request.target.sessionKey,
      record: 'fr.passerelle.positioning.PositioningRequested',
      value: request,
    })),
  );

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string) {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline)
      throw new Error(
        `timed out waiting for ${what} (${answered.size} answers, ${registrations} registrations, refusals ${JSON.stringify([...refusals])}, ${sent} sent)`,
      );
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Publish → follower round trip of the same bus on a session-keyed topic: the transport's own latency. */
async function baseline(count: number) {
  const latencies: number[] = [];
  for (let n = 0; n < count; n += 1) {
    const id = `probe-${n}`;
    const sentAt = performance.now();
    await driver.publish([
      {
        topic: topics.outcomes,
        key: sessions[n % SESSIONS]?.sessionKey ?? '',
        record: 'fr.passerelle.kairos.KairosCommandOutcome',
        value: {
          envelope: envelope(id),
          commandId: id,
          sessionKey: 'x',
          accepted: true,
          status: 200,
          rule: null,
          detail: null,
          field: null,
          eventIds: [],
          result: null,
        },
      },
    ]);
    await waitUntil(() => probes.has(id), 10_000, 'a probe');
    latencies.push((probes.get(id) ?? 0) - sentAt);
    await new Promise((resolve) => setTimeout(resolve, 1000 / RATE));
  }
  return latencies.sort((a, b) => a - b);
}

async function sustained() {
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  // One publish per tick: every 1000/RATE ms up to 100/s, several requests per 10 ms tick above.
  const tickMs = Math.max(10, 1000 / RATE);
  const perTick = Math.max(1, Math.round((RATE * tickMs) / 1000));
  const ticks = Math.round((SECONDS * 1000) / tickMs);
  const started = performance.now();
  for (let tick = 0; tick < ticks; tick += 1) {
    const due = started + tick * tickMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const batch = Array.from({ length: perTick }, nextRequest);
    const at = performance.now();
    for (const request of batch) sentAt.set(request.requestId, at);
    void publishRequests(batch);
  }
  await waitUntil(() => [...sentAt.keys()].every((id) => answered.has(id)), 60_000, 'the sustained answers');
  for (const [id, at] of sentAt) latencies.push((answered.get(id) ?? 0) - at);
  return {
    latencies: latencies.sort((a, b) => a - b),
    requests: sentAt.size,
    seconds: (performance.now() - started) / 1000,
  };
}

/** One request at a time: the unloaded decision latency. */
async function sequential(count: number) {
  const latencies: number[] = [];
  for (let n = 0; n < count; n += 1) {
    const request = nextRequest();
    const at = performance.now();
    await publishRequests([request]);
    await waitUntil(() => answered.has(request.requestId), 10_000, 'a sequential answer');
    latencies.push((answered.get(request.requestId) ?? 0) - at);
  }
  return latencies.sort((a, b) => a - b);
}

async function throughput() {
  const first = sent;
  const started = performance.now();
  const chunk = 1000;
  while (sent < DECIDED) {
    const batch = Array.from({ length: Math.min(chunk, DECIDED - sent) }, nextRequest);
    await publishRequests(batch);
  }
  const lastId = `bench-${DECIDED - 1}`;
  await waitUntil(
    () => answered.has(lastId) && registrations >= DECIDED,
    Number(process.env.BENCH_TIMEOUT_MS ?? 600_000),
    'every registration',
  );
  const seconds = (performance.now() - started) / 1000;
  return { requests: DECIDED - first, seconds, perSecond: (DECIDED - first) / seconds };
}

/**
 * Tops the topics up to TOTAL registrations with RegistrationRecorded events written directly (what the writer
 * would have published for the next requests), so the restart rebuilds TOTAL registrations without deciding
 * them all first on a shared 2-core machine.
 */
async function topUp() {
  while (sent < TOTAL) {
    const batch = Array.from({ length: Math.min(2000, TOTAL - sent) }, nextRequest);
    await driver.publish(
      batch.map((request) => ({
        topic: topics.sessionEvents,
        key: request.target.sessionKey,
        record: 'fr.passerelle.kairos.RegistrationRecorded',
        value: {
          envelope: envelope(`kairos:${request.envelope.eventId}:0`),
          sessionKey: request.target.sessionKey,
          journeyId: request.journeyId,
          siret: '19020050100038',
          deliveringSiret: null,
          registrationId: `REG-${request.envelope.eventId}`,
          modalityId: request.target.modalityId ?? '',
          modalityKind: 'ICO',
          requestId: request.requestId,
          de: request.de,
          status: 'INSCRIT',
          sourceLabel: 'Inscrit',
        },
      })),
    );
  }
  await waitUntil(() => registrations >= TOTAL, 600_000, 'the seeded registrations');
}

async function restart(previous: RunningService) {
  await previous.stop();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const fresh = await startService(kairosConnector({ env: { ...env, KAFKA_CLIENT_ID: `${prefix}kairos-2` } }), {
    ...env,
    KAFKA_CLIENT_ID: `${prefix}kairos-2`,
  });
  const startedMs = performance.now() - started;
  // A read over HTTP answers once this instance's read model has caught up with everything on the topics.
  const last = sessions.at(-1)?.sessionKey ?? '';
  const read = await fetch(`${fresh.url}/sessions/${encodeURIComponent(last)}`, {
    headers: { authorization: 'Bearer bench-token-0000000000' },
  });
  if (read.status !== 200) throw new Error(`the read after restart answered ${read.status}`);
  const readModelMs = performance.now() - started;
  // One more request per session would be refused (full); a new session's request shows the writer's first decision.
  const probe = nextRequest();
  const probeStart = performance.now();
  await publishRequests([probe]);
  await waitUntil(() => answered.has(probe.requestId), 600_000, 'the first answer after restart');
  const firstAnswerMs = performance.now() - started;
  return {
    fresh,
    startedMs,
    readModelMs,
    firstAnswerMs,
    probeMs: performance.now() - probeStart,
    rssMb: process.memoryUsage().rss / 2 ** 20,
    rssBeforeMb: rssBefore / 2 ** 20,
  };
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

const progress = (message: string) => process.stderr.write(`… ${message}\n`);

async function main() {
  await driver.registerSchemas();
  await driver.ensureTopics();
  // Fresh topics answer offset requests with NOT_LEADER for a moment, which fails a follower's start.
  const admin = await driver.admin();
  for (const topic of Object.values(topics)) {
    for (;;) {
      try {
        if ((await admin.fetchTopicOffsets(topic)).length > 0) break;
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await driver.start();
  progress('seeding sessions and ICOs');
  await seed();
  const service = await startService(kairosConnector({ env: { ...env, KAFKA_CLIENT_ID: `${prefix}kairos-1` } }), {
    ...env,
    KAFKA_CLIENT_ID: `${prefix}kairos-1`,
  });
  // Inputs of different topics are not ordered against each other: wait until the writer consumed every seeded
  // session from the offer topic before positioning anyone (see README, "Ordering across input topics").
  await waitUntil(
    () =>
      sessions.every((session) =>
        service.bus
          .consumers()
          .some((consumer) => (consumer.states?.get(session.sessionKey) as { session?: unknown } | undefined)?.session),
      ),
    120_000,
    'the writer to know every session',
  );
  progress('connector started; warming up');
  // Warm-up: first decisions rebuild the partitions' state and resolve schema ids.
  await publishRequests(Array.from({ length: 50 }, nextRequest));
  await waitUntil(() => answered.has(`bench-${sent - 1}`), 60_000, 'the warm-up');

  progress('baseline');
  const base = await baseline(200);
  progress('sequential');
  const alone = await sequential(100);
  progress('sustained rate');
  const steady = await sustained();
  progress(`throughput up to ${TOTAL} registrations`);
  const bulk = await throughput();
  progress(`seeding up to ${TOTAL} registrations`);
  await topUp();
  progress('restart');
  const rebuilt = await restart(service);

  const p50 = percentile(steady.latencies, 50);
  const p99 = percentile(steady.latencies, 99);
  const b50 = percentile(base, 50);
  const b99 = percentile(base, 99);
  console.log(`Kairos connector benchmark — ${SESSIONS} sessions × ${PLACES} places, broker ${brokers}`);
  console.log(`baseline  publish → follower round trip (bus only): p50 ${fmt(b50)}  p99 ${fmt(b99)}`);
  console.log(
    `unloaded  one request at a time: request → decision p50 ${fmt(percentile(alone, 50))}  p99 ${fmt(percentile(alone, 99))}`,
  );
  console.log(
    `sustained ${steady.requests} requests at ${RATE}/s: request → decision p50 ${fmt(p50)} (×${(p50 / b50).toFixed(1)} baseline)  p99 ${fmt(p99)} (×${(p99 / b99).toFixed(1)})`,
  );
  console.log(
    `throughput ${bulk.requests} requests in ${bulk.seconds.toFixed(1)} s: ${bulk.perSecond.toFixed(0)} registrations/s`,
  );
  console.log(
    `restart   ${registrations} registrations on the topics: service started in ${fmt(rebuilt.startedMs)}, read model caught up ${fmt(rebuilt.readModelMs)}, first decision ${fmt(rebuilt.firstAnswerMs)} after start (writer rebuild + decide ${fmt(rebuilt.probeMs)}); RSS ${rebuilt.rssBeforeMb.toFixed(0)} → ${rebuilt.rssMb.toFixed(0)} MB (driver and connector share this process)`,
  );
  await rebuilt.fresh.stop();
  await driver.stop();
}

await main();
