// kafkajs 2.2.4 (what packages/bus uses) against @platformatic/kafka 1.35 (the last line that runs on Node 20), on
// the same broker in the same run, with the same topics (6 partitions), payloads (~700-byte values, keys
// `session-N`) and usage patterns as packages/bus:
//   1. produce: N messages, idempotent, acks=all, 500 per request → msgs/s and CPU ms per 1 000 messages;
//   2. single-message produce latency: 2 000 sends, one at a time, each awaited (one event per HTTP request);
//   3. consume→transform→produce in transactions (read_committed; each partition batch: outputs + the consumed
//      offset + commit; one transactional producer per input partition; 3 partitions at once) → msgs/s, CPU;
//   4. one hop's end-to-end latency at a steady 200 msgs/s for 10 s: publish to A (Publisher's coalescing), the
//      transactional loop A → B, a read_committed reader on B records now − send time;
// plus correctness checks of what the measurements rely on (concurrent idempotent sends, read_committed after
// aborted transactions, concurrent offset adds in one transaction, the partitioner). CPU is process.cpuUsage() over
// each window, one client running at a time; the client order alternates phase by phase (ABBA; --first platformatic
// swaps it).
// Usage: npm run -w bench clients [-- --json] [--messages 20000] [--singles 2000] [--rounds 5] [--first platformatic]
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { compatibilityPartitioner, defaultPartitioner } from '@platformatic/kafka';
import { Partitioners } from 'kafkajs';
import { kafkajsAdmin, kafkajsClient } from './client-comparison-kafkajs.js';
import { concurrentAddOffsetProbe, platformaticClient } from './client-comparison-platformatic.js';
import {
  type ClientName,
  type ClientUnderTest,
  CoalescingPublisher,
  cpuWindow,
  type IdempotentProducer,
  latencyStats,
  makeMessages,
  nowMs,
  perThousand,
  round,
  sleep,
  stamp,
  transform,
  until,
} from './client-comparison-shared.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};
const json = args.includes('--json');
const MESSAGES = Number(option('messages') ?? 20_000);
const BATCH = 500;
const SINGLES = Number(option('singles') ?? 2_000);
const E2E_RATE = 200;
const E2E_SECONDS = 10;
const PARTITIONS = 6;
const CONCURRENCY = 3;
const first: ClientName = option('first') === 'platformatic' ? 'platformatic' : 'kafkajs';
const second: ClientName = first === 'kafkajs' ? 'platformatic' : 'kafkajs';
/** ABBA: the client measured first alternates from phase to phase and from round to round. */
const orderFor = (phase: number, round: number): ClientName[] =>
  (phase + round) % 2 === 1 ? [first, second] : [second, first];
const ROUNDS = Number(option('rounds') ?? 5);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const topic = (name: string) => `bench.clients.${run}.${name}`;
const group = (name: string) => `bench.clients.${run}.${name}`;
const NAMES: ClientName[] = ['kafkajs', 'platformatic'];
/** kafkajs' admin for both clients' topics, groups and checks (never inside a measurement). */
const admin = kafkajsAdmin(brokers, `bench-clients-admin-${run}`);

const load = () => loadavg().map((value) => round(value));
type Row = Record<string, unknown>;
type PerClient = Partial<Record<ClientName, Row>>;

