import { randomBytes } from 'node:crypto';
import { type Logger, RetriableError } from '@passerelle/service-kit';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { topicOffsets } from './offsets.js';
import { RECORD_HEADER } from './publisher.js';
import type { Serde } from './serde.js';

/** An event as the state sees it: keyed, typed by record name; a null value is a tombstone. */
export interface StateEvent {
  topic: string;
  key: string;
  record: string | null;
  value: unknown;
}

/**
 * A consumer's state, rebuilt from Kafka topics — its own event topic, a compacted changelog, its inputs — never
 * from a private file. The topics must be co-partitioned with the consumer's input (same key, same partition
 * count), so the owner of input partition p rebuilds exactly partition p of each state topic.
 *
 * Two kinds of state topic, told apart by whether the consumer also reads it as input:
 * - an output (the consumer publishes to it): rebuilt to its end; what a handler publishes there is applied at once;
 * - an input (e.g. the offer snapshots a decider needs): rebuilt up to the group's committed offset, then each
 *   consumed event is applied once its handler processed it. An input counts for the state exactly when the group
 *   handled it: an event the group dead-lettered does not (it counts when it is replayed and handled — so a poison
 *   event replayed after its cause was fixed changes the state once, then), nor does a replayed copy meant for
 *   another group (this one handled the original). A rebuild skips the same events — those of the group's
 *   dead-letter topic, and the others' replays — so the live state is exactly what a rebuild gives. `apply` must
 *   be total: it ignores what it cannot use, it never throws.
 *
 * Topics are rebuilt one after the other in the order given; across topics, `apply` must not depend on order.
 */
export interface StateSpec<S> {
  topics: readonly string[];
  /** Folds one event into the state of its key; returning undefined forgets the key. */
  apply(current: S | undefined, event: StateEvent): S | undefined;
}

export class PartitionStates<S> {
  readonly #spec: StateSpec<S>;
  readonly #values = new Map<string, S>();
  readonly #keysByPartition = new Map<number, Set<string>>();
  readonly #ready = new Set<number>();

  constructor(spec: StateSpec<S>) {
    this.#spec = spec;
  }

  get topics(): readonly string[] {
    return this.#spec.topics;
  }

  isStateTopic(topic: string): boolean {
    return this.#spec.topics.includes(topic);
  }

  isReady(partition: number) {
    return this.#ready.has(partition);
  }

  get(key: string): S | undefined {
    return this.#values.get(key);
  }

