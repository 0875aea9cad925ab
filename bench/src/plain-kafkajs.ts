import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';

/**
 * The baseline every Passerelle throughput number is compared with: plain kafkajs on the same broker, in the same
 * run — produce pre-encoded events (idempotent, acks=all, 500 per request), then consume them, transform each
 * and produce it to a second topic (autocommit). No schema registry, no transactions, no state.
 */
export interface PlainRound {
  produceSeconds: number;
  /** From the first batch (after group join) to the last event produced: steady-state throughput. */
  consumeProduceSeconds: number;
}

export async function plainKafkajsRound({
  brokers,
  input,
  output,
  messages,
  transform,
  groupId,
  partitions = 3,
}: {
  brokers: string[];
  input: string;
  output: string;
  messages: Array<{ key: string; value: Buffer }>;
  transform: (value: Buffer) => Buffer;
  groupId: string;
  partitions?: number;
}): Promise<PlainRound> {
  const kafka = new Kafka({ clientId: groupId, brokers, logLevel: logLevel.NOTHING });
  // Created first, as Passerelle's topics are (brokers in production do not create topics on first use), with
  // the catalogue's partition count.
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [input, output].map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
  });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let started = performance.now();
  for (let start = 0; start < messages.length; start += 500) {
    await producer.send({ topic: input, acks: -1, messages: messages.slice(start, start + 500) });
  }
  const produceSeconds = (performance.now() - started) / 1000;

  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: input, fromBeginning: true });
  let done = 0;
  let finished: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    finished = resolve;
  });
  let first: number | undefined;
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch }) => {
      first ??= performance.now();
      const out = batch.messages.map((message) => ({ key: message.key, value: transform(message.value as Buffer) }));
      await producer.send({ topic: output, acks: -1, messages: out });
      done += out.length;
      if (done >= messages.length) finished();
    },
  });
  await all;
  started = first as number;
  const consumeProduceSeconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  await producer.disconnect();
  return { produceSeconds, consumeProduceSeconds };
}