async function main() {
  // Nothing left behind if something hangs: every wait below is bounded, this bounds the whole run.
  const watchdog = setTimeout(() => {
    console.error('client comparison: still running after 12 minutes, giving up');
    process.exit(2);
  }, 12 * 60_000);
  watchdog.unref();

  const clients: Record<ClientName, ClientUnderTest> = {
    kafkajs: kafkajsClient({ brokers, clientId: `bench-clients-kafkajs-${run}` }),
    platformatic: platformaticClient({ brokers, clientId: `bench-clients-platformatic-${run}` }),
  };
  await admin.connect();
  const perRound = (name: string) => Array.from({ length: ROUNDS }, (_, r) => `${name}-${r}`);
  const perClientTopics = [...perRound('produce'), ...perRound('single'), ...perRound('out'), 'e2e-a', 'e2e-b'];
  const topics = [
    topic('warm'),
    topic('input'),
    topic('probe-aborted'),
    topic('probe-offsets'),
    ...NAMES.flatMap((name) => [
      ...perClientTopics.map((t) => topic(`${name}-${t}`)),
      topic(`probe-concurrent-${name}`),
    ]),
  ];
  const groups: string[] = [];
  const loadAverages: Record<string, number[]> = { start: load() };
  const started = new Date().toISOString();
  const result: Record<string, unknown> = {};
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((name) => ({ topic: name, numPartitions: PARTITIONS, replicationFactor: 1 })),
    });

    // --- 1. batched produce, and 2. single-message produce latency (one producer per client, warmed up) -------
    const producers: Partial<Record<ClientName, IdempotentProducer>> = {};
    for (const name of NAMES) {
      const producer = await clients[name].openProducer();
      for (let i = 0; i < 3; i += 1) await producer.send(topic('warm'), makeMessages(BATCH, i * BATCH));
      for (const message of makeMessages(50)) await producer.send(topic('warm'), [message]);
      producers[name] = producer;
    }

    // The transactional loop's input: the same messages for every round of both, written once by kafkajs.
    const input = makeMessages(MESSAGES);
    for (let i = 0; i < input.length; i += BATCH)
      await (producers.kafkajs as IdempotentProducer).send(topic('input'), input.slice(i, i + BATCH));

    // Phases 1–3 are short (a few seconds each) and the machine is shared: ROUNDS rounds, medians reported, the
    // first client alternating.
    const rounds: Record<'produce' | 'single' | 'transactional', Array<PerClient>> = {
      produce: [],
      single: [],
      transactional: [],
    };
    for (let r = 0; r < ROUNDS; r += 1) {
      loadAverages[`round${r}`] = load();
      const produce: PerClient = {};
      for (const name of orderFor(1, r)) {
        produce[name] = await guarded(() => batchedProduce(producers[name] as IdempotentProducer, name, r));
      }
      rounds.produce.push(produce);

      const single: PerClient = {};
      for (const name of orderFor(2, r)) {
        single[name] = await guarded(() => singleProduce(producers[name] as IdempotentProducer, name, r));
      }
      rounds.single.push(single);

      const transactional: PerClient = {};
      for (const name of orderFor(3, r)) {
        groups.push(group(`tx-${name}-${r}`), group(`check-${name}-${r}`));
        transactional[name] = await guarded(() => transactionalLoop(clients, name, r));
      }
      rounds.transactional.push(transactional);
    }
    for (const name of NAMES) await producers[name]?.close();
    result.produce = withRatios(medians(rounds.produce, 'msgsPerSec'), ['msgsPerSec', 'cpuMsPer1000']);
    result.singleProduce = withRatios(medians(rounds.single, 'p50Ms'), ['p50Ms', 'p99Ms', 'meanMs', 'cpuMsPer1000']);
    result.transactionalTransform = withRatios(medians(rounds.transactional, 'msgsPerSec'), [
      'msgsPerSec',
      'cpuMsPer1000',
      'meanBatch',
    ]);

    // --- 4. one hop's end-to-end latency at a steady rate --------------------------------------------------------
    loadAverages.endToEnd = load();
    const endToEnd: PerClient = {};
    for (const name of orderFor(4, 0)) {
      groups.push(group(`e2e-tx-${name}`), group(`e2e-read-${name}`));
      endToEnd[name] = await guarded(() => hop(clients[name], name));
    }
    result.endToEnd = withRatios(endToEnd, ['p50Ms', 'p99Ms', 'meanMs', 'cpuMsPer1000', 'ackP50Ms', 'ackP99Ms']);

    // --- correctness checks the numbers rely on --------------------------------------------------------------
    loadAverages.checks = load();
    result.checks = await checks(clients, groups);
    loadAverages.end = load();
  } finally {
    await admin.deleteTopics({ topics, timeout: 30_000 }).catch((error) => console.error('delete topics:', error));
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
  }

  const report = {
    run: {
      id: run,
      started,
      node: process.version,
      cpus: cpus().length,
      loadAverages,
      brokers,
      partitions: PARTITIONS,
      valueBytes: 700,
      rounds: ROUNDS,
      firstOfRound0: { produce: orderFor(1, 0)[0], single: orderFor(2, 0)[0], transactional: orderFor(3, 0)[0] },
      order: { endToEnd: orderFor(4, 0) },
      versions: { kafkajs: clients.kafkajs.version, platformatic: clients.platformatic.version },
      retries: { kafkajs: clients.kafkajs.retries(), platformatic: clients.platformatic.retries() },
      ratios: 'platformatic / kafkajs (msgsPerSec > 1: platformatic faster; ms and CPU < 1: platformatic better)',
    },
    ...result,
  };
  summarize(report);
  if (json) console.log(JSON.stringify(report, null, 2));
  clearTimeout(watchdog);
}

