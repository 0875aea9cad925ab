// kafkajs 2.2.4 configured as packages/bus configures it (kafka.ts, publisher.ts, consumer.ts), for the client
// comparison: idempotent producer with one request in flight, and ManagedConsumer's transactional batch loop.
import { createRequire } from 'node:module';
import { Kafka, type LogEntry, logLevel, type Producer } from 'kafkajs';
import {
  type ClientUnderTest,
  chunkBySize,
  type IdempotentProducer,
  type ReaderOptions,
  type RunningTransformer,
  TRANSACTION_RETRY,
  type TransformerOptions,
} from './client-comparison-shared.js';

const version = (createRequire(import.meta.url)('kafkajs/package.json') as { version: string }).version;

export function kafkajsClient({ brokers, clientId }: { brokers: string[]; clientId: string }): ClientUnderTest {
  const retried: Record<string, number> = {};
  const kafka = new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    // packages/bus' retry policy (kafka.ts).
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 10_000 },
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, error } = log as { message: string; error?: string };
        if (message.startsWith('Limiting retries') || message.includes('switched default partitioner')) return;
        // Errors kafkajs retries itself (a transaction still completing, a new topic's leader) are counted.
        const text = `${message}${error ? `: ${error}` : ''}`;
        if (/concurrent|coordinator|leader|rebalanc/i.test(text)) {
          retried[text] = (retried[text] ?? 0) + 1;
          return;
        }
        if (level <= logLevel.WARN) console.error(`[kafkajs] ${text}`);
      },
  });

  return {
    name: 'kafkajs',
    version,
    retries: () => ({ ...retried }),

    async openProducer(): Promise<IdempotentProducer> {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      return {
        send: async (topic, messages) => {
          await producer.send({ topic, acks: -1, messages });
        },
        close: () => producer.disconnect(),
      };
    },

    async startTransformer(options: TransformerOptions): Promise<RunningTransformer> {
      const { input, output, groupId } = options;
      const producers = new Map<number, Promise<Producer>>();
      const producerFor = (partition: number) => {
        let producer = producers.get(partition);
        if (!producer) {
          const created = kafka.producer({
            transactionalId: `${groupId}.${input}.${partition}`,
            idempotent: true,
            maxInFlightRequests: 1,
            transactionTimeout: 60_000,
            retry: TRANSACTION_RETRY,
          });
          producer = created.connect().then(() => created);
          producers.set(partition, producer);
        }
        return producer;
      };
      let transactions = 0;
      let first = true;
      const consumer = kafka.consumer({
        groupId,
        readUncommitted: false,
        maxWaitTimeInMs: 500,
        sessionTimeout: 15_000,
        heartbeatInterval: 1_500,
        maxBytesPerPartition: 4 * 1_048_576,
        allowAutoTopicCreation: false,
        retry: { retries: 3, initialRetryTime: 100, restartOnFailure: async () => false },
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => options.onError(payload.error));
      await consumer.connect();
      await consumer.subscribe({ topics: [input], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.concurrency,
        eachBatch: async ({ batch, isRunning, isStale, resolveOffset }) => {
          if (batch.messages.length === 0) return;
          if (first) {
            first = false;
            options.onFirstBatch();
          }
          const producer = await producerFor(batch.partition);
          const outgoing: Array<{ key: Buffer | null; value: Buffer | null }> = [];
          let lastOffset: string | undefined;
          for (const message of batch.messages) {
            if (!isRunning() || isStale()) break;
            outgoing.push({ key: message.key, value: options.transform(message.value as Buffer) });
            lastOffset = message.offset;
          }
          if (lastOffset === undefined) return;
          const transaction = await producer.transaction();
          try {
            for (const chunk of chunkBySize(outgoing))
              await transaction.send({ topic: output, acks: -1, messages: chunk });
            await transaction.sendOffsets({
              consumerGroupId: groupId,
              topics: [
                {
                  topic: batch.topic,
                  partitions: [{ partition: batch.partition, offset: `${BigInt(lastOffset) + 1n}` }],
                },
              ],
            });
            await transaction.commit();
          } catch (error) {
            await transaction.abort().catch(() => undefined);
            throw error;
          }
          resolveOffset(lastOffset);
          transactions += 1;
          options.onCommitted(outgoing.length);
        },
      });
      return {
        transactions: () => transactions,
        async stop() {
          await consumer.disconnect();
          await Promise.all(
            [...producers.values()].map((producer) => producer.then((p) => p.disconnect()).catch(() => undefined)),
          );
        },
      };
    },

    async startReader(options: ReaderOptions) {
      const consumer = kafka.consumer({
        groupId: options.groupId,
        readUncommitted: false,
        maxWaitTimeInMs: 500,
        sessionTimeout: 15_000,
        heartbeatInterval: 1_500,
        allowAutoTopicCreation: false,
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => options.onError(payload.error));
      await consumer.connect();
      await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ message }) => options.onMessage(message.value as Buffer),
      });
      return { stop: () => consumer.disconnect() };
    },
  };
}

/** kafkajs' admin, used for both clients' topics and checks (outside every measurement). */
export function kafkajsAdmin(brokers: string[], clientId: string) {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING }).admin();
}
