import { type Logger, NonRetriableError, REDACTED_KEYS, RetriableError } from '@passerelle/service-kit';
import type { KafkaMessage, Message } from 'kafkajs';
import type { Bus } from './bus.js';
import { REPLAY_FOR_GROUP_HEADER } from './consumer-spec.js';
import { topicOffsets } from './offsets.js';
import { readRawToEnd as readPartitionsRawToEnd } from './partition-state.js';
import { TRANSACTION_RETRY } from './publisher.js';
import { ensureTopics } from './topics.js';

/**
 * What ops did with dead-lettered events, so a replayed or discarded event is neither shown nor replayed again.
 * Compacted, keyed by the dead-letter coordinates (`<dlq topic>/<partition>/<offset>`), JSON values: it is the
 * admin's own bookkeeping, read by nothing else, so it carries no Avro contract.
 */
export const DEAD_LETTER_ACTIONS_TOPIC = 'admin.dead-letter-actions.v1';

/** One transactional id for every admin instance: the next replay fences any other in flight (see `#act`). */
const ACTIONS_TRANSACTIONAL_ID = 'passerelle.admin.dead-letter-actions';

/** What the broker answers a transaction fenced by a newer one of the same id. */
const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING']);

const DEAD_LETTER_TOPIC = /^dlq\.(.+)\.v1$/;
const MASK = '[MASKED]';
const MASKED_KEYS = new Set<string>(REDACTED_KEYS.map((key) => key.toLowerCase()));

export type DeadLetterStatus = 'pending' | 'replayed' | 'discarded';

export interface DeadLetterAction {
  action: 'replayed' | 'discarded';
  at: string;
  /** Where a replayed event went back to. */
  to?: { topic: string; partition: number };
}

export interface DeadLetterEntry {
  /** `<partition>:<offset>` in the dead-letter topic: what replay and discard name. */
  id: string;
  partition: number;
  offset: string;
  deadLetteredAt: string;
  key: string | null;
  origin: { topic: string; partition: number; offset: string; timestamp: string; group: string; consumer: string };
  failure: { stage: string; errorClass: string; code: string; message: string };
  /** Record full name when the value decodes; the value with personal data masked. */
  record: string | null;
  value: unknown;
  /** Why the value could not be decoded (a poison message may be anything). */
  decodeError?: string;
  bytes: number;
  /** The original event's own headers (the dead-letter context is in `origin` and `failure`). */
  headers: Record<string, string>;
  status: DeadLetterStatus;
  action?: DeadLetterAction;
  /** The earlier dead-letter entry this one was replayed from, when a replayed event failed again. */
  replayedFrom?: string;
}

export interface DeadLetterTopicSummary {
  topic: string;
  group: string;
  total: number;
  pending: number;
}

export interface ActionResult {
  /** Entries acted on now. */
  done: string[];
  /** Entries left alone, with why (already replayed or discarded — a retried request changes nothing). */
  skipped: Array<{ id: string; reason: string }>;
}

/** A message as the broker holds it, with its partition. */
export type RawMessage = KafkaMessage & { partition: number };

/**
 * The dead-letter topics as ops see them (`dlq.<group>.v1`, written by ManagedConsumer with the original bytes,
 * key and headers plus `dlq.*` context headers): browse them decoded with the writer's schema from the registry
 * and personal data masked, replay entries to their original topic and partition, discard them.
 *
 * Replay and discard are effectively once per entry: each operation runs in one Kafka transaction that writes the
 * replayed events and the actions' records together, under a transactional id shared by every admin instance.
 * Starting it fences any other operation in flight (its commit fails), and the entries already acted on are read
 * after that, so a retried or concurrent request never replays an entry twice.
 */
export class DeadLetters {
  readonly #bus: Bus;
  readonly #log: Logger;
  #queue: Promise<unknown> = Promise.resolve();
  #actionsTopicReady: Promise<unknown> | undefined;
  readonly #summaries = new Map<string, { version: string; summary: DeadLetterTopicSummary }>();

  constructor(bus: Bus, { log }: { log: Logger }) {
    this.#bus = bus;
    this.#log = log.child({ component: 'dead-letters' });
  }

  static groupOf(topic: string): string | undefined {
    return DEAD_LETTER_TOPIC.exec(topic)?.[1];
  }