async function batchedProduce(producer: IdempotentProducer, name: ClientName, r: number): Promise<Row> {
  const to = topic(`${name}-produce-${r}`);
  const messages = makeMessages(MESSAGES);
  const window = cpuWindow();
  for (let i = 0; i < messages.length; i += BATCH) await producer.send(to, messages.slice(i, i + BATCH));
  const { seconds, cpuMs } = window.stop();
  return {
    messages: MESSAGES,
    seconds: round(seconds, 3),
    msgsPerSec: Math.round(MESSAGES / seconds),
    cpuMsPer1000: perThousand(cpuMs, MESSAGES),
    stored: await storedCount(to),
  };
}

async function singleProduce(producer: IdempotentProducer, name: ClientName, r: number): Promise<Row> {
  const to = topic(`${name}-single-${r}`);
  const messages = makeMessages(SINGLES);
  const latencies: number[] = [];
  const window = cpuWindow();
  for (const message of messages) {
    const sent = performance.now();
    await producer.send(to, [message]);
    latencies.push(performance.now() - sent);
  }
  const { seconds, cpuMs } = window.stop();
  return {
    ...latencyStats(latencies),
    seconds: round(seconds, 3),
    cpuMsPer1000: perThousand(cpuMs, SINGLES),
    stored: await storedCount(to),
  };
}

/** The whole input, from the group's start; measured from the first messages handed over to the last commit. */
async function transactionalLoop(
  clients: Record<ClientName, ClientUnderTest>,
  name: ClientName,
  r: number,
): Promise<Row> {
  const groupId = group(`tx-${name}-${r}`);
  const output = topic(`${name}-out-${r}`);
  let committed = 0;
  let failure: unknown;
  let window: ReturnType<typeof cpuWindow> | undefined;
  const started = performance.now();
  const transformer = await clients[name].startTransformer({
    input: topic('input'),
    output,
    groupId,
    concurrency: CONCURRENCY,
    transform,
    onFirstBatch: () => {
      window = cpuWindow();
    },
    onCommitted: (count) => {
      committed += count;
    },
    onError: (error) => {
      failure ??= error;
    },
  });
  const done = await until(() => committed >= MESSAGES || failure !== undefined, 180_000);
  const measured = window?.stop();
  const transactions = transformer.transactions();
  const untilFirstMs = round(performance.now() - started - (measured?.seconds ?? 0) * 1000, 0);
  await transformer.stop();
  if (failure !== undefined) throw failure;
  if (!done || !measured) throw new Error(`only ${committed} of ${MESSAGES} committed within 180 s`);
  return {
    messages: committed,
    seconds: round(measured.seconds, 3),
    msgsPerSec: Math.round(committed / measured.seconds),
    cpuMsPer1000: perThousand(measured.cpuMs, committed),
    transactions,
    meanBatch: Math.round(committed / Math.max(1, transactions)),
    startToFirstBatchMs: untilFirstMs,
    committedGroupOffsets: await committedOffsets(groupId, topic('input')),
    outputReadCommitted: await readCommittedCount(clients.kafkajs, output, group(`check-${name}-${r}`)),
  };
}

