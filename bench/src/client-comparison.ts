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
import { cpus, loadavg } from 'node:os';
import { checks } from './client-comparison-checks.js';
import { kafkajsClient } from './client-comparison-kafkajs.js';
import { batchedProduce, hop, singleProduce, transactionalLoop } from './client-comparison-phases.js';
import { platformaticClient } from './client-comparison-platformatic.js';
import { medians, summarize, withRatios } from './client-comparison-report.js';
import {
  admin,
  BATCH,
  brokers,
  group,
  guarded,
  json,
  MESSAGES,
  NAMES,
  orderFor,
  PARTITIONS,
  type PerClient,
  ROUNDS,
  run,
  topic,
} from './client-comparison-run.js';
import {
  type ClientName,
  type ClientUnderTest,
  type IdempotentProducer,
  makeMessages,
  round,
} from './client-comparison-shared.js';

const load = () => loadavg().map((value) => round(value));

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

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