  /**
   * Every dead-letter topic of the cluster with its count of entries, and of those still pending. A topic is read
   * again only when its end offsets or the actions' moved since the last call: a page polling this costs one
   * offsets request per topic while nothing fails.
   */
  async topics(): Promise<DeadLetterTopicSummary[]> {
    const admin = await this.#bus.admin();
    const names = (await admin.listTopics()).filter((name) => DEAD_LETTER_TOPIC.test(name)).sort();
    await this.#ensureActionsTopic();
    const actionsEnd = endsOf(await topicOffsets(admin, DEAD_LETTER_ACTIONS_TOPIC));
    let actions: Promise<Map<string, DeadLetterAction>> | undefined;
    const summaries: DeadLetterTopicSummary[] = [];
    // One topic at a time: each read is a consumer joining a throwaway group; dozens at once would crowd the broker.
    for (const topic of names) {
      const version = `${endsOf(await topicOffsets(admin, topic))}|${actionsEnd}`;
      const cached = this.#summaries.get(topic);
      if (cached?.version === version) {
        summaries.push(cached.summary);
        continue;
      }
      actions ??= this.#actions();
      const messages = await readRawToEnd(this.#bus, topic);
      const known = await actions;
      const pending = messages.filter((message) => !known.has(actionKey(topic, message))).length;
      const summary = { topic, group: DeadLetters.groupOf(topic) as string, total: messages.length, pending };
      this.#summaries.set(topic, { version, summary });
      summaries.push(summary);
    }
    return summaries;
  }

  /** The entries of a dead-letter topic in the order they failed; pending ones only unless `all`. */
  async browse(
    topic: string,
    { all = false, limit = 100 }: { all?: boolean; limit?: number } = {},
  ): Promise<{ topic: string; total: number; pending: number; entries: DeadLetterEntry[] }> {
    this.#checkTopic(topic);
    const [messages, actions] = await Promise.all([readRawToEnd(this.#bus, topic), this.#actions()]);
    const pending = messages.filter((message) => !actions.has(actionKey(topic, message)));
    const shown = (all ? messages : pending).slice(0, limit);
    const entries = await Promise.all(shown.map((message) => this.#entryOf(topic, message, actions)));
    return { topic, total: messages.length, pending: pending.length, entries };
  }

  /** Sends entries (`'all'`: every pending one) back to their original topic and partition, as they were. */
  replay(topic: string, ids: readonly string[] | 'all'): Promise<ActionResult> {
    return this.#act(topic, ids, 'replayed');
  }

  /** Marks entries as dealt with: they are no longer shown nor replayable. Their bytes stay until retention. */
  discard(topic: string, ids: readonly string[] | 'all'): Promise<ActionResult> {
    return this.#act(topic, ids, 'discarded');
  }

  #act(topic: string, ids: readonly string[] | 'all', action: DeadLetterAction['action']): Promise<ActionResult> {
    this.#checkTopic(topic);
    // One operation at a time in this process; across processes the shared transactional id fences.
    const run = this.#queue.then(() => this.#actNow(topic, ids, action));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #actNow(
    topic: string,
    ids: readonly string[] | 'all',
    action: DeadLetterAction['action'],
  ): Promise<ActionResult> {
    await this.#ensureActionsTopic();
    const producer = this.#bus.kafka.producer({
      transactionalId: ACTIONS_TRANSACTIONAL_ID,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: TRANSACTION_RETRY,
    });
    await producer.connect();
    try {
      // Beginning the transaction fences every earlier one of this id: from here, the actions read are final.
      const transaction = await producer.transaction();
      try {
        const [messages, actions] = await Promise.all([readRawToEnd(this.#bus, topic), this.#actions()]);
        const byId = new Map(messages.map((message) => [entryId(message), message]));
        const wanted =
          ids === 'all' ? messages.filter((message) => !actions.has(actionKey(topic, message))).map(entryId) : ids;
        const result: ActionResult = { done: [], skipped: [] };
        const out = new Map<string, Message[]>();
        const records: Message[] = [];
        const at = new Date().toISOString();
        for (const id of new Set(wanted)) {
          const message = byId.get(id);
          if (!message) {
            result.skipped.push({ id, reason: 'no such entry in the dead-letter topic' });
            continue;
          }
          const previous = actions.get(actionKey(topic, message));
          if (previous) {
            result.skipped.push({ id, reason: `already ${previous.action} at ${previous.at}` });
            continue;
          }
          const record: DeadLetterAction = { action, at };
          if (action === 'replayed') {
            const replayed = replayMessageOf(topic, message);
            record.to = { topic: replayed.topic, partition: replayed.message.partition as number };
            out.set(replayed.topic, [...(out.get(replayed.topic) ?? []), replayed.message]);
          }
          records.push({ key: actionKey(topic, message), value: JSON.stringify(record) });
          result.done.push(id);
        }
        if (records.length === 0) {
          await transaction.abort();
          return result;
        }
        for (const [target, targetMessages] of out)
          await transaction.send({ topic: target, acks: -1, messages: targetMessages });
        await transaction.send({ topic: DEAD_LETTER_ACTIONS_TOPIC, acks: -1, messages: records });
        await transaction.commit();
        this.#log.warn({ topic, action, count: result.done.length }, 'dead-letter entries acted on');
        return result;
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        if (FENCED.has((error as { type?: string }).type ?? '')) {
          throw new RetriableError(
            'BUS_DEAD_LETTER_ACTION_CONFLICT',
            'Another replay or discard ran at the same time; nothing of this one was applied. Retry it.',
            { cause: error },
          );
        }
        throw error;
      }
    } finally {
      await producer.disconnect();
    }
  }

  async #actions(): Promise<Map<string, DeadLetterAction>> {
    await this.#ensureActionsTopic();
    const actions = new Map<string, DeadLetterAction>();
    for (const message of await readRawToEnd(this.#bus, DEAD_LETTER_ACTIONS_TOPIC)) {
      const key = message.key?.toString();
      if (!key) continue;
      if (message.value === null) actions.delete(key);
      else actions.set(key, JSON.parse(message.value.toString()) as DeadLetterAction);
    }
    return actions;
  }

  #ensureActionsTopic(): Promise<unknown> {
    this.#actionsTopicReady ??= this.#bus
      .admin()
      .then((admin) =>
        ensureTopics(
          admin,
          [{ name: DEAD_LETTER_ACTIONS_TOPIC, partitions: 1, cleanupPolicy: 'compact', retentionMs: -1 }],
          { log: this.#log },
        ),
      );
    this.#actionsTopicReady.catch(() => {
      this.#actionsTopicReady = undefined;
    });
    return this.#actionsTopicReady;
  }

  #checkTopic(topic: string) {
    if (!DEAD_LETTER_TOPIC.test(topic))
      throw new NonRetriableError(
        'BUS_NOT_A_DEAD_LETTER_TOPIC',
        `${topic} is not a dead-letter topic (dlq.<group>.v1)`,
      );
  }

  async #entryOf(topic: string, message: RawMessage, actions: Map<string, DeadLetterAction>): Promise<DeadLetterEntry> {
    const headers = headersOf(message);
    const own = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('dlq.')));
    const action = actions.get(actionKey(topic, message));
    const entry: DeadLetterEntry = {
      id: entryId(message),
      partition: message.partition,
      offset: message.offset,
      deadLetteredAt: headers['dlq.failed-at'] ?? new Date(Number(message.timestamp)).toISOString(),
      key: message.key?.toString() ?? null,
      origin: {
        topic: headers['dlq.topic'] ?? '',
        partition: Number(headers['dlq.partition']),
        offset: headers['dlq.offset'] ?? '',
        timestamp: headers['dlq.timestamp']
          ? new Date(Number(headers['dlq.timestamp'])).toISOString()
          : (headers['dlq.timestamp'] ?? ''),
        group: headers['dlq.group'] ?? '',
        consumer: headers['dlq.consumer'] ?? '',
      },
      failure: {
        stage: headers['dlq.stage'] ?? '',
        errorClass: headers['dlq.error.class'] ?? '',
        code: headers['dlq.error.code'] ?? '',
        message: headers['dlq.error.message'] ?? '',
      },
      record: null,
      value: null,
      bytes: message.value?.length ?? 0,
      headers: own,
      status: action?.action ?? 'pending',
      ...(action ? { action } : {}),
      ...(headers['dlq.replayed-from'] ? { replayedFrom: headers['dlq.replayed-from'] } : {}),
    };
    if (message.value === null) {
      entry.record = own['passerelle.record'] ?? null;
      return entry;
    }
    try {
      const { record, value } = await this.#decode(message.value);
      entry.record = record;
      entry.value = maskPersonalData(value);
    } catch (error) {
      entry.decodeError = error instanceof Error ? error.message : String(error);
    }
    return entry;
  }