/** Publish to A at E2E_RATE for E2E_SECONDS; A → B transactionally; a read_committed reader on B. */
async function hop(client: ClientUnderTest, name: ClientName): Promise<Row> {
  const a = topic(`${name}-e2e-a`);
  const b = topic(`${name}-e2e-b`);
  const total = E2E_RATE * E2E_SECONDS;
  const latencies: number[] = [];
  const acks: number[] = [];
  let warmSeen = 0;
  let failure: unknown;
  const onError = (error: unknown) => {
    failure ??= error;
  };
  const reader = await client.startReader({
    topic: b,
    groupId: group(`e2e-read-${name}`),
    onMessage: (value) => {
      if (value[8] === 1) latencies.push(nowMs() - value.readDoubleBE(0));
      else warmSeen += 1;
    },
    onError,
  });
  const transformer = await client.startTransformer({
    input: a,
    output: b,
    groupId: group(`e2e-tx-${name}`),
    concurrency: CONCURRENCY,
    transform,
    onFirstBatch: () => undefined,
    onCommitted: () => undefined,
    onError,
  });
  const producer = await client.openProducer();
  const publisher = new CoalescingPublisher(producer, a);
  try {
    // Warm-up: until a message makes the whole hop (groups joined, producers initialised), then 2 s more traffic.
    const warm = makeMessages(400, 50_000);
    let w = 0;
    while (warmSeen === 0 && w < 300 && failure === undefined) {
      void publisher.publish(stamp(warm[w++] as (typeof warm)[number], false)).catch(onError);
      await sleep(100);
    }
    if (warmSeen === 0) throw failure ?? new Error('no message made the hop within 30 s');
    for (let i = 0; i < 40; i += 1) {
      void publisher.publish(stamp(warm[w++] as (typeof warm)[number], false)).catch(onError);
      await sleep(50);
    }
    await until(() => warmSeen >= w || failure !== undefined, 10_000);
    const requestsBefore = publisher.requests;

    const messages = makeMessages(total, 100_000);
    const window = cpuWindow();
    const start = performance.now();
    let sent = 0;
    while (sent < total && failure === undefined) {
      const due = Math.min(total, Math.floor(((performance.now() - start) * E2E_RATE) / 1000) + 1);
      while (sent < due) {
        const published = performance.now();
        publisher
          .publish(stamp(messages[sent++] as (typeof messages)[number], true))
          .then(() => acks.push(performance.now() - published), onError);
      }
      await sleep(1);
    }
    const sendSeconds = (performance.now() - start) / 1000;
    const complete = await until(() => latencies.length >= total || failure !== undefined, 20_000);
    const { seconds, cpuMs } = window.stop();
    if (failure !== undefined) throw failure;
    return {
      rate: E2E_RATE,
      sendSeconds: round(sendSeconds, 2),
      sent: total,
      received: latencies.length,
      complete,
      ...latencyStats(latencies),
      ackP50Ms: latencyStats(acks).p50Ms,
      ackP99Ms: latencyStats(acks).p99Ms,
      produceRequests: publisher.requests - requestsBefore,
      transactions: transformer.transactions(),
      windowSeconds: round(seconds, 2),
      cpuMsPer1000: perThousand(cpuMs, total),
    };
  } finally {
    await producer.close().catch(() => undefined);
    await transformer.stop().catch(() => undefined);
    await reader.stop().catch(() => undefined);
  }
}

