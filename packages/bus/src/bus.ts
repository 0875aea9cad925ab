import type { Logger, Metrics } from '@passerelle/service-kit';
import type { Admin, Kafka } from 'kafkajs';
import { type BusMetrics, createBusMetrics } from './bus-metrics.js';
import type { BusConfig } from './config.js';
import { ManagedConsumer } from './consumer.js';
import type { ConsumerSpec, ConsumerStatus } from './consumer-spec.js';
import { type Contracts, deadLetterTopicFor } from './contracts.js';
import { type Follower, FollowHub, type FollowSpec, Replies, type RepliesSpec } from './follower.js';
import { createKafka } from './kafka.js';
import { topicOffsets } from './offsets.js';
import { readPartitionsToEnd, type StateEvent } from './partition-state.js';
import { type OutgoingEvent, Publisher, type PublishTransaction } from './publisher.js';
import { SchemaRegistryGateway } from './registry.js';
import { Serde } from './serde.js';
import { ensureTopics } from './topics.js';

/**
 * How long a follower's fetch waits on the broker when there is nothing new. New data answers a waiting fetch at
 * once, so this only sets how often an idle process asks: every process polling 20 times a second per follower kept
 * a quarter of a core busy doing nothing, on two cores shared with the broker.
 */
const FOLLOW_MAX_WAIT_MS = 500;

export interface BusOptions {
  config: Pick<BusConfig, 'KAFKA_BROKERS' | 'SCHEMA_REGISTRY_URL' | 'KAFKA_CLIENT_ID'>;
  contracts: Contracts;
  log: Logger;
  metrics: Metrics;
  /** Dead-letter topics' retention (default 30 days). */
  deadLetterRetentionMs?: number;
}

/**
 * A runnable's connection to Kafka and the schema registry: publish, declare consumers, create topics and
 * register schemas. The only door to kafkajs and the registry client in Passerelle.
 */
export class Bus {
  readonly kafka: Kafka;
  readonly registry: SchemaRegistryGateway;
  readonly serde: Serde;
  readonly publisher: Publisher;
  /** The process's metrics registry (what /metrics exposes). */
  readonly metrics: Metrics;
  readonly #contracts: Contracts;
  readonly #log: Logger;
  readonly #metrics: BusMetrics;
  readonly #consumers: ManagedConsumer<unknown>[] = [];
  readonly #followHub: FollowHub;
  readonly #deadLetterRetentionMs: number;
  /** Set when start() starts the declared consumers: a consumer added later (addConsumer) starts itself. */
  #running = false;
  /** A consumer was added after start() created the dead-letter topics, before it started the consumers. */
  #addedDuringStart = false;
  #admin: Promise<Admin> | undefined;

