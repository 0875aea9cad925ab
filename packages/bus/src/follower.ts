import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Logger, RetriableError } from '@passerelle/service-kit';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { BusMetrics } from './bus-metrics.js';
import type { ConsumedEvent } from './consumer-spec.js';
import { topicOffsets } from './offsets.js';
import { RECORD_HEADER } from './publisher.js';
import type { Serde } from './serde.js';

export interface FollowSpec {
  /** Names the follower in logs and metrics. */
  name: string;
  topics: readonly string[];
  /**
   * true: every event still in the topics, then what comes (global read models: search indexes, feeds).
   * false (default): only what is published after `start()` resolved (reply waiting).
   */
  fromBeginning?: boolean;
  /**
   * Instead of fromBeginning: the events of the last `sinceMs` milliseconds (by their create time), then what comes —
   * for answers every instance must give for a while, also one started after they were published.
   */
  sinceMs?: number;
  /**
   * Which keys this follower folds, asked before decoding: a read model needing a slice of a topic (one channel's
   * listings) does not pay for decoding the rest. All keys when absent.
   */
  acceptKey?(key: string | null): boolean;
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
  metrics: BusMetrics;
  log: Logger;
  /** How long a fetch waits on the broker when there is nothing new (data wakes it at once). */
  maxWaitTimeInMs: number;
}

const partitionId = (topic: string, partition: number) => `${topic}:${partition}`;

/** How long a read-your-writes lookup may wait for this instance to catch up before answering "try again". */
export const READ_BARRIER_TIMEOUT_MS = 5_000;

/**
 * A read model's view of some topics: every partition, in this process — no work is shared with other instances,
 * each one sees everything — read-committed, so only what producers committed is seen. For read models every
 * instance serves (search, feeds, journeys by id) and for waiting on a reply published by whichever instance owns
 * a partition.
 *
 * Not a source of truth and not effectively-once: it applies events to memory, so after a restart it reads again
 * from where `fromBeginning` says. Decisions belong to ManagedConsumer.
 *
 * All the followers of a process read through one Kafka consumer (FollowHub): each event is fetched and decoded
 * once however many read models fold it.
 */
export class Follower {
  readonly spec: FollowSpec;
  readonly #hub: FollowHub;
  /** Per `topic:partition`, the first offset this follower wants (what comes before is another follower's). */
  readonly startAt = new Map<string, bigint>();
  /** Pending until the first start read what was there: a read model asking at set-up waits for the real thing. */
  readonly #caughtUp: Promise<void>;
  #markCaughtUp: () => void = () => {};
  /** Caught up with its start: what it reads now is live (its delay is a span of the request path, not history). */
  live = false;

  constructor(spec: FollowSpec, hub: FollowHub) {
    this.spec = spec;
    this.#hub = hub;
    this.#caughtUp = new Promise((resolve) => {
      this.#markCaughtUp = resolve;
    });
  }

  get name() {
    return this.spec.name;
  }

  /**
   * Resolves once everything present at the first start has been read (at start for a follower of new events only);
   * never before start.
   */
  caughtUp(): Promise<void> {
    return this.#caughtUp;
  }

  /**
   * Read-your-writes: resolves once this follower has read everything its topics held when it was called — so
   * whatever was published before (an id handed out in a Location) is in the read model. Rejects with a retriable
   * error after `timeoutMs` (the broker or this process is too slow to tell yet).
   */
  barrier(timeoutMs: number): Promise<void> {
    return this.#hub.barrier(this.spec.topics, timeoutMs);
  }

  /**
   * A read-your-writes lookup: what `lookup` finds now, else what it finds once this follower has read everything
   * published so far. Undefined therefore means "never published" — never "published a moment ago on another
   * instance". Throws the barrier's retriable error when this instance cannot tell within `timeoutMs`.
   */
  async find<T>(lookup: () => T | undefined, timeoutMs = READ_BARRIER_TIMEOUT_MS): Promise<T | undefined> {
    const found = lookup();
    if (found !== undefined) return found;
    await this.barrier(timeoutMs);
    return lookup();
  }

  /** Set by the hub at start: the ends the follower must read past to be caught up. */
  setCaughtUp(caughtUp: Promise<void>): Promise<void> {
    this.live = false;
    return caughtUp.then(() => {
      this.live = true;
      this.#markCaughtUp();
    });
  }
}

interface PositionWaiter {
  ends: Map<string, bigint>;
  resolve: () => void;
}

/**
 * The one Kafka consumer behind every follower of a process (a throwaway group: kafkajs has no manual assignment).
 * It starts each partition at the earliest offset any follower wants, delivers an event to the followers that want
 * it, and keeps each partition's position (next offset to read, transaction markers included) for catch-up and
 * read-your-writes barriers.
 */
