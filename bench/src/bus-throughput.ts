// The bus runtime's publish and consume→handle→publish throughput with 1 KB Avro events, against plain kafkajs
// on the same broker in the same run. Prints a table and the ratios (target: consume→handle→publish ≥ 70% of
// plain kafkajs consume+produce). Usage: npm run bench:bus [-- --events 20000] [-- --json]
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Bus, type Contracts } from '@passerelle/bus';
import { createLogger, Metrics } from '@passerelle/service-kit';
import avro from 'avsc';
import { Kafka, logLevel } from 'kafkajs';
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

async function main() {
  const { brokers, registryUrl } = await benchStack();
  const names = ['plain-in', 'plain-out', 'bus-in', 'bus-out'];
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
  const sample = await bus.serde.encode(topic('bus-in'), RECORD, events[0]);

  // --- plain kafkajs: produce pre-encoded bytes, then consume + produce (autocommit) --------------------------------
  const kafka = new Kafka({ clientId: `bench-plain-${run}`, brokers, logLevel: logLevel.NOTHING });
  const plainProducer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await plainProducer.connect();
  const encoded = events.map((event) => ({
    key: event.sessionKey,
    value: Buffer.concat([sample.subarray(0, 5), type.toBuffer(event)]),
  }));
  let started = performance.now();
  for (let start = 0; start < encoded.length; start += 500) {
    await plainProducer.send({ topic: topic('plain-in'), acks: -1, messages: encoded.slice(start, start + 500) });
  }
  const plainPublishSeconds = (performance.now() - started) / 1000;

  const plainConsumer = kafka.consumer({ groupId: `bench-plain-${run}`, maxWaitTimeInMs: 100 });
  await plainConsumer.connect();
  await plainConsumer.subscribe({ topic: topic('plain-in'), fromBeginning: true });
  let plainDone = 0;
  let plainFinished: () => void = () => {};
  const plainAll = new Promise<void>((resolve) => {
    plainFinished = resolve;
  });
  started = performance.now();
  await plainConsumer.run({
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch }) => {
      const out = batch.messages.map((message) => {
        const value = type.fromBuffer((message.value as Buffer).subarray(5)) as ReturnType<typeof makeEvent>;
        return {
          key: message.key,
          value: Buffer.concat([sample.subarray(0, 5), type.toBuffer({ ...value, places: value.places + 1 })]),
        };
      });
      await plainProducer.send({ topic: topic('plain-out'), acks: -1, messages: out });
      plainDone += out.length;
      if (plainDone >= EVENTS) plainFinished();
    },
  });
  await plainAll;
  const plainConsumeSeconds = (performance.now() - started) / 1000;
  await plainConsumer.disconnect();
  await plainProducer.disconnect();

  // --- the bus runtime: typed publish, then a declared consumer publishing transactionally ---------------------------
  started = performance.now();
  for (let start = 0; start < events.length; start += 500) {
    await bus.publish(
      events
        .slice(start, start + 500)
        .map((value) => ({ topic: topic('bus-in'), key: value.sessionKey, record: RECORD, value })),
    );
  }
  const busPublishSeconds = (performance.now() - started) / 1000;

  bus.consumer({
    name: 'bench',
    groupId: `bench-bus-${run}`,
    topics: [topic('bus-in')],
    handle(event, context) {
      const value = event.value as ReturnType<typeof makeEvent>;
      context.publish({
        topic: topic('bus-out'),
        key: value.sessionKey,
        record: RECORD,
        value: { ...value, places: value.places + 1 },
      });
    },
  });
  started = performance.now();
  await bus.start();
  while ((await metrics.valueOf('bus_consumed_total')) < EVENTS)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const busConsumeSeconds = (performance.now() - started) / 1000;
  await bus.stop();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: names.map(topic) }).catch(() => undefined);
  await admin.disconnect();

  const rate = (seconds: number) => Math.round(EVENTS / seconds);
  const result = {
    events: EVENTS,
    eventBytes: sample.length - 5 + type.toBuffer(events[0]).length - (sample.length - 5),
    plainKafkajs: { publishPerSecond: rate(plainPublishSeconds), consumeProducePerSecond: rate(plainConsumeSeconds) },
    bus: { publishPerSecond: rate(busPublishSeconds), consumeHandlePublishPerSecond: rate(busConsumeSeconds) },
    ratios: {
      publish: Number((plainPublishSeconds / busPublishSeconds).toFixed(2)),
      consumeHandlePublish: Number((plainConsumeSeconds / busConsumeSeconds).toFixed(2)),
    },
    target: { consumeHandlePublish: 0.7 },
    peakRssMiB: peakRssMiB(),
  };
  if (json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(
      `bus runtime vs plain kafkajs — ${EVENTS} events of ${result.eventBytes} bytes (Avro), ${PARTITIONS} partitions`,
    );
    console.log(
      `  publish                 plain ${result.plainKafkajs.publishPerSecond}/s   bus ${result.bus.publishPerSecond}/s   ratio ${result.ratios.publish}`,
    );
    console.log(
      `  consume→handle→publish  plain ${result.plainKafkajs.consumeProducePerSecond}/s   bus ${result.bus.consumeHandlePublishPerSecond}/s (transactional)   ratio ${result.ratios.consumeHandlePublish} (target ≥ 0.7)`,
    );
    console.log(`  peak RSS ${result.peakRssMiB} MiB`);
  }
}

await main();
