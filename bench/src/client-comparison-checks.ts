// The correctness checks the measurements rely on: concurrent idempotent sends, read_committed after aborted
// transactions, concurrent offset adds in one transaction, the partitioner.
import { compatibilityPartitioner, defaultPartitioner } from '@platformatic/kafka';
import { Partitioners } from 'kafkajs';
import { concurrentAddOffsetProbe } from './client-comparison-platformatic.js';
import {
  admin,
  brokers,
  group,
  guarded,
  NAMES,
  PARTITIONS,
  type PerClient,
  type Row,
  run,
  storedCount,
  topic,
} from './client-comparison-run.js';
import { type ClientName, type ClientUnderTest, makeMessages, sleep, until } from './client-comparison-shared.js';

export async function checks(clients: Record<ClientName, ClientUnderTest>, groups: string[]): Promise<Row> {
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
