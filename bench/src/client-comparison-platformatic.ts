// @platformatic/kafka 1.35 doing what packages/bus does with kafkajs, for the client comparison: an idempotent
// producer, and ManagedConsumer's loop (read-committed; each partition batch one transaction holding the outputs
// and the consumed offset; one transactional producer per input partition; 3 partitions at once).
//
// Its consumer is a stream of single messages, not of partition batches: a partition's messages are queued as they
// arrive and a partition's worker takes all that is queued as its next transaction (what kafkajs' eachBatch hands
// over is what one fetch brought). Traps met and worked around here (see client-comparison.ts for the checks):
// - the default partitioner is not Java's/kafkajs' (murmur2 >>> 0 instead of & 0x7fffffff): about half the keys
//   land on another partition, which breaks co-partitioning with kafkajs/Java producers → compatibilityPartitioner;
// - the transaction timeout sent in InitProducerId is the client's request `timeout` (default 5 s) → 60 s, as
//   ManagedConsumer's transactionTimeout;
// - the default retry delay is 1 s, which CONCURRENT_TRANSACTIONS right after a commit would pay on every
//   transaction → the same 5 ms → 500 ms backoff as packages/bus' TRANSACTION_RETRY;
// - concurrent send() calls on one idempotent producer reuse sequence numbers (the broker drops or refuses them):
//   callers must keep one send in flight per producer, as Passerelle's Publisher and this loop do.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  Consumer,
  compatibilityPartitioner,
  FetchIsolationLevels,
  type Message,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  Producer,
} from '@platformatic/kafka';
import {
  type ClientUnderTest,
  chunkBySize,
  type IdempotentProducer,
  type ReaderOptions,
  type RunningTransformer,
  Semaphore,
  TRANSACTION_RETRY,
  type TransformerOptions,
  transactionRetryDelay,
} from './client-comparison-shared.js';

// Its package.json is not exported: read it next to the resolved entry point (dist/index.js).
const version = (
  JSON.parse(
    readFileSync(
      join(dirname(createRequire(import.meta.url).resolve('@platformatic/kafka')), '..', 'package.json'),
      'utf8',
    ),
  ) as { version: string }
).version;

/** Room for queued (fetched, not yet transformed) messages before the stream is paused. */
const MAX_QUEUED = 8_000;