export class FollowHub {
  readonly #deps: Dependencies;
  readonly #log: Logger;
  readonly #followers: Follower[] = [];
  /** Next offset to read per `topic:partition`, as far as this process has read. */
  readonly #positions = new Map<string, bigint>();
  #waiters: PositionWaiter[] = [];
  #consumer: Consumer | undefined;
  #groupId: string | undefined;
  #started = false;

  constructor(deps: Dependencies) {
    this.#deps = deps;
    this.#log = deps.log.child({ component: 'follower' });
  }

  follow(spec: FollowSpec): Follower {
    if (this.#started) throw new Error(`Follower ${spec.name} declared after start(): declare followers before it`);
    const follower = new Follower(spec, this);
    this.#followers.push(follower);
    return follower;
  }

  get followers(): readonly Follower[] {
    return this.#followers;
  }

  /**
   * Resolves once assigned every partition at its start position: nothing published afterwards can be missed.
   * Returns the wait until every follower has read what was there at this start.
   */
  async start(): Promise<{ caughtUp: Promise<unknown> }> {
    if (this.#followers.length === 0) return { caughtUp: Promise.resolve() };
    this.#started = true;
    const admin = await this.#deps.admin();
    const topics = [...new Set(this.#followers.flatMap((follower) => follower.spec.topics))];
    const startAt = new Map<string, { topic: string; partition: number; offset: bigint }>();
    const ends = new Map<string, { low: bigint; high: bigint }>();
    for (const topic of topics) {
      for (const { partition, high, low } of await topicOffsets(admin, topic)) {
        ends.set(partitionId(topic, partition), { low: BigInt(low), high: BigInt(high) });
      }
    }
    const caughtUp: Promise<void>[] = [];
    for (const follower of this.#followers) {
      const { fromBeginning, sinceMs } = follower.spec;
      const pending = new Map<string, bigint>();
      for (const topic of follower.spec.topics) {
        const since = new Map<number, bigint>();
        if (!fromBeginning && sinceMs !== undefined) {
          for (const { partition, offset } of await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - sinceMs))
            since.set(partition, BigInt(offset));
        }
        for (const [id, { low, high }] of ends) {
          if (!id.startsWith(`${topic}:`)) continue;
          const partition = Number(id.slice(topic.length + 1));
          const offset = fromBeginning ? low : (since.get(partition) ?? high);
          follower.startAt.set(id, offset);
          const earliest = startAt.get(id);
          if (!earliest || offset < earliest.offset) startAt.set(id, { topic, partition, offset });
          if (high > offset) pending.set(id, high);
        }
      }
      caughtUp.push(follower.setCaughtUp(this.#until(pending)));
    }
    this.#positions.clear();
    for (const [id, { offset }] of startAt) this.#positions.set(id, offset);

    this.#groupId = `passerelle.follow.${randomBytes(6).toString('hex')}`;
    const consumer = this.#deps.kafka.consumer({
      groupId: this.#groupId,
      readUncommitted: false,
      maxWaitTimeInMs: this.#deps.maxWaitTimeInMs,
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
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      // A throwaway group has nothing to remember: kafkajs would otherwise commit offsets after every batch, a broker
      // round trip each inside the fetch loop (18 partitions a fetch made a decision wait a second behind them).
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) await this.#deliver(batch.topic, batch.partition, message);
        this.#reached(batch.topic, batch.partition, batch.lastOffset());
      },
    });
    await assigned;
    // Each partition from the earliest offset a follower wants, read before joining: a new group starts "at the end"
    // when it first fetches, a little after joining, and a reply published in between could slip by unseen. The
    // price: an event published in that gap may be delivered twice to a follower of new events (replies ignore the
    // second one).
    for (const { topic, partition, offset } of startAt.values())
      consumer.seek({ topic, partition, offset: `${offset}` });
    this.#log.info({ topics, followers: this.#followers.map((follower) => follower.name) }, 'following');
    return { caughtUp: Promise.all(caughtUp) };
  }

  async stop(): Promise<void> {
    const consumer = this.#consumer;
    this.#consumer = undefined;
    this.#started = false;
    await consumer?.disconnect();
    if (this.#groupId) {
      const groupId = this.#groupId;
      this.#groupId = undefined;
      await (await this.#deps.admin()).deleteGroups([groupId]).catch(() => undefined);
    }
  }

  /** See Follower.barrier: the topics' current ends, then the wait until this process has read up to them. */
  async barrier(topics: readonly string[], timeoutMs: number): Promise<void> {
    const admin = await this.#deps.admin();
    const ends = new Map<string, bigint>();
    for (const topic of topics) {
      for (const { partition, high } of await topicOffsets(admin, topic))
        ends.set(partitionId(topic, partition), BigInt(high));
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RetriableError(
              'BUS_READ_BARRIER_TIMEOUT',
              `this instance has not read ${topics.join(', ')} up to now yet`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.#until(ends), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once every partition's position reached its end in `ends`. */
  #until(ends: Map<string, bigint>): Promise<void> {
    for (const [id, end] of ends) if ((this.#positions.get(id) ?? -1n) >= end) ends.delete(id);
    if (ends.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ ends, resolve }));
  }

  async #deliver(topic: string, partition: number, message: KafkaMessage) {
    const id = partitionId(topic, partition);
    const offset = BigInt(message.offset);
    const key = message.key?.toString() ?? null;
    const wanting = this.#followers.filter(
      ({ spec, startAt }) =>
        spec.topics.includes(topic) && offset >= (startAt.get(id) ?? 0n) && (spec.acceptKey?.(key) ?? true),
    );
    if (wanting.length === 0) return;
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
    const event: ConsumedEvent = {
      topic,
      partition,
      offset: message.offset,
      key,
      record,
      value,
      headers,
      timestamp: message.timestamp,
    };
    // From the producer's send (the record's create time) to this process's read models: the follow hop's span.
    const delaySeconds = Math.max(0, Date.now() - Number(message.timestamp)) / 1000;
    for (const follower of wanting) {
      const started = performance.now();
      try {
        follower.spec.onEvent(event);
      } catch (error) {
        this.#log.error(
          { err: error, follower: follower.name, topic, partition, offset: message.offset },
          'read model failed on an event',
        );
      }
      if (follower.live) {
        this.#deps.metrics.followDelaySeconds.observe(
          { follower: follower.name },
          delaySeconds + (performance.now() - started) / 1000,
        );
      }
    }
  }

