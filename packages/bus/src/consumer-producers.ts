import type { Kafka, Producer } from 'kafkajs';
import { TRANSACTION_RETRY } from './publisher.js';

/**
 * A managed consumer's transactional producers: one per input partition, whose stable id
 * (`<group>.<topic>.<partition>`) fences the previous owner's zombie and aborts its open transaction at once.
 */
export class TransactionalProducers {
  readonly #kafka: Kafka;
  readonly #groupId: string;
  readonly #producers = new Map<string, { topic: string; partition: number; producer: Promise<Producer> }>();

  constructor(kafka: Kafka, groupId: string) {
    this.#kafka = kafka;
    this.#groupId = groupId;
  }

  /** Connected on first use; a failed connection is forgotten, so the next batch tries again. */
  for(topic: string, partition: number): Promise<Producer> {
    const id = `${this.#groupId}.${topic}.${partition}`;
    let entry = this.#producers.get(id);
    if (!entry) {
      const created = this.#kafka.producer({
        transactionalId: id,
        idempotent: true,
        maxInFlightRequests: 1,
        transactionTimeout: 60_000,
        retry: TRANSACTION_RETRY,
      });
      const producer = created.connect().then(() => created);
      producer.catch(() => this.#producers.delete(id));
      entry = { topic, partition, producer };
      this.#producers.set(id, entry);
    }
    return entry.producer;
  }

  /** After a rebalance: the producers of partitions no longer assigned disconnect (their next owner fences them). */
  keepOnly(assignment: Record<string, number[]>): void {
    for (const [id, { topic, partition, producer }] of this.#producers) {
      if (!assignment[topic]?.includes(partition)) {
        this.#producers.delete(id);
        void producer.then((p) => p.disconnect()).catch(() => undefined);
      }
    }
  }

  async closeAll(): Promise<void> {
    const producers = [...this.#producers.values()].map((entry) => entry.producer);
    this.#producers.clear();
    await Promise.all(producers.map((producer) => producer.then((p) => p.disconnect()).catch(() => undefined)));
  }
}
