// The measured phases: batched produce, single-message produce latency, the transactional consume→transform→produce
// loop, and one hop's end-to-end latency at a steady rate.
import { performance } from 'node:perf_hooks';
import {
  BATCH,
  CONCURRENCY,
  committedOffsets,
  E2E_RATE,
  E2E_SECONDS,
  group,
  MESSAGES,
  type Row,
  readCommittedCount,
  SINGLES,
  storedCount,
  topic,
} from './client-comparison-run.js';
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

export async function batchedProduce(producer: IdempotentProducer, name: ClientName, r: number): Promise<Row> {
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

export async function singleProduce(producer: IdempotentProducer, name: ClientName, r: number): Promise<Row> {
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
export async function transactionalLoop(
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
export async function hop(client: ClientUnderTest, name: ClientName): Promise<Row> {
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