  constructor({ config, contracts, log, metrics, deadLetterRetentionMs = 30 * 24 * 3600_000 }: BusOptions) {
    this.#contracts = contracts;
    this.#log = log.child({ component: 'bus' });
    this.metrics = metrics;
    this.#metrics = createBusMetrics(metrics);
    this.#deadLetterRetentionMs = deadLetterRetentionMs;
    this.kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, log });
    this.registry = new SchemaRegistryGateway(config.SCHEMA_REGISTRY_URL, contracts);
    this.serde = new Serde(this.registry, contracts);
    this.#followHub = new FollowHub({
      kafka: this.kafka,
      admin: () => this.admin(),
      serde: this.serde,
      metrics: this.#metrics,
      log: this.#log,
      maxWaitTimeInMs: FOLLOW_MAX_WAIT_MS,
    });
    this.publisher = new Publisher(this.kafka, this.serde, this.#metrics, {
      transactionalId: `${config.KAFKA_CLIENT_ID}.publisher`,
      admin: () => this.admin(),
    });
  }

  admin(): Promise<Admin> {
    if (!this.#admin) {
      const admin = this.kafka.admin();
      this.#admin = admin.connect().then(() => admin);
      this.#admin.catch(() => {
        this.#admin = undefined;
      });
    }
    return this.#admin;
  }

  /** Creates the catalogue's topics (and the dead-letter topics of declared consumers) that do not exist yet. */
  async ensureTopics(): Promise<{ created: string[]; mismatched: string[] }> {
    const deadLetters = this.#consumers.map((consumer) => ({
      name: consumer.deadLetterTopic,
      partitions: 3,
      cleanupPolicy: 'delete' as const,
      retentionMs: this.#deadLetterRetentionMs,
    }));
    return ensureTopics(await this.admin(), [...this.#contracts.topics, ...deadLetters], { log: this.#log });
  }

  /** Registers every subject of the catalogue (deploy time; idempotent). */
  registerSchemas(): Promise<Map<string, number>> {
    return this.registry.registerAll();
  }

  publish(events: readonly OutgoingEvent[]): Promise<void> {
    return this.publisher.publish(events);
  }

  publishAtomically(events: readonly OutgoingEvent[]): Promise<void> {
    return this.publisher.publishAtomically(events);
  }

  openTransaction(): Promise<PublishTransaction> {
    return this.publisher.openTransaction();
  }

  /**
   * Reads every committed event of a topic, from the beginning to its current end (aborted transactions skipped):
   * how a producer rebuilds what it published before (the SOFI connector's known offer). Returns the count.
   */
  async readToEnd(topic: string, onEvent: (event: StateEvent & { partition: number }) => void): Promise<number> {
    const admin = await this.admin();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = metadata.topics[0]?.partitions.map((partition) => partition.partitionId) ?? [];
    return readPartitionsToEnd(
      { kafka: this.kafka, admin, serde: this.serde, log: this.#log },
      topic,
      partitions,
      (partition, event) => onEvent({ ...event, partition }),
    );
  }

  /** Declares a consumer; it runs from `start()`. */
  consumer<S = never>(spec: ConsumerSpec<S>): ManagedConsumer<S> {
    if (this.#consumers.some((existing) => existing.name === spec.name)) {
      throw new Error(`A consumer named ${spec.name} is already declared`);
    }
    const consumer = new ManagedConsumer<S>(spec, {
      kafka: this.kafka,
      admin: () => this.admin(),
      serde: this.serde,
      metrics: this.#metrics,
      log: this.#log,
      compacted: new Set(this.#contracts.topics.filter((t) => t.cleanupPolicy === 'compact').map((t) => t.name)),
    });
    this.#consumers.push(consumer as unknown as ManagedConsumer<unknown>);
    return consumer;
  }

  /**
   * Declares a consumer while the process runs (one per item of data that changes at run time, e.g. a webhook
   * subscription): before start() it is only declared, like consumer(); after, its dead-letter topic is created and
   * it starts at once.
   */
  async addConsumer<S = never>(spec: ConsumerSpec<S>): Promise<ManagedConsumer<S>> {
    const consumer = this.consumer(spec);
    if (!this.#running) {
      // start() creates its dead-letter topic and starts it, whether it is declared before or during start().
      this.#addedDuringStart = true;
      return consumer;
    }
    await this.ensureTopics();
    await consumer.start();
    return consumer;
  }

  /**
   * Commits a new group's offsets at the topics' current ends, so its consumer — whenever it starts — handles
   * exactly what is published from now on (a subscription made at run time: nothing before it, nothing lost while
   * its consumer joins). A group that has committed offsets already is left as it is.
   */
  async startGroupAtEnd(groupId: string, topicNames: readonly string[]): Promise<void> {
    const admin = await this.admin();
    for (const topic of topicNames) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      if (committed?.partitions.some((partition) => partition.offset !== '-1')) continue;
      const ends = await topicOffsets(admin, topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
    }
  }

  /** Stops a consumer and forgets it (its group keeps its committed offsets), so readiness no longer counts it. */
  async retire(consumer: ManagedConsumer<unknown>): Promise<void> {
    const index = this.#consumers.indexOf(consumer);
    if (index === -1) return;
    this.#consumers.splice(index, 1);
    await consumer.stop();
  }

  consumers(): readonly ManagedConsumer<unknown>[] {
    return this.#consumers;
  }

  /** Declares a follower (every partition, in this process; see Follower); it runs from `start()`. */
  follow(spec: FollowSpec): Follower {
    return this.#followHub.follow(spec);
  }

  /** Declares a reply waiter over some topics (see Replies); it runs from `start()`. */
  replies(spec: RepliesSpec): Replies {
    return new Replies(spec, this.#followHub, this.#metrics);
  }

  async start(): Promise<void> {
    await this.ensureTopics();
    // Followers first: a reply waiter must be in place before a consumer can answer anything. And caught up: a
    // runnable's HTTP server listens after start(), so it never serves a read model still being rebuilt (a feed
    // missing half its steps after a restart).
    const { caughtUp } = await this.#followHub.start();
    await caughtUp;
    // Consumers added while the followers caught up (from the data they read) need their dead-letter topics too.
    while (this.#addedDuringStart) {
      this.#addedDuringStart = false;
      await this.ensureTopics();
    }
    // Synchronously with the snapshot below: a consumer added from now on is started by addConsumer, never twice.
    this.#running = true;
    await Promise.all(this.#consumers.map((consumer) => consumer.start()));
  }

  /** Graceful: consumers finish their batch and leave their groups, then producers and the admin disconnect. */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#consumers.map((consumer) => consumer.stop()));
    await this.#followHub.stop();
    await this.publisher.disconnect();
    const admin = this.#admin;
    this.#admin = undefined;
    await (await admin?.catch(() => undefined))?.disconnect();
  }

  statuses(): ConsumerStatus[] {
    return this.#consumers.map((consumer) => consumer.status());
  }

  /** Readiness: every consumer running (or deliberately paused) and the broker reachable. */
  async readiness(): Promise<{ ok: boolean; detail: unknown }> {
    const statuses = this.statuses();
    const consumersOk = statuses.every((status) => ['RUNNING', 'PAUSED', 'UNASSIGNED'].includes(status.state));
    let brokerOk = true;
    try {
      await (await this.admin()).describeCluster();
    } catch {
      brokerOk = false;
    }
    return {
      ok: consumersOk && brokerOk,
      detail: { broker: brokerOk ? 'reachable' : 'unreachable', consumers: statuses },
    };
  }
}

export { deadLetterTopicFor };
