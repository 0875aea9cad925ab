import { performance } from 'node:perf_hooks';
import { classifyError, type ErrorClass, errorCodeOf, errorMessageOf, type Logger } from '@passerelle/service-kit';
import type { KafkaMessage, Message } from 'kafkajs';
import { backoffDelay, delay } from './backoff.js';
import { type ConsumedEvent, type ConsumerDependencies, type ConsumerSpec, isForGroup } from './consumer-spec.js';
import type { PartitionStates } from './partition-state.js';
import { encodeKnownInto, type OutgoingEvent, RECORD_HEADER, toTopicMessages } from './publisher.js';

/** `abandoned`: the consumer stopped (or lost the partition) while the event waited for a retry; not committed. */
export type Outcome = { kind: 'processed' } | { kind: 'dead-letter'; message: Message } | { kind: 'abandoned' };

/** How often a retry's wait looks whether the consumer is stopping, so stop() never waits out a long backoff. */
const RETRY_WAIT_SLICE_MS = 100;

/**
 * One event through a managed consumer's handler, under its retry and dead-letter policy: errors are classified
 * once — retriable → capped exponential backoff with jitter, then the dead-letter topic; non-retriable → the
 * dead-letter topic with the original bytes, key and headers plus context headers; programmer errors are thrown
 * (the batch aborts and the consumer crashes). What the handler published is encoded into the batch's outgoing
 * messages, and the partition state applies the event and the outputs once the handler succeeded.
 */
export class EventHandling<S> {
  readonly #spec: ConsumerSpec<S>;
  readonly #deps: ConsumerDependencies;
  readonly #log: Logger;
  readonly #states: PartitionStates<S> | undefined;
  readonly #handlerSeconds: { observe(seconds: number): void };
  readonly #inputAgeSeconds: { observe(seconds: number): void };

  constructor(spec: ConsumerSpec<S>, deps: ConsumerDependencies, log: Logger, states: PartitionStates<S> | undefined) {
    this.#spec = spec;
    this.#deps = deps;
    this.#log = log;
    this.#states = states;
    this.#handlerSeconds = deps.metrics.handlerSeconds.bind({ group: spec.groupId });
    this.#inputAgeSeconds = deps.metrics.inputAgeSeconds.bind({ group: spec.groupId });
  }

  async handle(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    outgoing: Map<string, Message[]>,
    keepsPartition: () => boolean = () => true,
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
    if (!isForGroup(message, this.#spec.groupId)) return { kind: 'processed' };
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
        // A stopping consumer (or one that lost the partition) gives the event up uncommitted instead of retrying
        // on: whoever consumes the partition next handles it again. Otherwise stop() would wait out every retry.
        for (let waited = 0; waited < wait; waited += RETRY_WAIT_SLICE_MS) {
          if (!keepsPartition()) return { kind: 'abandoned' };
          await delay(Math.min(RETRY_WAIT_SLICE_MS, wait - waited));
        }
        if (!keepsPartition()) return { kind: 'abandoned' };
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
    if (message.value === null) return eventOf(topic, partition, message, null, null);
    const decoded = this.#deps.serde.decodeIfKnown(message.value);
    return decoded && eventOf(topic, partition, message, decoded.record, decoded.value);
  }

  async #decodeFetchingSchema(topic: string, partition: number, message: KafkaMessage): Promise<ConsumedEvent> {
    const { record, value } = await this.#deps.serde.decode(message.value as Buffer);
    return eventOf(topic, partition, message, record, value);
  }

  /** The input as it was — bytes, key and headers — plus `dlq.*` headers saying where it came from and why. */
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
}

function eventOf(
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
