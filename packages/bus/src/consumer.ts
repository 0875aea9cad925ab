import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { classifyError, type ErrorClass, errorCodeOf, errorMessageOf, type Logger } from '@passerelle/service-kit';
import kafkajs, {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type KafkaMessage,
  type Message,
  type Producer,
} from 'kafkajs';
import { backoffDelay, delay } from './backoff.js';
import type { BusMetrics } from './bus-metrics.js';
import { CoPartitionedAssigner } from './co-partitioned-assigner.js';
import { deadLetterTopicFor } from './contracts.js';
import { PartitionStates, readPartitionsToEnd, readRawToEnd, type StateSpec } from './partition-state.js';
import {
  encodeKnownInto,
  type OutgoingEvent,
  RECORD_HEADER,
  sendInTransaction,
  TRANSACTION_RETRY,
  toTopicMessages,
} from './publisher.js';
import type { Serde } from './serde.js';

/** Set by a dead-letter replay: only the group that dead-lettered the event handles it again. */
export const REPLAY_FOR_GROUP_HEADER = 'dlq.replay-for-group';

const offsetId = (topic: string, partition: number, offset: string) => `${topic}:${partition}:${offset}`;

/** Kafka Connect's vocabulary, so runbooks and tooling people know carry over. */
export type ConsumerState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

export interface ConsumedEvent {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** Record full name; null for a tombstone without a record header. */
  record: string | null;
  /** Decoded value (with logical types); null for a tombstone. */
  value: unknown;
  headers: Record<string, string>;
  timestamp: string;
}

export interface HandlerContext<S> {
  /** Bound to the event's coordinates; never log the event's payload (personal data). */
  log: Logger;
  /**
   * Queues an event to publish in the same transaction as this event's offset: it is visible to read-committed
   * consumers if and only if this event counts as processed.
   */
  publish(event: OutgoingEvent): void;
  /** The state of any key of this partition, including what earlier events of the batch published. */
  state(key: string): S | undefined;
  /** 0 on the first attempt. */
  attempt: number;
}

export interface RestartPolicy {
  /** Crashes tolerated within `windowMs` before the consumer stays FAILED (broker outages never count). */
  maxRestarts: number;
  windowMs: number;
  baseMs: number;
  maxMs: number;
}

export interface ConsumerSpec<S = never> {
  /** Connector-visible name, e.g. `kairos.positioning-requests`. */
  name: string;
  groupId: string;
  topics: string[];
  /** Start of an unknown group: from the beginning (default), so nothing published before start-up is missed. */
  fromBeginning?: boolean;
  state?: StateSpec<S>;
  handle(event: ConsumedEvent, context: HandlerContext<S>): Promise<void> | void;
  partitionsConsumedConcurrently?: number;
  /** Retriable failures of one event before it is dead-lettered. */
  maxRetries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  restartPolicy?: Partial<RestartPolicy>;
  /**
   * How long a fetch waits on the broker when there is nothing new. Data answers a waiting fetch at once (minBytes
   * is 1), so a small value buys no latency: it only makes an idle consumer ask more often. Default 500 ms.
   */
  maxWaitTimeInMs?: number;
  /**
   * How long the group waits for a silent member before moving its partitions (a killed process): shorter means
   * faster take-over, longer means fewer rebalances on a slow network. The broker's minimum is 6 s.
   */
  sessionTimeoutMs?: number;
  /**
   * Most bytes fetched per partition at once. One batch is one transaction, so bigger batches amortise its fixed
   * cost (about five broker round trips). A fetch returns what is there, so the size only shows under a backlog —
   * when the events wait anyway — and a caught-up consumer still handles small batches at once. Default 4 MiB
   * (about 4 000 events of 1 KB: 1 MiB gave transactions of ~900 events and 10–15% less throughput).
   */
  maxBytesPerPartition?: number;
}

export interface ConsumerStatus {
  name: string;
  groupId: string;
  state: ConsumerState;
  workerId: string;
  assignment: Record<string, number[]>;
  restarts: number;
  /** Kafka Connect's `trace`: the error that made the consumer FAILED. */
  trace?: string;
}

