import { randomBytes } from 'node:crypto';
import type { Logger } from '@passerelle/service-kit';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { ConsumedEvent } from './consumer.js';
import { topicOffsets } from './offsets.js';
import { RECORD_HEADER } from './publisher.js';
import type { Serde } from './serde.js';

export interface FollowSpec {
  /** Names the follower in logs and in its throwaway group id. */
  name: string;
  topics: readonly string[];
  /**
   * true: every event still in the topics, then what comes (global read models: search indexes, feeds).
   * false (default): only what is published after `start()` resolved (reply waiting).
   */
  fromBeginning?: boolean;
  /**
   * Called in offset order per partition. A read model's fold: it must not throw (a throw is logged, not retried)
   * and, for a follower of new events only, must tolerate seeing an event twice around start.
   */
  onEvent(event: ConsumedEvent): void;
}

interface Dependencies {
  kafka: Kafka;
  admin: () => Promise<Admin>;
  serde: Serde;
  log: Logger;
}

/**
 * Reads every partition of some topics in this process — no work is shared with other instances, each one sees
 * everything — read-committed, so only what producers committed is seen. For read models every instance serves
 * (search, feeds, journeys by id) and for waiting on a reply published by whichever instance owns a partition.
 *
 * Not a source of truth and not effectively-once: it applies events to memory, so after a restart it reads again
 * from where `fromBeginning` says. Decisions belong to ManagedConsumer.
 */
export class Follower {
  readonly #spec: FollowSpec;
  readonly #deps: Dependencies;
  readonly #log: Logger;
  #consumer: Consumer | undefined;
  #groupId: string | undefined;
  /** Per `topic:partition`, the offset the follower must have read past to be caught up with its start. */
  readonly #pending = new Map<string, bigint>();
  #caughtUp: Promise<void> = Promise.resolve();
  #markCaughtUp: () => void = () => {};

  constructor(spec: FollowSpec, deps: Dependencies) {
    this.#spec = spec;
    this.#deps = deps;
    this.#log = deps.log.child({ component: 'follower', follower: spec.name });
  }

  get name() {
    return this.#spec.name;
  }

  /** Resolves once assigned every partition at its start position: nothing published afterwards can be missed. */
  async start(): Promise<void> {
    const admin = await this.#deps.admin();
    const startAt = new Map<string, { topic: string; partition: number; offset: string }>();
    this.#pending.clear();
    for (const topic of this.#spec.topics) {
      for (const { partition, high, low } of await topicOffsets(admin, topic)) {
        const key = `${topic}:${partition}`;
        startAt.set(key, { topic, partition, offset: this.#spec.fromBeginning ? low : high });
        if (this.#spec.fromBeginning && BigInt(high) > BigInt(low)) this.#pending.set(key, BigInt(high));
      }
    }
    this.#caughtUp = new Promise<void>((resolve) => {
      this.#markCaughtUp = resolve;
    });
    if (this.#pending.size === 0) this.#markCaughtUp();

    this.#groupId = `passerelle.follow.${this.#spec.name}.${randomBytes(6).toString('hex')}`;
    const consumer = this.#deps.kafka.consumer({
      groupId: this.#groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 50,
      allowAutoTopicCreation: false,
    });
    this.#consumer = consumer;
    // A fetch holding only aborted records or markers never reaches eachBatch; kafkajs still reports its end.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
      this.#reached(payload.topic, payload.partition, payload.lastOffset),
    );
    const assigned = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.#spec.topics], fromBeginning: this.#spec.fromBeginning ?? false });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) await this.#deliver(batch.topic, batch.partition, message);
        this.#reached(batch.topic, batch.partition, batch.lastOffset());
      },
    });
    await assigned;
    // A new group starts "at the end" when it first fetches, a little after joining: seeking back to the ends read
    // before joining closes that gap, in which a reply published right after start() could slip by unseen. The
    // price: an event published in the gap may be delivered twice (replies ignore the second one).
    if (!this.#spec.fromBeginning) for (const position of startAt.values()) consumer.seek(position);
    this.#log.info({ topics: this.#spec.topics, fromBeginning: this.#spec.fromBeginning ?? false }, 'following');
  }

  /** Resolves once everything present at start has been read (at once for a follower of new events only). */
  caughtUp(): Promise<void> {
    return this.#caughtUp;
  }

  async stop(): Promise<void> {
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.disconnect();
    if (this.#groupId) {
      const groupId = this.#groupId;
      await (await this.#deps.admin()).deleteGroups([groupId]).catch(() => undefined);
    }
  }

  async #deliver(topic: string, partition: number, message: KafkaMessage) {
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries(message.headers ?? {})) headers[name] = header?.toString() ?? '';
    let record: string | null = headers[RECORD_HEADER] ?? null;
    let value: unknown = null;
    if (message.value !== null) {
      try {
        const decoded = this.#deps.serde.decodeIfKnown(message.value) ?? (await this.#deps.serde.decode(message.value));
        record = decoded.record;
        value = decoded.value;
      } catch (error) {
        // The managed consumers dead-letter what cannot be decoded; a read model just does not see it.
        this.#log.warn({ err: error, topic, partition, offset: message.offset }, 'undecodable event skipped');
        return;
      }
    }
    try {
      this.#spec.onEvent({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        record,
        value,
        headers,
        timestamp: message.timestamp,
      });
    } catch (error) {
      this.#log.error({ err: error, topic, partition, offset: message.offset }, 'read model failed on an event');
    }
  }

  #reached(topic: string, partition: number, lastOffset: string) {
    const key = `${topic}:${partition}`;
    const end = this.#pending.get(key);
    // lastOffset counts transaction markers too, so a partition ending with a commit marker is caught up.
    if (end !== undefined && BigInt(lastOffset) >= end - 1n) {
      this.#pending.delete(key);
      if (this.#pending.size === 0) this.#markCaughtUp();
    }
  }
}

