import { performance } from 'node:perf_hooks';
import type { Admin, Kafka, Message, Producer, Transaction } from 'kafkajs';
import type { BusMetrics } from './bus-metrics.js';
import { topicOffsets } from './offsets.js';
import type { Serde } from './serde.js';

/** Events streamed into one Kafka transaction: all visible at commit, none after abort. */
export interface PublishTransaction {
  send(events: readonly OutgoingEvent[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** An event to publish: the record type names the schema; a null value is a tombstone (compacted topics). */
export interface OutgoingEvent {
  topic: string;
  /** Partitioning key — never personal data (session key, journey id, channel|session key). */
  key: string;
  record: string;
  value: object | null;
  headers?: Record<string, string>;
}

/**
 * Names the record type of a tombstone, which has no schema id to say it. An event with a value carries its type
 * in its schema id, so it goes without: a header is encoded, sent and decoded with every message.
 */
export const RECORD_HEADER = 'passerelle.record';

function messageOf(event: OutgoingEvent, value: Buffer | null): Message {
  if (value === null) return { key: event.key, value, headers: { ...event.headers, [RECORD_HEADER]: event.record } };
  return event.headers ? { key: event.key, value, headers: event.headers } : { key: event.key, value };
}

/**
 * Encodes and appends without waiting when every schema id is already known (the hot path); returns false, having
 * appended nothing, when one is not.
 */
export function encodeKnownInto(serde: Serde, events: readonly OutgoingEvent[], into: Map<string, Message[]>): boolean {
  const encoded: Array<[string, Message]> = [];
  for (const event of events) {
    const value = event.value === null ? null : serde.encodeIfKnown(event.topic, event.record, event.value);
    if (value === undefined) return false;
    encoded.push([event.topic, messageOf(event, value)]);
  }
  for (const [topic, message] of encoded) {
    const messages = into.get(topic);
    if (messages) messages.push(message);
    else into.set(topic, [message]);
  }
  return true;
}

/** Encodes events and groups them per topic, in order (appending to `into` when given). */
export async function toTopicMessages(
  serde: Serde,
  events: readonly OutgoingEvent[],
  into: Map<string, Message[]> = new Map(),
): Promise<Map<string, Message[]>> {
  for (const event of events) {
    const value =
      event.value === null
        ? null
        : (serde.encodeIfKnown(event.topic, event.record, event.value) ??
          (await serde.encode(event.topic, event.record, event.value)));
    const messages = into.get(event.topic) ?? [];
    messages.push(messageOf(event, value));
    into.set(event.topic, messages);
  }
  return into;
}

/**
 * Bytes per produce request. The broker refuses a record batch over message.max.bytes (1 MiB by default) for one
 * partition; staying under it for the whole request keeps every partition's batch legal while sending as few
 * requests as possible — inside a transaction each request is a round trip the batch waits for.
 */
const MAX_REQUEST_BYTES = 900_000;

/** Highest offset written per `topic:partition` (as the broker reported it). */
export type WrittenOffsets = Map<string, { topic: string; partition: number; offset: bigint }>;

export async function sendInTransaction(
  transaction: Transaction | Producer,
  byTopic: Map<string, Message[]>,
  written?: WrittenOffsets,
) {
  let topicMessages: Array<{ topic: string; messages: Message[] }> = [];
  let bytes = 0;
  const flush = async () => {
    if (topicMessages.length === 0) return;
    const metadata = await transaction.sendBatch({ acks: -1, topicMessages });
    for (const { topicName, partition, baseOffset } of metadata) {
      const id = `${topicName}:${partition}`;
      const offset = BigInt(baseOffset ?? '-1');
      if (offset > (written?.get(id)?.offset ?? -1n)) written?.set(id, { topic: topicName, partition, offset });
    }
    topicMessages = [];
    bytes = 0;
  };
  for (const [topic, messages] of byTopic) {
    let current: Message[] = [];
    topicMessages.push({ topic, messages: current });
    for (const message of messages) {
      const size = sizeOf(message);
      if (bytes + size > MAX_REQUEST_BYTES && bytes > 0) {
        await flush();
        current = [];
        topicMessages.push({ topic, messages: current });
      }
      current.push(message);
      bytes += size;
    }
  }
  await flush();
}

const sizeOf = (message: Message) =>
  64 +
  (message.value?.length ?? 0) +
  (typeof message.key === 'string' ? message.key.length : (message.key?.length ?? 0));

/**
 * Publishing outside a consumer: an idempotent producer (acks=all) for single acts, and a transactional one for
 * all-or-nothing batches (an LHEO import publishes every change of a file or none). The transactional id is stable
 * per runnable, so a restarted process fences its crashed predecessor and aborts its open transaction at once.
 */
export class Publisher {
  readonly #kafka: Kafka;
  readonly #serde: Serde;
  readonly #metrics: BusMetrics;
  readonly #transactionalId: string;
  #producer: Producer | undefined;
  #transactional: Producer | undefined;
  /** `publish` calls waiting for the request in flight to complete, and whether one is in flight. */
  readonly #waiting: Array<{ byTopic: Map<string, Message[]>; settle: (error?: unknown) => void }> = [];
  #sending = false;

  readonly #admin: () => Promise<Admin>;

  constructor(
    kafka: Kafka,
    serde: Serde,
    metrics: BusMetrics,
    { transactionalId, admin }: { transactionalId: string; admin: () => Promise<Admin> },
  ) {
    this.#kafka = kafka;
    this.#admin = admin;
    this.#serde = serde;
    this.#transactionalId = transactionalId;
    this.#metrics = metrics;
  }

  /**
   * Publishes with the idempotent producer (acks=all). Calls made while a produce request is in flight are sent
   * together in the next one — one round trip for all the HTTP requests that arrived meanwhile, instead of one each
   * (the idempotent producer keeps one request in flight, so sending them one by one queues them behind each other).
   * Each caller's events keep their order, and a caller resolves once its events are acknowledged. Events are
   * encoded before they join a request, so an invalid one fails only its caller; a failed request fails every
   * caller in it (each may retry: consumers deduplicate by event id).
   */
  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    const started = performance.now();
    const byTopic = await toTopicMessages(this.#serde, events);
    await new Promise<void>((resolve, reject) => {
      this.#waiting.push({ byTopic, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      void this.#sendWaiting();
    });
    this.#metrics.publishSeconds.observe({}, (performance.now() - started) / 1000);
    this.#count(events);
  }

  async #sendWaiting(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      while (this.#waiting.length > 0) {
        const callers = this.#waiting.splice(0);
        const merged = new Map<string, Message[]>();
        for (const { byTopic } of callers) {
          for (const [topic, messages] of byTopic) {
            const into = merged.get(topic);
            if (into) into.push(...messages);
            else merged.set(topic, [...messages]);
          }
        }
        try {
          await sendInTransaction(await this.#idempotentProducer(), merged);
          for (const caller of callers) caller.settle();
        } catch (error) {
          for (const caller of callers) caller.settle(error ?? new Error('publish failed'));
        }
      }
    } finally {
      this.#sending = false;
    }
  }

  async #idempotentProducer(): Promise<Producer> {
    if (!this.#producer) {
      const producer = this.#kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      this.#producer = producer;
    }
    return this.#producer;
  }