interface Dependencies {
  kafka: Kafka;
  admin: () => Promise<Admin>;
  serde: Serde;
  metrics: BusMetrics;
  log: Logger;
  /** Compacted topics: only the last value of a key counts, so a transaction writes only the last one it holds. */
  compacted: ReadonlySet<string>;
}

type Outcome = { kind: 'processed' } | { kind: 'dead-letter'; message: Message };

const DEFAULT_RESTART_POLICY: RestartPolicy = { maxRestarts: 5, windowMs: 10 * 60_000, baseMs: 500, maxMs: 30_000 };

/**
 * The one consume loop of Passerelle. Declared by a spec (topics, group, handler, optional state), it gives every
 * connector the same guarantees:
 * - effectively once: each batch of a partition is one Kafka transaction holding the handler's output events,
 *   the dead-lettered inputs and the consumed offsets. A process killed at any point either committed all of it
 *   or none; the restarted consumer resumes after the last committed batch, and read-committed readers never see
 *   the outputs of an aborted batch. Transactional ids are stable per input partition, so the next owner of a
 *   partition fences a zombie and aborts its open transaction at once;
 * - one writer per partition number across the input topics (co-partitioned assignment) with state rebuilt from
 *   Kafka when the partition is first processed;
 * - errors classified once: retriable → capped exponential backoff with jitter, then the dead-letter topic;
 *   non-retriable → the dead-letter topic with the original bytes, key and headers plus context headers;
 *   programmer errors → the batch aborts and the consumer crashes, then restarts under a capped policy.
 */
export class ManagedConsumer<S = never> {
  readonly #spec: ConsumerSpec<S>;
  readonly #deps: Dependencies;
  readonly #log: Logger;
  readonly #policy: RestartPolicy;
  readonly #states: PartitionStates<S> | undefined;
  readonly #producers = new Map<string, Promise<Producer>>();
  readonly #partitionLocks = new Map<number, Promise<void>>();
  readonly #workerId = `${hostname()}:${process.pid}`;
  #consumer: Consumer | undefined;
  #state: ConsumerState = 'UNASSIGNED';
  #assignment: Record<string, number[]> = {};
  #trace: string | undefined;
  #paused = false;
  #stopping = false;
  #crashTimes: number[] = [];
  #restarts = 0;
  #rebuilding: Promise<void> | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  readonly #handlerSeconds: { observe(seconds: number): void };
  readonly #inputAgeSeconds: { observe(seconds: number): void };

  constructor(spec: ConsumerSpec<S>, deps: Dependencies) {
    this.#spec = spec;
    this.#deps = deps;
    this.#log = deps.log.child({ component: 'consumer', consumer: spec.name, group: spec.groupId });
    this.#policy = { ...DEFAULT_RESTART_POLICY, ...spec.restartPolicy };
    this.#states = spec.state ? new PartitionStates(spec.state) : undefined;
    this.#handlerSeconds = deps.metrics.handlerSeconds.bind({ group: spec.groupId });
    this.#inputAgeSeconds = deps.metrics.inputAgeSeconds.bind({ group: spec.groupId });
  }

  get name() {
    return this.#spec.name;
  }

