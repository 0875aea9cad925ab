// The bus runtime's publish and consume→handle→publish throughput with 1 KB Avro events, against plain kafkajs
// on the same broker in the same run. Prints a table and the ratios (target: consume→handle→publish ≥ 70% of
// plain kafkajs consume+produce). Usage: npm run bench:bus [-- --events 20000] [-- --json]
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Bus, type Contracts } from '@passerelle/bus';
import { createLogger, Metrics } from '@passerelle/service-kit';
import avro from 'avsc';
import { Kafka, logLevel } from 'kafkajs';
import { plainKafkajsRound } from './plain-kafkajs.js';
import { benchStack, peakRssMiB } from './stack.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const EVENTS = flag('events', 20_000);
const PARTITIONS = 3;
const json = args.includes('--json');

const RECORD = 'fr.passerelle.bench.SessionTouched';
const schema = {
  type: 'record',
  name: 'SessionTouched',
  namespace: 'fr.passerelle.bench',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'sessionKey', type: 'string' },
    { name: 'occurredAt', type: 'long' },
    { name: 'places', type: 'int' },
    { name: 'title', type: 'string' },
    { name: 'content', type: 'string' },
  ],
};
const type = avro.Type.forSchema(schema as avro.Schema);
const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const topic = (name: string) => `bench.${run}.${name}`;

const makeEvent = (index: number) => ({
  eventId: `evt-${index}`,
  sessionKey: `F_${index % 997}|AC_${index % 997}|SE_${index % 997}`,
  occurredAt: 1_700_000_000_000 + index,
  places: index % 20,
  title: 'Développeur web et web mobile — titre professionnel de niveau 5',
  content: 'x'.repeat(860),
});

