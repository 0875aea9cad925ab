// What both clients of the client comparison (client-comparison.ts) share: the payloads, the measuring tools and
// the interface each client implements the same way, so the numbers differ by the client and nothing else.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export type ClientName = 'kafkajs' | 'platformatic';

export interface Outgoing {
  key: Buffer;
  value: Buffer;
}

/** An idempotent producer (acks=all), as Passerelle's Publisher uses for single acts. */
export interface IdempotentProducer {
  /** One produce request for all the messages (Passerelle sends batches ≤ 900 kB). */
  send(topic: string, messages: Outgoing[]): Promise<void>;
  close(): Promise<void>;
}

export interface TransformerOptions {
  input: string;
  output: string;
  groupId: string;
  /** Partitions processed at once (ManagedConsumer's default: 3). */
  concurrency: number;
  transform(value: Buffer): Buffer;
  /** After each transaction committed: how many input messages it covered. */
  onCommitted(count: number): void;
  /** When the first messages reach the handler (the group is joined and the fetch answered). */
  onFirstBatch(): void;
  onError(error: unknown): void;
}

export interface RunningTransformer {
  transactions(): number;
  stop(): Promise<void>;
}

export interface ReaderOptions {
  topic: string;
  groupId: string;
  onMessage(value: Buffer): void;
  onError(error: unknown): void;
}

export interface ClientUnderTest {
  readonly name: ClientName;
  readonly version: string;
  openProducer(): Promise<IdempotentProducer>;
  /** Read-committed consumer; each partition batch is one transaction: outputs + the consumed offset, then commit. */
  startTransformer(options: TransformerOptions): Promise<RunningTransformer>;
  /** A read-committed consumer (no offset commits: it only measures). */
  startReader(options: ReaderOptions): Promise<{ stop(): Promise<void> }>;
  /** Transactional retries the client reported (CONCURRENT_TRANSACTIONS and the like), when it can tell. */
  retries(): Record<string, number>;
}

/** Passerelle's budget per produce request (publisher.ts): under the broker's 1 MiB per partition batch. */
export const MAX_REQUEST_BYTES = 900_000;

export function chunkBySize<T extends { value: Buffer | null; key: Buffer | null }>(messages: T[]): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = 64 + (message.value?.length ?? 0) + (message.key?.length ?? 0);
    if (bytes + size > MAX_REQUEST_BYTES && current.length > 0) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** kafkajs' TRANSACTION_RETRY of packages/bus (5 ms doubling to 500 ms, 30 retries), for both clients. */
export const TRANSACTION_RETRY = { initialRetryTime: 5, maxRetryTime: 500, retries: 30 };
export const transactionRetryDelay = (attempt: number) =>
  Math.min(TRANSACTION_RETRY.initialRetryTime * 2 ** Math.max(0, attempt - 1), TRANSACTION_RETRY.maxRetryTime);

// --- payloads -----------------------------------------------------------------------------------------------------

export const VALUE_BYTES = 700;
/** Bytes 0–7 of a value: the send time (ms since the epoch, sub-ms precision); byte 8: 1 when measured. */
export const nowMs = () => performance.timeOrigin + performance.now();

const filler = randomBytes(VALUE_BYTES * 64);

/** ~700-byte values with keys `session-N` (N over 1 000 sessions, spread over the partitions). */
export function makeMessages(count: number, offset = 0): Outgoing[] {
  return Array.from({ length: count }, (_, i) => {
    const index = offset + i;
    const value = Buffer.allocUnsafe(VALUE_BYTES);
    filler.copy(value, 0, (index % 64) * VALUE_BYTES, (index % 64) * VALUE_BYTES + VALUE_BYTES);
    value.writeDoubleBE(0, 0);
    value[8] = 0;
    return { key: Buffer.from(`session-${index % 1_000}`), value };
  });
}

export function stamp(message: Outgoing, measured: boolean): Outgoing {
  message.value.writeDoubleBE(nowMs(), 0);
  message.value[8] = measured ? 1 : 0;
  return message;
}

/** The transformation of the consume→produce loop: a copy with one byte changed (keeps the send time). */
export function transform(value: Buffer): Buffer {
  const out = Buffer.allocUnsafe(value.length);
  value.copy(out);
  out[9] = (out[9] ?? 0) ^ 0xff;
  return out;
}

// --- measuring ----------------------------------------------------------------------------------------------------

export interface CpuWindow {
  stop(): { seconds: number; cpuMs: number };
}

/** Wall time and this process's CPU (user + system) from now until stop(). */
export function cpuWindow(): CpuWindow {
  const cpu = process.cpuUsage();
  const started = performance.now();
  return {
    stop() {
      const used = process.cpuUsage(cpu);
      return { seconds: (performance.now() - started) / 1000, cpuMs: (used.user + used.system) / 1000 };
    },
  };
}

export interface LatencyStats {
  count: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

export function latencyStats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    meanMs: round(sum / Math.max(1, sorted.length)),
    maxMs: round(sorted[sorted.length - 1] ?? NaN),
  };
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
export const perThousand = (cpuMs: number, messages: number) => round(cpuMs / (messages / 1000));
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when `condition` holds, checking every `everyMs`; false once `timeoutMs` has passed. */
export async function until(condition: () => boolean, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}

/** At most `size` holders at once (ManagedConsumer's partitionsConsumedConcurrently, for the stream client). */
export class Semaphore {
  #free: number;
  readonly #waiting: Array<() => void> = [];
  constructor(size: number) {
    this.#free = size;
  }
  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free += 1;
  }
}

/**
 * Passerelle's Publisher pattern over an idempotent producer: one produce request in flight; messages that arrive
 * meanwhile go together in the next one. Each caller resolves when its message is acknowledged.
 */
export class CoalescingPublisher {
  readonly #producer: IdempotentProducer;
  readonly #topic: string;
  #waiting: Array<{ message: Outgoing; settle: (error?: unknown) => void }> = [];
  #sending = false;
  requests = 0;

  constructor(producer: IdempotentProducer, topic: string) {
    this.#producer = producer;
    this.#topic = topic;
  }

  publish(message: Outgoing): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ message, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      while (this.#waiting.length > 0) {
        const callers = this.#waiting;
        this.#waiting = [];
        this.requests += 1;
        try {
          await this.#producer.send(
            this.#topic,
            callers.map(({ message }) => message),
          );
          for (const caller of callers) caller.settle();
        } catch (error) {
          for (const caller of callers) caller.settle(error ?? new Error('publish failed'));
        }
      }
    } finally {
      this.#sending = false;
    }
  }
}