  get deadLetterTopic() {
    return deadLetterTopicFor(this.#spec.groupId);
  }

  /** Read access to the rebuilt state (for read models served by the same process). */
  get states(): PartitionStates<S> | undefined {
    return this.#states;
  }

  status(): ConsumerStatus {
    return {
      name: this.#spec.name,
      groupId: this.#spec.groupId,
      state: this.#state,
      workerId: this.#workerId,
      assignment: this.#assignment,
      restarts: this.#restarts,
      ...(this.#trace ? { trace: this.#trace } : {}),
    };
  }

  async start(): Promise<void> {
    this.#stopping = false;
    this.#trace = undefined;
    const consumer = this.#deps.kafka.consumer({
      groupId: this.#spec.groupId,
      readUncommitted: false,
      partitionAssigners: [CoPartitionedAssigner],
      maxWaitTimeInMs: this.#spec.maxWaitTimeInMs ?? 500,
      sessionTimeout: this.#spec.sessionTimeoutMs ?? 15_000,
      maxBytesPerPartition: this.#spec.maxBytesPerPartition ?? 4 * 1_048_576,
      heartbeatInterval: Math.max(500, Math.floor((this.#spec.sessionTimeoutMs ?? 15_000) / 10)),
      allowAutoTopicCreation: false,
      // The restart policy is ours (kafkajs#1721): kafkajs reports the crash and stops.
      retry: { retries: 3, initialRetryTime: 100, restartOnFailure: async () => false },
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.#onAssignment(payload.memberAssignment));
    consumer.on(consumer.events.CRASH, ({ payload }) => this.#onCrash(payload.error));
    this.#consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.#spec.topics, fromBeginning: this.#spec.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#spec.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.#processBatch(payload),
    });
    if (this.#paused) this.pause();
    this.#log.info({ topics: this.#spec.topics }, 'consumer started');
  }

  /** Finishes the batch in flight (its transaction commits), leaves the group and closes the producers. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    await this.#consumer?.disconnect();
    this.#consumer = undefined;
    await this.#closeProducers();
    this.#forgetAllState();
    this.#state = 'STOPPED';
    this.#assignment = {};
    this.#log.info('consumer stopped');
  }

  pause(): void {
    this.#paused = true;
    this.#consumer?.pause(this.#spec.topics.map((topic) => ({ topic })));
    if (this.#state === 'RUNNING' || this.#state === 'UNASSIGNED') this.#state = 'PAUSED';
  }

  resume(): void {
    this.#paused = false;
    this.#consumer?.resume(this.#spec.topics.map((topic) => ({ topic })));
    if (this.#state === 'PAUSED') this.#state = Object.keys(this.#assignment).length > 0 ? 'RUNNING' : 'UNASSIGNED';
  }

  /** Ops' restart (and the crash policy's): stop, then start again from the committed offsets. */
  async restart(): Promise<void> {
    this.#state = 'RESTARTING';
    await this.#consumer?.disconnect().catch(() => undefined);
    this.#consumer = undefined;
    await this.#closeProducers();
    this.#forgetAllState();
    this.#crashTimes = [];
    await this.start();
  }

  // --- processing -----------------------------------------------------------------------------------------------

  async #processBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
    const { partition } = batch;
    try {
      await this.#withPartitionLock(partition, () =>
        this.#processBatchLocked({ batch, heartbeat, isRunning, isStale, resolveOffset }),
      );
    } catch (error) {
      // Whatever this batch applied in memory never happened: rebuild from Kafka before the next batch.
      this.#states?.invalidate(partition);
      // A programmer error must not be retried by kafkajs (it retries anything not marked otherwise): crash now.
      if (classifyError(rootCause(error)) === 'programmer')
        throw Object.assign(new KafkaJSNonRetriableError(asError(error)), { cause: error });
      throw error;
    }
  }

  async #processBatchLocked({
    batch,
    heartbeat,
    isRunning,
    isStale,
    resolveOffset,
  }: Pick<EachBatchPayload, 'batch' | 'heartbeat' | 'isRunning' | 'isStale' | 'resolveOffset'>): Promise<void> {
    const { topic, partition } = batch;
    const producer = await this.#producerFor(topic, partition);
    await this.#ensureState(partition);
    const outgoing = new Map<string, Message[]>();
    const deadLetters: Message[] = [];
    let lastOffset: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      const outcome = await this.#processMessage(topic, partition, message, heartbeat, outgoing);
      if (outcome.kind === 'dead-letter') deadLetters.push(outcome.message);
      lastOffset = message.offset;
    }
    if (lastOffset === undefined) return;
    const nextOffset = (BigInt(lastOffset) + 1n).toString();

    const started = performance.now();
    for (const [outTopic, messages] of outgoing) {
      if (this.#deps.compacted.has(outTopic)) outgoing.set(outTopic, lastPerKey(messages));
    }
    const transaction = await producer.transaction();
    try {
      await sendInTransaction(transaction, outgoing);
      if (deadLetters.length > 0)
        await transaction.send({ topic: this.deadLetterTopic, acks: -1, messages: deadLetters });
      await transaction.sendOffsets({
        consumerGroupId: this.#spec.groupId,
        topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
    // Tells kafkajs where to fetch next; the offsets themselves were committed by the transaction.
    resolveOffset(lastOffset);
    const { metrics } = this.#deps;
    metrics.transactionSeconds.observe({ group: this.#spec.groupId }, (performance.now() - started) / 1000);
    for (const [outTopic, messages] of outgoing) metrics.produced.inc({ topic: outTopic }, messages.length);
    metrics.consumed.inc({ group: this.#spec.groupId, topic }, batch.messages.length);
    metrics.lag.set({ group: this.#spec.groupId, topic, partition: String(partition) }, Number(batch.offsetLag()));
    if (deadLetters.length > 0) {
      for (const dead of deadLetters) {
        const stage = String((dead.headers as Record<string, string>)['dlq.stage']);
        metrics.deadLettered.inc({ group: this.#spec.groupId, topic, stage });
      }
      this.#log.warn({ topic, partition, count: deadLetters.length }, 'events dead-lettered');
    }
  }

  async #processMessage(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    outgoing: Map<string, Message[]>,
  ): Promise<Outcome> {
    const maxRetries = this.#spec.maxRetries ?? 5;
    // Built on first use: a child logger per event would cost more than most handlers.
    let eventLog: Logger | undefined;
    const logFor = () => {
      eventLog ??= this.#log.child({ topic, partition, offset: message.offset });
      return eventLog;
    };
    // A dead letter replayed to its topic is meant for the group that failed on it: the others handled the original
    // (their state holds it already), so they skip the copy without even decoding it.
    if (!this.#isForThisGroup(message)) return { kind: 'processed' };
    this.#inputAgeSeconds.observe(Math.max(0, Date.now() - Number(message.timestamp)) / 1000);
    for (let attempt = 0; ; attempt += 1) {
      let stage: 'decode' | 'handle' = 'decode';
      try {
        const event =
          this.#decode(topic, partition, message) ?? (await this.#decodeFetchingSchema(topic, partition, message));
        stage = 'handle';
        const queued: OutgoingEvent[] = [];
        const started = performance.now();
        const handled = this.#spec.handle(event, {
          get log() {
            return logFor();
          },
          attempt,
          publish: (outgoing) => queued.push(outgoing),
          state: (key) => this.#states?.get(key),
        });
        // Only a handler that returned a promise is awaited: an await per event costs throughput.
        if (handled) await handled;
        this.#handlerSeconds.observe((performance.now() - started) / 1000);
        // Encoded now, so an invalid output is this event's (programmer) error; it aborts the whole batch anyway.
        if (!encodeKnownInto(this.#deps.serde, queued, outgoing))
          await toTopicMessages(this.#deps.serde, queued, outgoing);
        this.#applyInput(partition, event);
        for (const output of queued) {
          if (this.#states?.isStateTopic(output.topic)) {
            this.#states.apply(partition, {
              topic: output.topic,
              key: output.key,
              record: output.record,
              value: output.value,
            });
          }
        }
        return { kind: 'processed' };
      } catch (error) {
        const errorClass = classifyError(error);
        if (errorClass === 'programmer') throw error;
        // A dead-lettered input does not count for the state (see StateSpec): it will when replayed and handled.
        if (errorClass === 'non-retriable') {
          logFor().warn({ stage, code: errorCodeOf(error), reason: errorMessageOf(error) }, 'event dead-lettered');
          return {
            kind: 'dead-letter',
            message: this.#deadLetter(topic, partition, message, stage, errorClass, error),
          };
        }
        if (attempt >= maxRetries) {
          logFor().warn(
            { stage, code: errorCodeOf(error), attempts: attempt + 1 },
            'retries exhausted; event dead-lettered',
          );
          return {
            kind: 'dead-letter',
            message: this.#deadLetter(topic, partition, message, stage, 'retries-exhausted', error),
          };
        }
        this.#deps.metrics.retries.inc({ group: this.#spec.groupId });
        const wait = backoffDelay(attempt, {
          baseMs: this.#spec.retryBaseMs ?? 100,
          maxMs: this.#spec.retryMaxMs ?? 10_000,
        });
        logFor().info(
          { stage, code: errorCodeOf(error), attempt: attempt + 1, waitMs: wait },
          'retriable failure; retrying',
        );
        await delay(wait);
        await heartbeat();
      }
    }
  }

  /** Folds a consumed event of a state topic into the state, once its handler ran (see StateSpec). */
  #applyInput(partition: number, event: ConsumedEvent | undefined) {
    if (!event || event.key === null || !this.#states?.isStateTopic(event.topic)) return;
    this.#states.apply(partition, { topic: event.topic, key: event.key, record: event.record, value: event.value });
  }

  /** The event, decoded without waiting when its writer schema is already known; undefined when it is not. */
  #decode(topic: string, partition: number, message: KafkaMessage): ConsumedEvent | undefined {
    if (message.value === null) return this.#eventOf(topic, partition, message, null, null);
    const decoded = this.#deps.serde.decodeIfKnown(message.value);
    return decoded && this.#eventOf(topic, partition, message, decoded.record, decoded.value);
  }

  async #decodeFetchingSchema(topic: string, partition: number, message: KafkaMessage): Promise<ConsumedEvent> {
    const { record, value } = await this.#deps.serde.decode(message.value as Buffer);
    return this.#eventOf(topic, partition, message, record, value);
  }

  #eventOf(
    topic: string,
    partition: number,
    message: KafkaMessage,
    record: string | null,
    value: unknown,
  ): ConsumedEvent {
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries(message.headers ?? {})) headers[name] = header?.toString() ?? '';
    return {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      record: record ?? headers[RECORD_HEADER] ?? null,
      value,
      headers,
      timestamp: message.timestamp,
    };
  }

  #deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    stage: string,
    errorClass: ErrorClass | 'retries-exhausted',
    error: unknown,
  ): Message {
    return {
      key: message.key,
      value: message.value,
      headers: {
        ...message.headers,
        'dlq.topic': topic,
        'dlq.partition': String(partition),
        'dlq.offset': message.offset,
        'dlq.timestamp': message.timestamp,
        'dlq.group': this.#spec.groupId,
        'dlq.consumer': this.#spec.name,
        'dlq.stage': stage,
        'dlq.error.class': errorClass,
        'dlq.error.code': errorCodeOf(error),
        'dlq.error.message': errorMessageOf(error).slice(0, 1000),
        'dlq.failed-at': new Date().toISOString(),
      },
    };
  }

  // --- state, producers, locks ------------------------------------------------------------------------------------

  /** Rebuilds, in one read, the state of every assigned partition not yet rebuilt (after fencing their zombies). */
  async #ensureState(partition: number): Promise<void> {
    const states = this.#states;
    if (!states || states.isReady(partition)) return;
    while (this.#rebuilding) await this.#rebuilding;
    if (states.isReady(partition)) return;
    const assigned = new Set<number>([partition, ...Object.values(this.#assignment).flat()]);
    const partitions = [...assigned].filter((p) => !states.isReady(p));
    this.#rebuilding = (async () => {
      for (const p of partitions) for (const topic of this.#spec.topics) await this.#producerFor(topic, p);
      const started = performance.now();
      for (const p of partitions) states.invalidate(p);
      const { kafka, serde, log } = this.#deps;
      const admin = await this.#deps.admin();
      let count = 0;
      const inputs = states.topics.filter((topic) => this.#spec.topics.includes(topic));
      const deadLettered = inputs.length > 0 ? await this.#deadLetteredOffsets(admin) : new Set<string>();
      for (const topic of states.topics) {
        const input = inputs.includes(topic);
        count += await readPartitionsToEnd(
          { kafka, admin, serde, log },
          topic,
          partitions,
          (p, event) => states.apply(p, event),
          input
            ? {
                until: await this.#committedOffsets(admin, topic),
                // The inputs this group handled, as the live state applies them (see StateSpec).
                accept: (p, message) =>
                  this.#isForThisGroup(message) && !deadLettered.has(offsetId(topic, p, message.offset)),
              }
            : {},
        );
      }
      for (const p of partitions) states.markReady(p);
      this.#log.info(
        { stateTopics: states.topics, partitions, events: count, ms: Math.round(performance.now() - started) },
        'state rebuilt from Kafka',
      );
    })();
    try {
      await this.#rebuilding;
    } finally {
      this.#rebuilding = undefined;
    }
  }

  /** False for a dead letter replayed to its topic for another group (that group failed on it, this one did not). */
  #isForThisGroup(message: KafkaMessage): boolean {
    const replayFor = message.headers?.[REPLAY_FOR_GROUP_HEADER]?.toString();
    return replayFor === undefined || replayFor === this.#spec.groupId;
  }

  /**
   * The inputs this group dead-lettered, as `topic:partition:offset`: its dead-letter topic, written in the same
   * transactions as its offsets, read-committed — so exactly the dead letters of the offsets committed so far.
   */
  async #deadLetteredOffsets(admin: Admin): Promise<Set<string>> {
    const found = new Set<string>();
    const existing = await admin.listTopics();
    if (!existing.includes(this.deadLetterTopic)) return found;
    await readRawToEnd({ kafka: this.#deps.kafka, admin }, this.deadLetterTopic, 'all', (_, message) => {
      const header = (name: string) => message.headers?.[name]?.toString();
      const [topic, partition, offset] = [header('dlq.topic'), header('dlq.partition'), header('dlq.offset')];
      if (topic && partition && offset) found.add(offsetId(topic, Number(partition), offset));
    });
    return found;
  }

  /**
   * Where the group stands on an input topic that is also a state topic: the state holds the events before it,
   * the consumer applies the rest as it consumes them. Read after the zombies were fenced, so it cannot move.
   */
  async #committedOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
    const [committed] = await admin.fetchOffsets({ groupId: this.#spec.groupId, topics: [topic] });
    const until = new Map<number, bigint>();
    for (const { partition, offset } of committed?.partitions ?? []) {
      // No committed offset: a group starting from the beginning applies every event as it consumes it; one
      // starting at the end never sees the earlier events, so the state takes them all from the rebuild.
      if (offset === '-1') {
        if (this.#spec.fromBeginning !== false) until.set(partition, 0n);
      } else until.set(partition, BigInt(offset));
    }
    return until;
  }

  /** One transactional producer per input partition: its stable id fences the previous owner's zombie. */
  #producerFor(topic: string, partition: number): Promise<Producer> {
    const id = `${this.#spec.groupId}.${topic}.${partition}`;
    let producer = this.#producers.get(id);
    if (!producer) {
      const created = this.#deps.kafka.producer({
        transactionalId: id,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 60_000,
        retry: TRANSACTION_RETRY,
      });
      producer = created.connect().then(() => created);
      producer.catch(() => this.#producers.delete(id));
      this.#producers.set(id, producer);
    }
    return producer;
  }

  async #closeProducers() {
    const producers = [...this.#producers.values()];
    this.#producers.clear();
    await Promise.all(producers.map((producer) => producer.then((p) => p.disconnect()).catch(() => undefined)));
  }

  async #withPartitionLock(partition: number, work: () => Promise<void>): Promise<void> {
    const previous = this.#partitionLocks.get(partition) ?? Promise.resolve();
    const current = previous.then(work, work);
    const settled = current.catch(() => undefined);
    this.#partitionLocks.set(partition, settled);
    try {
      await current;
    } finally {
      if (this.#partitionLocks.get(partition) === settled) this.#partitionLocks.delete(partition);
    }
  }

  #forgetAllState() {
    if (!this.#states) return;
    for (const partition of Object.values(this.#assignment).flat()) this.#states.invalidate(partition);
  }

  // --- group membership and crashes -------------------------------------------------------------------------------

  #onAssignment(assignment: Record<string, number[]>) {
    const kept = new Set(Object.values(assignment).flat());
    for (const partition of Object.values(this.#assignment).flat()) {
      if (!kept.has(partition)) this.#states?.invalidate(partition);
    }
    for (const [id, producer] of this.#producers) {
      const [topic, partition] = [
        id.slice(this.#spec.groupId.length + 1, id.lastIndexOf('.')),
        Number(id.slice(id.lastIndexOf('.') + 1)),
      ];
      if (!assignment[topic]?.includes(partition)) {
        this.#producers.delete(id);
        void producer.then((p) => p.disconnect()).catch(() => undefined);
      }
    }
    this.#assignment = assignment;
    if (!this.#paused) this.#state = kept.size > 0 ? 'RUNNING' : 'UNASSIGNED';
    this.#log.info({ assignment }, 'partitions assigned');
  }

  #onCrash(crash: Error) {
    if (this.#stopping) return;
    const error = asError(rootCause(crash));
    const errorClass = classifyError(error);
    const now = Date.now();
    this.#crashTimes = this.#crashTimes.filter((time) => now - time < this.#policy.windowMs);
    // Broker and registry outages are retried for as long as they last; only other crashes use up the budget.
    if (errorClass !== 'retriable') this.#crashTimes.push(now);
    const trace = error.stack ?? String(error);
    if (this.#crashTimes.length > this.#policy.maxRestarts) {
      this.#state = 'FAILED';
      this.#trace = trace;
      this.#log.error({ err: error, crashes: this.#crashTimes.length }, 'consumer failed; restart budget exhausted');
      void this.#teardownAfterCrash();
      return;
    }
    const wait = backoffDelay(this.#crashTimes.length, { baseMs: this.#policy.baseMs, maxMs: this.#policy.maxMs });
    this.#state = 'RESTARTING';
    this.#trace = trace;
    this.#log.error({ err: error, errorClass, restartInMs: wait }, 'consumer crashed; restarting');
    this.#restartTimer = setTimeout(() => {
      if (this.#stopping) return;
      this.#restarts += 1;
      this.#deps.metrics.restarts.inc({ group: this.#spec.groupId });
      void this.#teardownAfterCrash()
        .then(() => this.start())
        .catch((restartError: unknown) => this.#onCrash(asError(restartError)));
    }, wait);
  }

  async #teardownAfterCrash() {
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.disconnect().catch(() => undefined);
    await this.#closeProducers();
    this.#forgetAllState();
    this.#assignment = {};
  }
}

/**
 * The last message of each key, in the order of those last messages. On a compacted topic a key's earlier values
 * within one transaction are superseded before anyone can read them (read-committed readers see the whole
 * transaction at once): a catalogue listing changed by ten registrations of one batch is written once, not ten
 * times, for the broker and every reader.
 */
function lastPerKey(messages: Message[]): Message[] {
  const seen = new Set<string>();
  const kept: Message[] = [];
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index] as Message;
    const key = message.key?.toString() ?? '';
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(message);
  }
  return kept.length === messages.length ? messages : kept.reverse();
}

// kafkajs is CommonJS and spreads its error classes into its exports: Node's ESM loader cannot see them by name.
const { KafkaJSNonRetriableError } = kafkajs;

const asError = (value: unknown) => (value instanceof Error ? value : new Error(String(value)));

/** kafkajs wraps what a batch threw (KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded): find the original. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth += 1) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === current) break;
    current = cause;
  }
  return current;
}