  /** All events become visible to read-committed consumers together, or none do. */
  async publishAtomically(events: readonly OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const transaction = await this.openTransaction();
    try {
      await transaction.send(events);
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  /**
   * A transaction that stays open while a caller streams events into it (an LHEO import of any size, in bounded
   * memory): read-committed consumers see everything once `commit()` resolves, nothing after `abort()` — nor after
   * a crash, once the next process with the same transactional id fences this one.
   */
  async openTransaction(): Promise<PublishTransaction> {
    const transaction = await (await this.#transactionalProducer()).transaction();
    const sentPerTopic = new Map<string, number>();
    const written: WrittenOffsets = new Map();
    return {
      send: async (events) => {
        await sendInTransaction(transaction, await toTopicMessages(this.#serde, events), written);
        for (const event of events) sentPerTopic.set(event.topic, (sentPerTopic.get(event.topic) ?? 0) + 1);
      },
      commit: async () => {
        await transaction.commit();
        await this.#untilVisible(written);
        for (const [topic, count] of sentPerTopic) this.#metrics.produced.inc({ topic }, count);
      },
      abort: () => transaction.abort(),
    };
  }

  /**
   * The broker acknowledges a commit before it has written the commit markers, so for a moment read-committed
   * readers (and the last stable offset) do not see the transaction yet. Waiting for the markers here gives callers
   * read-your-writes: an HTTP answer sent after `commit()` is never ahead of what a reader can see.
   */
  async #untilVisible(written: WrittenOffsets): Promise<void> {
    if (written.size === 0) return;
    const admin = await this.#admin();
    const deadline = Date.now() + 10_000;
    const topics = [...new Set([...written.values()].map((entry) => entry.topic))];
    for (;;) {
      const stable = new Map<string, bigint>();
      for (const topic of topics) {
        for (const { partition, offset } of await topicOffsets(admin, topic))
          stable.set(`${topic}:${partition}`, BigInt(offset));
      }
      if ([...written].every(([id, entry]) => (stable.get(id) ?? -1n) > entry.offset)) return;
      if (Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async #transactionalProducer(): Promise<Producer> {
    if (!this.#transactional) {
      const producer = this.#kafka.producer({
        transactionalId: this.#transactionalId,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 900_000,
        retry: TRANSACTION_RETRY,
      });
      await producer.connect();
      this.#transactional = producer;
    }
    return this.#transactional;
  }

  async disconnect(): Promise<void> {
    await Promise.all([this.#producer?.disconnect(), this.#transactional?.disconnect()]);
    this.#producer = undefined;
    this.#transactional = undefined;
  }

  #count(events: readonly OutgoingEvent[]) {
    for (const event of events) this.#metrics.produced.inc({ topic: event.topic });
  }
}

/**
 * The broker answers CONCURRENT_TRANSACTIONS while the previous transaction of a producer completes; kafkajs'
 * default 300 ms first retry would cap a consumer at about 3 transactions/s. Short, many retries fix that.
 */
export const TRANSACTION_RETRY = { initialRetryTime: 5, maxRetryTime: 500, retries: 30 };