async function checks(clients: Record<ClientName, ClientUnderTest>, groups: string[]): Promise<Row> {
  // a. Concurrent sends on one idempotent producer (8 callers, 60 single-message sends, no coalescing).
  const concurrentSends: PerClient = {};
  for (const name of NAMES) {
    concurrentSends[name] = await guarded(async () => {
      const producer = await clients[name].openProducer();
      const to = topic(`probe-concurrent-${name}`);
      const messages = makeMessages(61, 200_000);
      await producer.send(to, [messages[0] as (typeof messages)[number]]);
      let next = 1;
      let rejected = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < messages.length) {
            const message = messages[next++] as (typeof messages)[number];
            await producer.send(to, [message]).catch(() => {
              rejected += 1;
            });
          }
        }),
      );
      await producer.close();
      const stored = await storedCount(to);
      return { sent: messages.length, rejected, stored, silentlyLost: messages.length - rejected - stored };
    });
  }

  // b. read_committed after aborted transactions: one transactional producer (kafkajs, for both readers) writes
  //    abort, commit, abort, commit (5 messages each) to one partition; a reader must see the 10 committed only.
  const abortedTopic = topic('probe-aborted');
  const kafka = (await import('kafkajs')).Kafka;
  const writer = new kafka({ clientId: `bench-clients-probe-${run}`, brokers, logLevel: 0 }).producer({
    transactionalId: `bench.clients.${run}.probe`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await writer.connect();
  for (const [index, outcome] of (['abort', 'commit', 'abort', 'commit'] as const).entries()) {
    const transaction = await writer.transaction();
    await transaction.send({
      topic: abortedTopic,
      acks: -1,
      messages: Array.from({ length: 5 }, (_, i) => ({
        partition: 0,
        key: 'probe',
        value: `${outcome}-${index}-${i}`,
      })),
    });
    if (outcome === 'abort') await transaction.abort();
    else await transaction.commit();
  }
  await writer.disconnect();
  const readCommitted: PerClient = {};
  for (const name of NAMES) {
    const groupId = group(`probe-read-${name}`);
    groups.push(groupId);
    readCommitted[name] = await guarded(async () => {
      const seen: string[] = [];
      let failure: unknown;
      const reader = await clients[name].startReader({
        topic: abortedTopic,
        groupId,
        onMessage: (value) => seen.push(value.toString()),
        onError: (error) => {
          failure ??= error;
        },
      });
      await until(() => seen.length >= 10 || failure !== undefined, 15_000);
      await sleep(1_500);
      await reader.stop();
      if (failure !== undefined) throw failure;
      const aborted = seen.filter((value) => value.startsWith('abort'));
      return { expected: 10, seen: seen.length, fromAbortedTransactions: aborted.length, abortedSample: aborted[0] };
    });
  }

  // c. Offsets of several input partitions in one transaction (platformatic's addOffset, called concurrently; kafkajs'
  //    sendOffsets takes them all in one call, so it has nothing to check here).
  const offsetsTopic = topic('probe-offsets');
  const offsetsGroup = group('probe-offsets');
  groups.push(offsetsGroup);
  const seed = new kafka({ clientId: `bench-clients-probe-${run}`, brokers, logLevel: 0 }).producer();
  await seed.connect();
  await seed.send({
    topic: offsetsTopic,
    acks: -1,
    messages: [
      { partition: 0, value: 'a' },
      { partition: 1, value: 'b' },
    ],
  });
  await seed.disconnect();
  const concurrentAddOffset = await guarded(() =>
    concurrentAddOffsetProbe({
      brokers,
      clientId: `bench-clients-probe-${run}`,
      topic: offsetsTopic,
      groupId: offsetsGroup,
      committed: async () => {
        const [entry] = await admin.fetchOffsets({ groupId: offsetsGroup, topics: [offsetsTopic] });
        return Object.fromEntries((entry?.partitions ?? []).map(({ partition, offset }) => [partition, offset]));
      },
    }),
  );

  // d. Partitioner: which partition of 6 each key `session-N` (N < 1 000) goes to, against kafkajs (= Java).
  const kafkajsPartition = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 1 }));
  let defaultDiffers = 0;
  let compatibilityDiffers = 0;
  for (let n = 0; n < 1_000; n += 1) {
    const key = `session-${n}`;
    const expected = kafkajsPartition({
      topic: 't',
      partitionMetadata,
      message: { key, value: null },
    } as unknown as Parameters<typeof kafkajsPartition>[0]);
    // The partitioners ignore their message argument.
    const message = undefined as unknown as Parameters<typeof defaultPartitioner>[0];
    if (defaultPartitioner(message, Buffer.from(key)) % PARTITIONS !== expected) defaultDiffers += 1;
    if (compatibilityPartitioner(message, Buffer.from(key)) % PARTITIONS !== expected) compatibilityDiffers += 1;
  }
  return {
    concurrentIdempotentSends: concurrentSends,
    readCommittedAfterAborts: readCommitted,
    platformaticConcurrentAddOffset: concurrentAddOffset,
    partitionerVsKafkajs: {
      keys: 1_000,
      platformaticDefaultPartitionerDiffers: defaultDiffers,
      platformaticCompatibilityPartitionerDiffers: compatibilityDiffers,
    },
  };
}

// --- helpers --------------------------------------------------------------------------------------------------------

async function guarded(work: () => Promise<Row>): Promise<Row> {
  try {
    return await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const causes = (error as { errors?: Error[] }).errors?.map((cause) => cause.message);
    console.error('failed:', message, causes ?? '');
    return { error: message, ...(causes ? { causes } : {}) };
  }
}

