import type { Logger } from '@passerelle/service-kit';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import type { BusMetrics } from './bus-metrics.js';
import type { StateSpec } from './partition-state.js';
import type { OutgoingEvent } from './publisher.js';
import type { Serde } from './serde.js';

/** Set by a dead-letter replay: only the group that dead-lettered the event handles it again. */
export const REPLAY_FOR_GROUP_HEADER = 'dlq.replay-for-group';

/** False for a dead letter replayed to its topic for another group (that group failed on it, this one did not). */
export function isForGroup(message: KafkaMessage, groupId: string): boolean {
  const replayFor = message.headers?.[REPLAY_FOR_GROUP_HEADER]?.toString();
  return replayFor === undefined || replayFor === groupId;
}

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

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxRestarts: 5,
  windowMs: 10 * 60_000,
  baseMs: 500,
  maxMs: 30_000,
};

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

/** What the bus gives each managed consumer. */
export interface ConsumerDependencies {
  kafka: Kafka;
  admin: () => Promise<Admin>;
  serde: Serde;
  metrics: BusMetrics;
  log: Logger;
  /** Compacted topics: only the last value of a key counts, so a transaction writes only the last one it holds. */
  compacted: ReadonlySet<string>;
}
