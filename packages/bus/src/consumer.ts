import { hostname } from 'node:os';
import { classifyError, type Logger } from '@passerelle/service-kit';
import type { Consumer } from 'kafkajs';
import { backoffDelay } from './backoff.js';
import { CoPartitionedAssigner } from './co-partitioned-assigner.js';
import { asError, BatchCycle, rootCause } from './consumer-batch.js';
import { EventHandling } from './consumer-events.js';
import { TransactionalProducers } from './consumer-producers.js';
import {
  type ConsumerDependencies,
  type ConsumerSpec,
  type ConsumerState,
  type ConsumerStatus,
  DEFAULT_RESTART_POLICY,
  type RestartPolicy,
} from './consumer-spec.js';
import { ConsumerStateRebuild } from './consumer-state.js';
import { deadLetterTopicFor } from './contracts.js';
import { PartitionStates } from './partition-state.js';

/**
 * The one consume loop of Passerelle. Declared by a spec (topics, group, handler, optional state), it gives every
 * connector the same guarantees:
 * - effectively once: each batch of a partition is one Kafka transaction holding the handler's output events,
 *   the dead-lettered inputs and the consumed offsets (BatchCycle). A process killed at any point either committed
 *   all of it or none; the restarted consumer resumes after the last committed batch, and read-committed readers
 *   never see the outputs of an aborted batch. Transactional ids are stable per input partition, so the next owner
 *   of a partition fences a zombie and aborts its open transaction at once (TransactionalProducers);
 * - one writer per partition number across the input topics (co-partitioned assignment) with state rebuilt from
 *   Kafka when the partition is first processed (ConsumerStateRebuild);
 * - errors classified once (EventHandling): retriable → capped exponential backoff with jitter, then the
 *   dead-letter topic; non-retriable → the dead-letter topic with the original bytes, key and headers plus context
 *   headers; programmer errors → the batch aborts and the consumer crashes, then restarts under a capped policy.
 *
 * This class is the lifecycle: start, stop, pause, resume, restart, the group's assignments and the crash policy.
 */
export class ManagedConsumer<S = never> {
  readonly #spec: ConsumerSpec<S>;
  readonly #deps: ConsumerDependencies;
  readonly #log: Logger;
  readonly #policy: RestartPolicy;
  readonly #states: PartitionStates<S> | undefined;
  readonly #producers: TransactionalProducers;
  readonly #batches: BatchCycle<S>;
  readonly #workerId = `${hostname()}:${process.pid}`;
  #consumer: Consumer | undefined;
  #state: ConsumerState = 'UNASSIGNED';
  #assignment: Record<string, number[]> = {};
  #trace: string | undefined;
  #paused = false;
  #stopping = false;
  #crashTimes: number[] = [];
  #restarts = 0;
  #restartTimer: NodeJS.Timeout | undefined;

  constructor(spec: ConsumerSpec<S>, deps: ConsumerDependencies) {
    this.#spec = spec;
    this.#deps = deps;
    this.#log = deps.log.child({ component: 'consumer', consumer: spec.name, group: spec.groupId });
    this.#policy = { ...DEFAULT_RESTART_POLICY, ...spec.restartPolicy };
    const states = spec.state ? new PartitionStates(spec.state) : undefined;
    this.#states = states;
    this.#producers = new TransactionalProducers(deps.kafka, spec.groupId);
    const log = this.#log;
    this.#batches = new BatchCycle({
      spec,
      deps,
      log,
      states,
      producers: this.#producers,
      stateRebuild:
        states &&
        new ConsumerStateRebuild({
          spec,
          deps,
          log,
          states,
          producers: this.#producers,
          assigned: () => Object.values(this.#assignment).flat(),
        }),
      events: new EventHandling(spec, deps, log, states),
    });
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
      eachBatch: (payload) => this.#batches.process(payload),
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
    await this.#producers.closeAll();
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
    await this.#producers.closeAll();
    this.#forgetAllState();
    this.#crashTimes = [];
    await this.start();
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
    this.#producers.keepOnly(assignment);
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
    await this.#producers.closeAll();
    this.#forgetAllState();
    this.#assignment = {};
  }
}