const ROUNDS = flag('rounds', 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function main() {
  const { brokers, registryUrl } = await benchStack();
  const names = Array.from({ length: ROUNDS }, (_, round) =>
    ['plain-in', 'plain-out', 'bus-in', 'bus-out'].map((name) => `${name}-${round}`),
  ).flat();
  const contracts: Contracts = {
    topics: names.map((name) => ({
      name: topic(name),
      partitions: PARTITIONS,
      cleanupPolicy: 'delete' as const,
      retentionMs: 3_600_000,
      records: [RECORD],
    })),
    records: new Map([[RECORD, { fullName: RECORD, schema, type }]]),
  };
  const metrics = new Metrics({ defaultMetrics: false });
  const bus = new Bus({
    config: { KAFKA_BROKERS: brokers, SCHEMA_REGISTRY_URL: registryUrl, KAFKA_CLIENT_ID: `bench-${run}` },
    contracts,
    log: createLogger({ service: 'bench', level: 'warn' }),
    metrics,
  });
  await bus.ensureTopics();
  await bus.registerSchemas();
  const events = Array.from({ length: EVENTS }, (_, index) => makeEvent(index));
  const header = (await bus.serde.encode(topic('bus-in-0'), RECORD, events[0])).subarray(0, 5);
  const kafka = new Kafka({ clientId: `bench-plain-${run}`, brokers, logLevel: logLevel.NOTHING });
  const rounds: Array<{ plainPublish: number; plainConsume: number; busPublish: number; busConsume: number }> = [];

  for (let round = 0; round < ROUNDS; round += 1) {
    // --- plain kafkajs: produce encoded bytes, then consume + decode + encode + produce (autocommit) ---------------
    const plain = await plainKafkajsRound({
      brokers,
      input: topic(`plain-in-${round}`),
      output: topic(`plain-out-${round}`),
      groupId: `bench-plain-${run}-${round}`,
      messages: events.map((event) => ({
        key: event.sessionKey,
        value: Buffer.concat([header, type.toBuffer(event)]),
      })),
      transform: (bytes) => {
        const value = type.fromBuffer(bytes.subarray(5)) as ReturnType<typeof makeEvent>;
        return Buffer.concat([header, type.toBuffer({ ...value, places: value.places + 1 })]);
      },
    });
    const plainPublish = plain.produceSeconds;
    const plainConsume = plain.consumeProduceSeconds;

    // --- the bus runtime: typed publish, then a declared consumer publishing transactionally ---------------------
    const started = performance.now();
    for (let start = 0; start < events.length; start += 500) {
      await bus.publish(
        events
          .slice(start, start + 500)
          .map((value) => ({ topic: topic(`bus-in-${round}`), key: value.sessionKey, record: RECORD, value })),
      );
    }
    const busPublish = (performance.now() - started) / 1000;

    let busFirst: number | undefined;
    const consumer = bus.consumer({
      name: `bench-${round}`,
      ...(process.env.BENCH_MAX_BYTES ? { maxBytesPerPartition: Number(process.env.BENCH_MAX_BYTES) } : {}),
      groupId: `bench-bus-${run}-${round}`,
      topics: [topic(`bus-in-${round}`)],
      handle(event, context) {
        busFirst ??= performance.now();
        const value = event.value as ReturnType<typeof makeEvent>;
        context.publish({
          topic: topic(`bus-out-${round}`),
          key: value.sessionKey,
          record: RECORD,
          value: { ...value, places: value.places + 1 },
        });
      },
    });
    const consumedBefore = await metrics.valueOf('bus_consumed_total');
    await consumer.start();
    while ((await metrics.valueOf('bus_consumed_total')) - consumedBefore < EVENTS) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const busConsume = (performance.now() - (busFirst as number)) / 1000;
    await consumer.stop();
    rounds.push({ plainPublish, plainConsume, busPublish, busConsume });
  }
  const exposition = (await metrics.expose()).body;
  const histogram = (name: string) => ({
    count: Number(new RegExp(`${name}_count\\{[^}]*\\} (\\S+)`).exec(exposition)?.[1] ?? 0),
    sum: Number(new RegExp(`${name}_sum\\{[^}]*\\} (\\S+)`).exec(exposition)?.[1] ?? 0),
  });
  const transactions = histogram('passerelle_bus_transaction_seconds');
  await bus.stop();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: names.map(topic) }).catch(() => undefined);
  await admin.disconnect();

  const rate = (seconds: number) => Math.round(EVENTS / seconds);
  const ratio = (plain: number, mine: number) => Number((plain / mine).toFixed(2));
  const result = {
    events: EVENTS,
    rounds: ROUNDS,
    eventBytes: type.toBuffer(events[0]).length,
    partitions: PARTITIONS,
    plainKafkajs: {
      publishPerSecond: rate(median(rounds.map((r) => r.plainPublish))),
      consumeProducePerSecond: rate(median(rounds.map((r) => r.plainConsume))),
    },
    bus: {
      publishPerSecond: rate(median(rounds.map((r) => r.busPublish))),
      consumeHandlePublishPerSecond: rate(median(rounds.map((r) => r.busConsume))),
    },
    ratios: {
      publish: median(rounds.map((r) => ratio(r.plainPublish, r.busPublish))),
      consumeHandlePublish: median(rounds.map((r) => ratio(r.plainConsume, r.busConsume))),
      consumeHandlePublishPerRound: rounds.map((r) => ratio(r.plainConsume, r.busConsume)),
    },
    target: { consumeHandlePublish: 0.7 },
    transactions: {
      count: transactions.count,
      meanMs: Number(((transactions.sum / Math.max(1, transactions.count)) * 1000).toFixed(1)),
      eventsPerTransaction: Math.round((EVENTS * ROUNDS) / Math.max(1, transactions.count)),
    },
    peakRssMiB: peakRssMiB(),
  };
  if (json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(
      `bus runtime vs plain kafkajs — ${EVENTS} events of ${result.eventBytes} bytes (Avro), ${PARTITIONS} partitions, median of ${ROUNDS} alternating rounds`,
    );
    console.log(
      `  publish                 plain ${result.plainKafkajs.publishPerSecond}/s   bus ${result.bus.publishPerSecond}/s   ratio ${result.ratios.publish}`,
    );
    console.log(
      `  consume→handle→publish  plain ${result.plainKafkajs.consumeProducePerSecond}/s   bus ${result.bus.consumeHandlePublishPerSecond}/s (transactional)   ratio ${result.ratios.consumeHandlePublish} (rounds ${result.ratios.consumeHandlePublishPerRound.join(', ')}; target ≥ 0.7)`,
    );
    console.log(
      `  transactions: ${result.transactions.count}, mean ${result.transactions.meanMs} ms, ${result.transactions.eventsPerTransaction} events each`,
    );
    console.log(`  peak RSS ${result.peakRssMiB} MiB`);
  }
}

await main();