/** Per client, the median of every numeric field over the rounds, and the rounds' values of `headline`. */
function medians(rounds: PerClient[], headline: string): PerClient {
  const out: PerClient = {};
  for (const name of NAMES) {
    const rows = rounds.map((perClient) => perClient[name]).filter((row): row is Row => row !== undefined);
    const ok = rows.filter((row) => row.error === undefined);
    if (ok.length === 0) {
      out[name] = rows[0];
      continue;
    }
    const row: Row = {};
    for (const key of Object.keys(ok[0] as Row)) {
      const values = ok.map((entry) => entry[key]);
      row[key] = values.every((value) => typeof value === 'number') ? median(values as number[]) : values[0];
    }
    row.rounds = ok.length;
    row[`${headline}ByRound`] = ok.map((entry) => entry[headline]);
    const failed = rows.filter((entry) => entry.error !== undefined);
    if (failed.length > 0) row.failedRounds = failed.map((entry) => entry.error);
    out[name] = row;
  }
  return out;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : round(((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2);
};

function withRatios(rows: PerClient, keys: string[]) {
  const ratio: Record<string, number | null> = {};
  for (const key of keys) {
    const a = rows.kafkajs?.[key];
    const b = rows.platformatic?.[key];
    ratio[key] = typeof a === 'number' && typeof b === 'number' && a !== 0 ? round(b / a, 3) : null;
  }
  return { kafkajs: rows.kafkajs, platformatic: rows.platformatic, ratio };
}

async function storedCount(name: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(name);
  return offsets.reduce((total, { high, low }) => total + Number(high) - Number(low), 0);
}

async function committedOffsets(groupId: string, name: string) {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [name] });
  return (entry?.partitions ?? []).reduce((total, { offset }) => total + Math.max(0, Number(offset)), 0);
}

/** Messages a read_committed kafkajs reader sees in a topic (stops once the count is stable for 1.5 s). */
async function readCommittedCount(client: ClientUnderTest, name: string, groupId: string): Promise<number> {
  let seen = 0;
  const reader = await client.startReader({
    topic: name,
    groupId,
    onMessage: () => {
      seen += 1;
    },
    onError: () => undefined,
  });
  let last = -1;
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    await sleep(1_500);
    if (seen === last && seen > 0) break;
    last = seen;
  }
  await reader.stop();
  return seen;
}

function summarize(report: Record<string, unknown>) {
  const get = (path: string) =>
    path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], report);
  const line = (label: string, section: string, key: string, unit: string) => {
    const k = get(`${section}.kafkajs.${key}`);
    const p = get(`${section}.platformatic.${key}`);
    const r = get(`${section}.ratio.${key}`);
    const show = (value: unknown) => (typeof value === 'number' ? `${value}${unit}` : 'n/a');
    console.error(
      `  ${label.padEnd(34)} kafkajs ${show(k).padStart(12)}   platformatic ${show(p).padStart(12)}   ×${r ?? '–'}`,
    );
  };
  const run = report.run as { loadAverages: Record<string, number[]>; order: unknown };
  console.error(`client comparison ${get('run.id')} (load average at start ${run.loadAverages.start?.join(' ')})`);
  line('produce 500/request', 'produce', 'msgsPerSec', ' msg/s');
  line('produce CPU per 1 000', 'produce', 'cpuMsPer1000', ' ms');
  line('single send p50', 'singleProduce', 'p50Ms', ' ms');
  line('single send p99', 'singleProduce', 'p99Ms', ' ms');
  line('single send CPU per 1 000', 'singleProduce', 'cpuMsPer1000', ' ms');
  line('transactional loop', 'transactionalTransform', 'msgsPerSec', ' msg/s');
  line('transactional loop CPU per 1 000', 'transactionalTransform', 'cpuMsPer1000', ' ms');
  line('transactional loop mean batch', 'transactionalTransform', 'meanBatch', '');
  line('one hop at 200/s p50', 'endToEnd', 'p50Ms', ' ms');
  line('one hop at 200/s p99', 'endToEnd', 'p99Ms', ' ms');
  line('one hop CPU per 1 000', 'endToEnd', 'cpuMsPer1000', ' ms');
  const checks = report.checks as Record<string, Record<string, Row | number>> | undefined;
  if (checks) {
    const conc = checks.concurrentIdempotentSends;
    const abort = checks.readCommittedAfterAborts;
    console.error(
      `  checks: 8 concurrent idempotent senders, 61 sent → stored kafkajs ${(conc?.kafkajs as Row)?.stored}, platformatic ${(conc?.platformatic as Row)?.stored}; ` +
        `read_committed after abort/commit/abort/commit (10 expected) → kafkajs ${(abort?.kafkajs as Row)?.seen}, platformatic ${(abort?.platformatic as Row)?.seen}; ` +
        `default partitioner differs from kafkajs for ${(checks.partitionerVsKafkajs as Row)?.platformaticDefaultPartitionerDiffers} of 1 000 keys`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