export interface RepliesSpec {
  name: string;
  topics: readonly string[];
  /** The id a waiter waits for (a command id, a request id), or undefined when the event answers nobody. */
  correlate(event: ConsumedEvent): string | undefined;
  /** How long an answered id stays retrievable for a late `wait` or a poll (default 10 minutes). */
  retainMs?: number;
  /** Most answers retained (default 50 000); the oldest go first. */
  maxRetained?: number;
}

/**
 * Request/reply over topics: an HTTP handler publishes a command or request, then waits for the event answering
 * it, whichever instance owns the partition and publishes that answer. Answers are retained for a while, so a
 * reply that arrived before `wait` was called — or a client polling later — still finds it.
 */
export class Replies {
  readonly follower: Follower;
  readonly #spec: RepliesSpec;
  readonly #answers = new Map<string, { event: ConsumedEvent; at: number }>();
  readonly #waiters = new Map<string, Set<(event: ConsumedEvent) => void>>();

  constructor(spec: RepliesSpec, deps: Dependencies) {
    this.#spec = spec;
    this.follower = new Follower({ name: spec.name, topics: spec.topics, onEvent: (e) => this.#onEvent(e) }, deps);
  }

  /** The first event answering `id`, or undefined after `timeoutMs`. */
  wait(id: string, timeoutMs: number): Promise<ConsumedEvent | undefined> {
    const known = this.get(id);
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(id) ?? new Set();
      this.#waiters.set(id, waiters);
      const done = (event: ConsumedEvent | undefined) => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0) this.#waiters.delete(id);
        resolve(event);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      waiters.add(done);
    });
  }

  /** The answer to `id` if it came within the retention window. */
  get(id: string): ConsumedEvent | undefined {
    const answer = this.#answers.get(id);
    if (!answer) return undefined;
    if (Date.now() - answer.at > (this.#spec.retainMs ?? 600_000)) {
      this.#answers.delete(id);
      return undefined;
    }
    return answer.event;
  }

  #onEvent(event: ConsumedEvent) {
    const id = this.#spec.correlate(event);
    if (id === undefined || this.#answers.has(id)) return;
    this.#answers.set(id, { event, at: Date.now() });
    const max = this.#spec.maxRetained ?? 50_000;
    while (this.#answers.size > max) {
      const oldest = this.#answers.keys().next().value;
      if (oldest === undefined) break;
      this.#answers.delete(oldest);
    }
    for (const waiter of [...(this.#waiters.get(id) ?? [])]) waiter(event);
  }
}
