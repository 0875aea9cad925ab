/**
 * `npm run -w connectors/catalogue bench:freshness [-- --sessions 200 --changes 200]`
 *
 * Listing freshness on the real broker and registry, in this process, on its own topics: the time from a Kairos
 * change (a RecruitmentModalityAdjusted committed on kairos.session-events) to the new capacity visible in the TMF
 * search of the connector's HTTP API — through the projector's transaction, catalogue.listings and the search
 * follower. Baseline measured in the same run: the same event becoming visible to a plain read-committed follower
 * (what one hop of Kafka costs). Changes go one at a time, each on a random session of the seeded catalogue.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Bus } from '@passerelle/bus';
import { stackConfig } from '@passerelle/infra/local-stack';
import { startService } from '@passerelle/runtime';
import type { OfferSession, RecruitmentModality } from '@passerelle/schemas';
import { fixtures, offerSession } from '@passerelle/schemas/fixtures';
import { createLogger, Metrics } from '@passerelle/service-kit';
import { catalogueConnector } from '../src/connector.js';
import { catalogueContracts, catalogueTopics } from '../src/topics.js';

const { values: args } = parseArgs({
  options: { sessions: { type: 'string', default: '200' }, changes: { type: 'string', default: '200' } },
});
const SESSIONS = Number(args.sessions);
const CHANGES = Number(args.changes);
const TOKEN = 'bench-search-token-000000';

const prefix = `bench.catalogue.${Date.now().toString(36)}.${randomBytes(3).toString('hex')}.`;
const topics = catalogueTopics(prefix);
const brokers = process.env.KAFKA_BROKERS ?? stackConfig().kafkaBrokers;
const registry = process.env.SCHEMA_REGISTRY_URL ?? stackConfig().schemaRegistryUrl;
const env = {
  KAFKA_BROKERS: brokers,
  SCHEMA_REGISTRY_URL: registry,
  CATALOGUE_TOPIC_PREFIX: prefix,
  CATALOGUE_GROUP_ID: `${prefix}connector-catalogue`,
  CATALOGUE_TOKENS: JSON.stringify({ [TOKEN]: { role: 'SEARCH' } }),
  JOURNEY_SECRET: 'bench-journey-secret-000',
  SCHEMAS_REGISTER_ON_START: 'true',
  HTTP_PORT: '0',
  LOG_LEVEL: 'warn',
};
const log = createLogger({ service: 'catalogue-bench', level: 'warn' });

const seen = new Map<string, number>();
const driver = new Bus({
  config: { KAFKA_BROKERS: brokers.split(','), SCHEMA_REGISTRY_URL: registry, KAFKA_CLIENT_ID: `${prefix}driver` },
  contracts: catalogueContracts(prefix),
  log,
  metrics: new Metrics({ defaultMetrics: false }),
});
await driver.registerSchemas();
await driver.ensureTopics();
const admin = await driver.admin();
for (const topic of Object.values(topics))
  while ((await admin.fetchTopicOffsets(topic).catch(() => [])).length === 0) await sleep(100);
driver.follow({
  name: 'bench.baseline',
  topics: [topics.sessionEvents],
  onEvent: (event) => {
    const id = (event.value as { envelope?: { eventId: string } } | null)?.envelope?.eventId;
    if (id) seen.set(id, performance.now());
  },
});
await driver.start();

const service = await startService(catalogueConnector({ env }), env);

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const envelope = (eventId: string) => ({
  ...fixtures['fr.passerelle.kairos.RecruitmentModalityScheduled'].envelope,
  eventId,
  occurredAt: new Date(),
  recordedAt: new Date(),
});
const icoOf = (capacity: number): RecruitmentModality => ({
  ...fixtures['fr.passerelle.kairos.RecruitmentModalityScheduled'].modality,
  modalityId: 'ICO-BENCH',
  date: '2030-06-15',
  capacity,
});

// Seed: SESSIONS sessions, each with one ICO.
const sessions: OfferSession[] = Array.from({ length: SESSIONS }, (_, n) => {
  const numero = `SE_${n}_${randomBytes(3).toString('hex')}`;
  return {
    ...offerSession,
    sessionKey: `14_AF_BENCH|14_SE_${numero}|${numero}`,
    session: { ...offerSession.session, numero, start: '2030-09-01', end: '2031-06-30', recruitmentState: 'OPEN' },
  };
});
await driver.publish(
  sessions.flatMap((session) => [
    {
      topic: topics.offer,
      key: session.sessionKey,
      record: 'fr.passerelle.offer.SessionPublished',
      value: { envelope: envelope(`seed:${session.sessionKey}`), sessionKey: session.sessionKey, session },
    },
    {
      topic: topics.sessionEvents,
      key: session.sessionKey,
      record: 'fr.passerelle.kairos.RecruitmentModalityScheduled',
      value: {
        envelope: envelope(`seed-ico:${session.sessionKey}`),
        sessionKey: session.sessionKey,
        modality: icoOf(1000),
      },
    },
  ]),
);

async function capacityInSearch(sessionKey: string): Promise<number | undefined> {
  const response = await fetch(`${service.url}/channels/TMF/sessions/${encodeURIComponent(sessionKey)}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  if (response.status !== 200) return undefined;
  const listing = (await response.json()) as { modalities: { capacity: number }[] };
  return listing.modalities[0]?.capacity;
}

const seedStart = performance.now();
for (const session of sessions) while ((await capacityInSearch(session.sessionKey)) !== 1000) await sleep(5);
const seedMs = performance.now() - seedStart;

const freshness: number[] = [];
const baseline: number[] = [];
for (let change = 1; change <= CHANGES; change += 1) {
  const session = sessions[Math.floor(Math.random() * sessions.length)] as OfferSession;
  const capacity = 1000 + change;
  const eventId = `bench-adjust-${change}`;
  const started = performance.now();
  await driver.publish([
    {
      topic: topics.sessionEvents,
      key: session.sessionKey,
      record: 'fr.passerelle.kairos.RecruitmentModalityAdjusted',
      value: {
        envelope: envelope(eventId),
        sessionKey: session.sessionKey,
        modality: icoOf(capacity),
        previousCapacity: capacity - 1,
        previousReceptionStart: null,
        previousReceptionEnd: null,
      },
    },
  ]);
  while ((await capacityInSearch(session.sessionKey)) !== capacity) await sleep(1);
  freshness.push(performance.now() - started);
  while (!seen.has(eventId)) await sleep(1);
  baseline.push((seen.get(eventId) as number) - started);
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
};
const f = stats(freshness);
const b = stats(baseline);
const ms = (value: number) => `${value.toFixed(1)} ms`;
console.log(`catalogue listing freshness — ${SESSIONS} sessions, ${CHANGES} Kairos capacity changes, one at a time`);
console.log(`seed: ${SESSIONS} sessions searchable after ${ms(seedMs)}`);
console.log(`Kairos event → visible in TMF search   p50 ${ms(f.p50)}  p99 ${ms(f.p99)}  max ${ms(f.max)}`);
console.log(`baseline: event → plain follower       p50 ${ms(b.p50)}  p99 ${ms(b.p99)}  max ${ms(b.max)}`);
console.log(
  `ratio p50 ×${(f.p50 / b.p50).toFixed(1)}  p99 ×${(f.p99 / b.p99).toFixed(1)} (two Kafka hops and a transaction vs one hop)`,
);
console.log(`rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);

await service.stop();
// The bench's own topics go: they would only weigh on the shared broker.
await admin
  .deleteTopics({ topics: [...Object.values(topics), `dlq.${prefix}connector-catalogue.v1`] })
  .catch(() => undefined);
await driver.stop();
process.exit(0);