export function platformaticClient({ brokers, clientId }: { brokers: string[]; clientId: string }): ClientUnderTest {
  const retried: Record<string, number> = {};
  const retryDelay = (_client: unknown, operationId: string, attempt: number, _retries: number, error: Error) => {
    const reason = `${operationId}: ${(error as { errors?: Error[] }).errors?.[0]?.message ?? error.message}`;
    retried[reason] = (retried[reason] ?? 0) + 1;
    return transactionRetryDelay(attempt);
  };
  const base = { clientId, bootstrapBrokers: brokers };

  return {
    name: 'platformatic',
    version,
    retries: () => ({ ...retried }),

    async openProducer(): Promise<IdempotentProducer> {
      const producer = new Producer({ ...base, idempotent: true, partitioner: compatibilityPartitioner });
      return {
        send: async (topic, messages) => {
          await producer.send({ messages: messages.map(({ key, value }) => ({ topic, key, value })) });
        },
        close: () => producer.close(),
      };
    },

    async startTransformer(options: TransformerOptions): Promise<RunningTransformer> {
      const { input, output, groupId } = options;
      const consumer = new Consumer({
        ...base,
        groupId,
        autocommit: false,
        isolationLevel: FetchIsolationLevels.READ_COMMITTED,
        maxWaitTime: 500,
        maxBytesPerPartition: 4 * 1_048_576,
        sessionTimeout: 15_000,
        heartbeatInterval: 1_500,
        retries: 3,
        retryDelay: 100,
      });
      const producers = new Map<number, Producer>();
      const producerFor = (partition: number) => {
        let producer = producers.get(partition);
        if (!producer) {
          producer = new Producer({
            ...base,
            transactionalId: `${groupId}.${input}.${partition}`,
            idempotent: true,
            partitioner: compatibilityPartitioner,
            timeout: 60_000,
            retries: TRANSACTION_RETRY.retries,
            retryDelay,
          });
          producers.set(partition, producer);
        }
        return producer;
      };
      const queues = new Map<number, Message[]>();
      const busy = new Set<number>();
      const slots = new Semaphore(options.concurrency);
      let queued = 0;
      let transactions = 0;
      let first = true;
      let stopping = false;
      let failed = false;
      const idle: Array<() => void> = [];

      const stream = await consumer.consume({
        topics: [input],
        mode: MessagesStreamModes.COMMITTED,
        fallbackMode: MessagesStreamFallbackModes.EARLIEST,
        autocommit: false,
      });

      const processPartition = async (partition: number) => {
        busy.add(partition);
        try {
          for (;;) {
            if ((queues.get(partition)?.length ?? 0) === 0 || stopping || failed) return;
            // A slot first, then the batch: what queued while waiting joins this transaction.
            await slots.acquire();
            try {
              const batch = queues.get(partition) ?? [];
              if (batch.length === 0 || stopping || failed) return;
              queues.set(partition, []);
              queued -= batch.length;
              if (stream.isPaused() && queued < MAX_QUEUED / 4 && !stopping) stream.resume();
              await transact(partition, batch);
            } finally {
              slots.release();
            }
          }
        } catch (error) {
          failed = true;
          options.onError(error);
        } finally {
          busy.delete(partition);
          if (busy.size === 0) for (const resolve of idle.splice(0)) resolve();
        }
      };

      const transact = async (partition: number, batch: Message[]) => {
        const producer = producerFor(partition);
        const outgoing = batch.map((message) => ({
          topic: output,
          key: message.key,
          value: options.transform(message.value),
        }));
        const last = batch[batch.length - 1] as Message;
        const transaction = await producer.beginTransaction();
        try {
          for (const chunk of chunkBySize(outgoing)) await transaction.send({ messages: chunk });
          await transaction.addConsumer(consumer);
          // TxnOffsetCommit of offset + 1 with the group's generation and member id from the message's metadata.
          await transaction.addOffset(last);
          await transaction.commit();
        } catch (error) {
          await transaction.abort().catch(() => undefined);
          throw error;
        }
        transactions += 1;
        options.onCommitted(batch.length);
      };

      stream.on('data', (message: Message) => {
        if (first) {
          first = false;
          options.onFirstBatch();
        }
        let queue = queues.get(message.partition);
        if (!queue) {
          queue = [];
          queues.set(message.partition, queue);
        }
        queue.push(message);
        queued += 1;
        if (queued >= MAX_QUEUED && !stream.isPaused()) stream.pause();
        // Started on the next tick, so the rest of the fetch response joins this partition's first transaction.
        if (!busy.has(message.partition)) {
          busy.add(message.partition);
          setImmediate(() => void processPartition(message.partition));
        }
      });
      stream.on('error', (error: Error) => options.onError(error));

      return {
        transactions: () => transactions,
        async stop() {
          stopping = true;
          if (busy.size > 0) await new Promise<void>((resolve) => idle.push(resolve));
          await stream.close();
          await consumer.close();
          await Promise.all([...producers.values()].map((producer) => producer.close().catch(() => undefined)));
        },
      };
    },

    async startReader(options: ReaderOptions) {
      const consumer = new Consumer({
        ...base,
        groupId: options.groupId,
        autocommit: false,
        isolationLevel: FetchIsolationLevels.READ_COMMITTED,
        maxWaitTime: 500,
        sessionTimeout: 15_000,
        heartbeatInterval: 1_500,
      });
      const stream = await consumer.consume({
        topics: [options.topic],
        mode: MessagesStreamModes.EARLIEST,
        autocommit: false,
      });
      stream.on('data', (message: Message) => options.onMessage(message.value));
      stream.on('error', (error: Error) => options.onError(error));
      return {
        async stop() {
          await stream.close();
          await consumer.close();
        },
      };
    },
  };
}

/**
 * The trap of offsets in a transaction spanning several input partitions: `addOffset` takes one message (one
 * TxnOffsetCommit request each), and concurrent calls share one in-flight request (deduplicated by operation name):
 * only the first message's offset is committed, the others resolve as if committed. Reads one message from each of
 * partitions 0 and 1 of `topic`, adds both offsets at once, commits; returns the group's committed offsets.
 */
export async function concurrentAddOffsetProbe({
  brokers,
  clientId,
  topic,
  groupId,
  committed,
}: {
  brokers: string[];
  clientId: string;
  topic: string;
  groupId: string;
  committed: () => Promise<Record<number, string>>;
}): Promise<Record<string, unknown>> {
  const base = { clientId, bootstrapBrokers: brokers };
  const consumer = new Consumer({ ...base, groupId, autocommit: false, maxWaitTime: 200 });
  const producer = new Producer({
    ...base,
    idempotent: true,
    transactionalId: `${groupId}.tx`,
    partitioner: compatibilityPartitioner,
    timeout: 60_000,
    retryDelay: 10,
  });
  const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST, autocommit: false });
  try {
    const got = new Map<number, Message>();
    stream.on('data', (message: Message) => got.set(message.partition, message));
    const deadline = Date.now() + 15_000;
    while (!(got.has(0) && got.has(1)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!(got.has(0) && got.has(1))) throw new Error('the probe messages did not arrive');
    const transaction = await producer.beginTransaction();
    await transaction.send({
      messages: [{ topic, key: Buffer.from('probe'), value: Buffer.from('out'), partition: 2 }],
    });
    await transaction.addConsumer(consumer);
    await Promise.all([transaction.addOffset(got.get(0) as Message), transaction.addOffset(got.get(1) as Message)]);
    await transaction.commit();
  } finally {
    await stream.close();
    await consumer.close();
    await producer.close();
  }
  const offsets = await committed();
  return { expected: { 0: '1', 1: '1' }, committed: { 0: offsets[0], 1: offsets[1] } };
}