  #reached(topic: string, partition: number, lastOffset: string) {
    const id = partitionId(topic, partition);
    // lastOffset counts transaction markers too, so a partition ending with a commit marker is caught up.
    const next = BigInt(lastOffset) + 1n;
    if (next <= (this.#positions.get(id) ?? -1n)) return;
    this.#positions.set(id, next);
    if (this.#waiters.length === 0) return;
    this.#waiters = this.#waiters.filter((waiter) => {
      const end = waiter.ends.get(id);
      if (end !== undefined && next >= end) waiter.ends.delete(id);
      if (waiter.ends.size > 0) return true;
      waiter.resolve();
      return false;
    });
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
  readonly #metrics: BusMetrics;
  readonly #answers = new Map<string, { event: ConsumedEvent; at: number }>();
  readonly #waiters = new Map<string, Set<(event: ConsumedEvent) => void>>();

  constructor(spec: RepliesSpec, hub: FollowHub, metrics: BusMetrics) {
    this.#spec = spec;
    this.#metrics = metrics;
    // The answers of the retention window, also those published before this instance started: any instance answers
    // a poll for an id another one handed out.
    this.follower = hub.follow({
      name: spec.name,
      topics: spec.topics,
      sinceMs: this.#retainMs,
      onEvent: (e) => this.#onEvent(e),
    });
  }

  get #retainMs() {
    return this.#spec.retainMs ?? 600_000;
  }

  /** The first event answering `id`, or undefined after `timeoutMs`. */
  wait(id: string, timeoutMs: number): Promise<ConsumedEvent | undefined> {
    const known = this.get(id);
    if (known) return Promise.resolve(known);
    const started = performance.now();
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(id) ?? new Set();
      this.#waiters.set(id, waiters);
      const done = (event: ConsumedEvent | undefined) => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0) this.#waiters.delete(id);
        this.#metrics.replyWaitSeconds.observe(
          { replies: this.#spec.name, outcome: event ? 'answered' : 'timeout' },
          (performance.now() - started) / 1000,
        );
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
    if (Date.now() - answer.at > this.#retainMs) {
      this.#answers.delete(id);
      return undefined;
    }
    return answer.event;
  }

  #onEvent(event: ConsumedEvent) {
    const id = this.#spec.correlate(event);
    if (id === undefined || this.#answers.has(id)) return;
    // Retained from when it was published, whenever this instance read it.
    this.#answers.set(id, { event, at: Math.min(Date.now(), Number(event.timestamp) || Date.now()) });
    const max = this.#spec.maxRetained ?? 50_000;
    while (this.#answers.size > max) {
      const oldest = this.#answers.keys().next().value;
      if (oldest === undefined) break;
      this.#answers.delete(oldest);
    }
    for (const waiter of [...(this.#waiters.get(id) ?? [])]) waiter(event);
  }
}