  /** Decoded with the schema it was written with (any record, even one this runnable has no contract for). */
  async #decode(bytes: Buffer): Promise<{ record: string | null; value: unknown }> {
    if (bytes.length < 5 || bytes.readUInt8(0) !== 0)
      throw new Error('not in the Confluent wire format (magic byte 0 + schema id)');
    const writer = await this.#bus.registry.writerType(bytes.readInt32BE(1));
    return { record: writer.name ?? null, value: writer.fromBuffer(bytes.subarray(5)) };
  }
}

/**
 * A decoded value with every field the logger censors (REDACTED_KEYS: DE identifier, names, contacts…) masked at
 * any depth; dates as ISO strings and bytes as their length, so the result is plain JSON.
 */
export function maskPersonalData(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(maskPersonalData);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([name, field]) => [
        name,
        MASKED_KEYS.has(name.toLowerCase()) && field !== null ? MASK : maskPersonalData(field),
      ]),
    );
  }
  return value;
}

/** A topic's end offsets as one comparable string. */
const endsOf = (offsets: ReadonlyArray<{ partition: number; high: string }>) =>
  [...offsets]
    .sort((a, b) => a.partition - b.partition)
    .map(({ partition, high }) => `${partition}:${high}`)
    .join(',');

const entryId = (message: RawMessage) => `${message.partition}:${message.offset}`;
const actionKey = (topic: string, message: RawMessage) => `${topic}/${message.partition}/${message.offset}`;

