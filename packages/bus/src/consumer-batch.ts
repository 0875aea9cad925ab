import { performance } from 'node:perf_hooks';
import { classifyError, type Logger } from '@passerelle/service-kit';
import kafkajs, { type EachBatchPayload, type Message } from 'kafkajs';
import type { EventHandling } from './consumer-events.js';
import type { TransactionalProducers } from './consumer-producers.js';
import type { ConsumerDependencies, ConsumerSpec } from './consumer-spec.js';
import type { ConsumerStateRebuild } from './consumer-state.js';
import { deadLetterTopicFor } from './contracts.js';
import type { PartitionStates } from './partition-state.js';
import { sendInTransaction } from './publisher.js';

type BatchPayload = Pick<EachBatchPayload, 'batch' | 'heartbeat' | 'isRunning' | 'isStale' | 'resolveOffset'>;

/**
 * A managed consumer's transaction cycle: each batch of a partition is one Kafka transaction holding the handler's
 * output events, the dead-lettered inputs and the consumed offsets. A process killed at any point either committed
 * all of it or none; read-committed readers never see the outputs of an aborted batch. Batches of one partition
 * never overlap (a partition lock), whatever kafkajs does around a rebalance.
 */
export class BatchCycle<S> {
  readonly #spec: ConsumerSpec<S>;
  readonly #deps: ConsumerDependencies;
  readonly #log: Logger;
  readonly #states: PartitionStates<S> | undefined;
  readonly #producers: TransactionalProducers;
  readonly #stateRebuild: ConsumerStateRebuild<S> | undefined;
  readonly #events: EventHandling<S>;
  readonly #partitionLocks = new Map<number, Promise<void>>();

  constructor(options: {
    spec: ConsumerSpec<S>;
    deps: ConsumerDependencies;
    log: Logger;
    states: PartitionStates<S> | undefined;
    producers: TransactionalProducers;
    stateRebuild: ConsumerStateRebuild<S> | undefined;
    events: EventHandling<S>;
  }) {
    this.#spec = options.spec;
    this.#deps = options.deps;
    this.#log = options.log;
    this.#states = options.states;
    this.#producers = options.producers;
    this.#stateRebuild = options.stateRebuild;
    this.#events = options.events;
  }

  /** kafkajs's `eachBatch`. */
  async process({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
    const { partition } = batch;
    try {
      await this.#withPartitionLock(partition, () =>
        this.#processLocked({ batch, heartbeat, isRunning, isStale, resolveOffset }),
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

  async #processLocked({ batch, heartbeat, isRunning, isStale, resolveOffset }: BatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const producer = await this.#producers.for(topic, partition);
    await this.#stateRebuild?.ensure(partition);
    const outgoing = new Map<string, Message[]>();
    const deadLetters: Message[] = [];
    let lastOffset: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      const outcome = await this.#events.handle(
        topic,
        partition,
        message,
        heartbeat,
        outgoing,
        () => isRunning() && !isStale(),
      );
      if (outcome.kind === 'abandoned') break;
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
        await transaction.send({ topic: deadLetterTopicFor(this.#spec.groupId), acks: -1, messages: deadLetters });
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

export const asError = (value: unknown) => (value instanceof Error ? value : new Error(String(value)));

/** kafkajs wraps what a batch threw (KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded): find the original. */
export function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth += 1) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === current) break;
    current = cause;
  }
  return current;
}
