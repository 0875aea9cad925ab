import { performance } from 'node:perf_hooks';
import type { Logger } from '@passerelle/service-kit';
import type { Admin } from 'kafkajs';
import type { TransactionalProducers } from './consumer-producers.js';
import { type ConsumerDependencies, type ConsumerSpec, isForGroup } from './consumer-spec.js';
import { deadLetterTopicFor } from './contracts.js';
import { type PartitionStates, readPartitionsToEnd, readRawToEnd } from './partition-state.js';

const offsetId = (topic: string, partition: number, offset: string) => `${topic}:${partition}:${offset}`;

/**
 * A managed consumer's partition state, rebuilt from Kafka when a partition is first processed (see StateSpec):
 * after fencing the partitions' zombies, so nothing can move under the read.
 */
export class ConsumerStateRebuild<S> {
  readonly #spec: ConsumerSpec<S>;
  readonly #deps: ConsumerDependencies;
  readonly #log: Logger;
  readonly #states: PartitionStates<S>;
  readonly #producers: TransactionalProducers;
  /** Every partition currently assigned to the consumer: one rebuild serves them all. */
  readonly #assigned: () => number[];
  #rebuilding: Promise<void> | undefined;

  constructor(options: {
    spec: ConsumerSpec<S>;
    deps: ConsumerDependencies;
    log: Logger;
    states: PartitionStates<S>;
    producers: TransactionalProducers;
    assigned: () => number[];
  }) {
    this.#spec = options.spec;
    this.#deps = options.deps;
    this.#log = options.log;
    this.#states = options.states;
    this.#producers = options.producers;
    this.#assigned = options.assigned;
  }

  /** Rebuilds, in one read, the state of every assigned partition not yet rebuilt (after fencing their zombies). */
  async ensure(partition: number): Promise<void> {
    const states = this.#states;
    if (states.isReady(partition)) return;
    while (this.#rebuilding) await this.#rebuilding;
    if (states.isReady(partition)) return;
    const assigned = new Set<number>([partition, ...this.#assigned()]);
    const partitions = [...assigned].filter((p) => !states.isReady(p));
    this.#rebuilding = this.#rebuild(partitions);
    try {
      await this.#rebuilding;
    } finally {
      this.#rebuilding = undefined;
    }
  }

  async #rebuild(partitions: number[]): Promise<void> {
    const states = this.#states;
    for (const p of partitions) for (const topic of this.#spec.topics) await this.#producers.for(topic, p);
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
                isForGroup(message, this.#spec.groupId) && !deadLettered.has(offsetId(topic, p, message.offset)),
            }
          : {},
      );
    }
    for (const p of partitions) states.markReady(p);
    this.#log.info(
      { stateTopics: states.topics, partitions, events: count, ms: Math.round(performance.now() - started) },
      'state rebuilt from Kafka',
    );
  }

  /**
   * The inputs this group dead-lettered, as `topic:partition:offset`: its dead-letter topic, written in the same
   * transactions as its offsets, read-committed — so exactly the dead letters of the offsets committed so far.
   */
  async #deadLetteredOffsets(admin: Admin): Promise<Set<string>> {
    const found = new Set<string>();
    const deadLetterTopic = deadLetterTopicFor(this.#spec.groupId);
    const existing = await admin.listTopics();
    if (!existing.includes(deadLetterTopic)) return found;
    await readRawToEnd({ kafka: this.#deps.kafka, admin }, deadLetterTopic, 'all', (_, message) => {
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
}