  /** All keys and states of a partition (read models, dashboards). */
  *entries(partition?: number): IterableIterator<[string, S]> {
    const partitions = partition === undefined ? [...this.#keysByPartition.keys()] : [partition];
    for (const p of partitions) {
      for (const key of this.#keysByPartition.get(p) ?? []) {
        const value = this.#values.get(key);
        if (value !== undefined) yield [key, value];
      }
    }
  }

  apply(partition: number, event: StateEvent) {
    const next = this.#spec.apply(this.#values.get(event.key), event);
    const keys = this.#keysByPartition.get(partition) ?? new Set<string>();
    this.#keysByPartition.set(partition, keys);
    if (next === undefined) {
      this.#values.delete(event.key);
      keys.delete(event.key);
    } else {
      this.#values.set(event.key, next);
      keys.add(event.key);
    }
  }

  /** Forgets a partition: revoked, or its last transaction aborted (what was applied in memory never happened). */
  invalidate(partition: number) {
    for (const key of this.#keysByPartition.get(partition) ?? []) this.#values.delete(key);
    this.#keysByPartition.delete(partition);
    this.#ready.delete(partition);
  }

  markReady(partition: number) {
    this.#ready.add(partition);
  }
}

export interface ReadOptions {
  timeoutMs?: number;
  /** Per partition, the offset to stop before (exclusive); the current end otherwise. */
  until?: ReadonlyMap<number, bigint>;
  /** Which messages count; all of them otherwise. Asked before decoding. */
  accept?: (partition: number, message: KafkaMessage) => boolean;
}

export interface RawReadOptions extends Omit<ReadOptions, 'accept'> {
  /** Names the throwaway consumer group after who reads (state rebuild, admin…). */
  groupPrefix?: string;
  /** The error a read past `timeoutMs` fails with. */
  timeoutError?: (timeoutMs: number) => Error;
}

/**
 * Reads partitions of a topic from the beginning to their current end — or to an earlier offset given in `until`
 * (exclusive) — read-committed (aborted transactions are skipped), decoded as state events. Returns the number of
 * events.
 */
export async function readPartitionsToEnd(
  deps: { kafka: Kafka; admin: Admin; serde: Serde; log: Logger },
  topic: string,
  partitions: readonly number[],
  onEvent: (partition: number, event: StateEvent) => void,
  { accept, ...options }: ReadOptions = {},
): Promise<number> {
  let count = 0;
  await readRawToEnd(
    deps,
    topic,
    partitions,
    async (partition, message) => {
      if (accept && !accept(partition, message)) return;
      const event = await toStateEvent(deps.serde, topic, message, deps.log);
      if (event) {
        onEvent(partition, event);
        count += 1;
      }
    },
    options,
  );
  return count;
}

/**
 * Reads partitions of a topic (all of them when `partitions` is 'all') as raw messages, from the beginning to their
 * end or `until`, read-committed, through a throwaway consumer group (kafkajs has no manual assignment).
 */
export async function readRawToEnd(
  { kafka, admin }: { kafka: Kafka; admin: Admin },
  topic: string,
  partitions: readonly number[] | 'all',
  onMessage: (partition: number, message: KafkaMessage) => void | Promise<void>,
  {
    timeoutMs = 300_000,
    until,
    groupPrefix = 'passerelle.state-rebuild',
    timeoutError = (ms) =>
      new RetriableError('BUS_STATE_REBUILD_TIMEOUT', `rebuilding state from ${topic} took over ${ms} ms`),
  }: RawReadOptions = {},
): Promise<void> {
  const offsets = await topicOffsets(admin, topic);
  const ends = new Map<number, bigint>();
  for (const partition of partitions === 'all' ? offsets.map((offset) => offset.partition) : partitions) {
    const found = offsets.find((offset) => offset.partition === partition);
    if (!found) continue;
    const high = BigInt(found.high);
    const limit = until?.get(partition);
    const end = limit !== undefined && limit < high ? limit : high;
    if (end > BigInt(found.low)) ends.set(partition, end);
  }
  if (ends.size === 0) return;

  const groupId = `${groupPrefix}.${topic}.${randomBytes(6).toString('hex')}`;
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    maxWaitTimeInMs: 50,
    allowAutoTopicCreation: false,
  });
  let finish: () => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const timer = setTimeout(() => fail(timeoutError(timeoutMs)), timeoutMs);
  const reached = (partition: number, lastOffset: string) => {
    const end = ends.get(partition);
    // lastOffset counts transaction markers too, so a partition ending with a commit or abort marker is read.
    if (end !== undefined && BigInt(lastOffset) >= end - 1n) {
      ends.delete(partition);
      if (ends.size === 0) finish();
    }
  };
  // A fetch holding only aborted records or markers never reaches eachBatch; kafkajs still reports its end.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => reached(payload.partition, payload.lastOffset));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition);
        if (end === undefined) return;
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= end) break;
          await onMessage(batch.partition, message);
        }
        reached(batch.partition, batch.lastOffset());
      },
    });
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}

async function toStateEvent(
  serde: Serde,
  topic: string,
  message: KafkaMessage,
  log: Logger,
): Promise<StateEvent | undefined> {
  const key = message.key?.toString();
  if (key === undefined) return undefined;
  if (message.value === null)
    return { topic, key, record: message.headers?.[RECORD_HEADER]?.toString() ?? null, value: null };
  try {
    const { record, value } = await serde.decode(message.value);
    return { topic, key, record, value };
  } catch (error) {
    // Our own topics only carry what our publishers validated; an undecodable event here is reported, not fatal.
    log.error({ err: error, offset: message.offset }, 'state event could not be decoded; skipped');
    return undefined;
  }
}