function headersOf(message: KafkaMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(message.headers ?? {})) headers[name] = header?.toString() ?? '';
  return headers;
}

/**
 * The dead-lettered event as it first was: same key, value bytes and own headers, to the same topic and partition,
 * plus where it was replayed from and for which group: the managed consumers of other groups reading that topic
 * skip it (their handlers already ran on the original).
 */
function replayMessageOf(deadLetterTopic: string, message: RawMessage): { topic: string; message: Message } {
  const headers = headersOf(message);
  const topic = headers['dlq.topic'];
  const partition = Number(headers['dlq.partition']);
  if (!topic || !Number.isInteger(partition))
    throw new NonRetriableError(
      'BUS_DEAD_LETTER_WITHOUT_ORIGIN',
      `${deadLetterTopic} ${message.partition}:${message.offset} has no dlq.topic/dlq.partition headers`,
    );
  const own = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('dlq.')));
  return {
    topic,
    message: {
      key: message.key,
      value: message.value,
      partition,
      headers: {
        ...own,
        'dlq.replayed-from': `${deadLetterTopic}/${message.partition}/${message.offset}`,
        [REPLAY_FOR_GROUP_HEADER]: headers['dlq.group'] ?? '',
      },
    },
  };
}

/**
 * Every committed message of a topic as it is on the broker (no decoding), from the beginning to the end offsets
 * seen at the start, in the order they were written. Read-committed, through a throwaway group deleted after.
 */
export async function readRawToEnd(bus: Bus, topic: string, { timeoutMs = 60_000 } = {}): Promise<RawMessage[]> {
  const messages: RawMessage[] = [];
  await readPartitionsRawToEnd(
    { kafka: bus.kafka, admin: await bus.admin() },
    topic,
    'all',
    (partition, message) => {
      messages.push({ ...message, partition });
    },
    {
      timeoutMs,
      groupPrefix: 'passerelle.admin-read',
      timeoutError: (ms) => new RetriableError('BUS_READ_TIMEOUT', `reading ${topic} took over ${ms} ms`),
    },
  );
  // In the order they were written (a dead-letter topic's partitions interleave in time).
  return messages.sort(
    (a, b) =>
      Number(a.timestamp) - Number(b.timestamp) ||
      a.partition - b.partition ||
      Number(BigInt(a.offset) - BigInt(b.offset)),
  );
}
