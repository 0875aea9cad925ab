import { RetriableError } from '@passerelle/service-kit';
import kafkajs, { type Admin } from 'kafkajs';
import { topicOffsets } from './offsets.js';

/** The actions ops can take on a consumer, as Kafka Connect names them. */
export const CONSUMER_ACTIONS = ['pause', 'resume', 'restart'] as const;
export type ConsumerAction = (typeof CONSUMER_ACTIONS)[number];

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Next offset the group will read; null when it never committed on this partition. */
  committed: string | null;
  /** The partition's end (high watermark). */
  end: string;
  /**
   * Offsets between the two. On topics written in transactions, each commit leaves a marker that takes an offset,
   * so an idle group that read everything may show 1 there: Kafka's own tools count it the same way.
   */
  lag: number;
}

/**
 * Lag of a consumer group on each partition of the topics it committed on (or of `topics`, for a group that has
 * not committed yet): committed offsets against end offsets, both read from the broker.
 */
export async function consumerGroupLag(admin: Admin, groupId: string, topics?: readonly string[]) {
  const committed = await admin.fetchOffsets({ groupId, ...(topics ? { topics: [...topics] } : {}) });
  const partitions: PartitionLag[] = [];
  for (const { topic, partitions: committedPartitions } of committed) {
    const ends = await topicOffsets(admin, topic);
    for (const { partition, high, low } of ends) {
      const offset = committedPartitions.find((candidate) => candidate.partition === partition)?.offset;
      const known = offset !== undefined && offset !== '-1';
      // A group with no committed offset starts from the beginning (the bus's default): all that is there is lag.
      const from = known ? BigInt(offset) : BigInt(low);
      const lag = BigInt(high) > from ? Number(BigInt(high) - from) : 0;
      partitions.push({ topic, partition, committed: known ? offset : null, end: high, lag });
    }
  }
  partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return { groupId, lag: partitions.reduce((sum, partition) => sum + partition.lag, 0), partitions };
}

export interface TopicDescription {
  name: string;
  partitions: number;
  cleanupPolicy: string | undefined;
  retentionMs: number | undefined;
  /** Events on the topic (end − start offsets, transaction markers included). */
  offsets: number;
}

/** Every topic of the cluster but Kafka's internal ones, with partitions, cleanup policy and retention. */
export async function describeTopics(admin: Admin): Promise<TopicDescription[]> {
  const names = (await admin.listTopics()).filter((name) => !name.startsWith('__') && !name.startsWith('_')).sort();
  if (names.length === 0) return [];
  const metadata = await admin.fetchTopicMetadata({ topics: names });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({
      type: kafkajs.ConfigResourceTypes.TOPIC,
      name,
      configNames: ['cleanup.policy', 'retention.ms'],
    })),
  });
  const described: TopicDescription[] = [];
  for (const name of names) {
    const config = configs.resources.find((resource) => resource.resourceName === name)?.configEntries ?? [];
    const value = (key: string) => config.find((entry) => entry.configName === key)?.configValue;
    const offsets = await topicOffsets(admin, name);
    described.push({
      name,
      partitions: metadata.topics.find((topic) => topic.name === name)?.partitions.length ?? 0,
      cleanupPolicy: value('cleanup.policy'),
      retentionMs: value('retention.ms') === undefined ? undefined : Number(value('retention.ms')),
      offsets: offsets.reduce((sum, offset) => sum + Number(BigInt(offset.high) - BigInt(offset.low)), 0),
    });
  }
  return described;
}

export interface RegisteredSubject {
  subject: string;
  versions: number[];
  latest: { version: number; id: number; record: string | undefined };
}

/** Schema registry reads over its REST API (the Confluent client offers registration and lookups only). */
export class RegistryCatalogue {
  readonly #base: string;

  constructor(registryUrl: string) {
    this.#base = registryUrl.replace(/\/+$/, '');
  }

  /**
   * The subjects the registry lists. Some registries cap this list (Apicurio's Confluent API: 1 000 names), so
   * look a known subject up with `subject()` rather than searching it here.
   */
  subjects(): Promise<string[]> {
    return this.#get<string[]>('/subjects').then((subjects) => (subjects ?? []).sort());
  }

  /** A subject's versions and its latest schema's id and record name; undefined when it is not registered. */
  async subject(subject: string): Promise<RegisteredSubject | undefined> {
    const path = `/subjects/${encodeURIComponent(subject)}/versions`;
    const versions = await this.#get<number[]>(path);
    const latest = versions && (await this.#get<{ version: number; id: number; schema: string }>(`${path}/latest`));
    if (!versions || !latest) return undefined;
    const record = JSON.parse(latest.schema) as { name?: string; namespace?: string };
    return {
      subject,
      versions,
      latest: {
        version: latest.version,
        id: latest.id,
        record: record.name && (record.namespace ? `${record.namespace}.${record.name}` : record.name),
      },
    };
  }

  async #get<T>(path: string): Promise<T | undefined> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, { signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new RetriableError('BUS_REGISTRY_UNAVAILABLE', `schema registry unreachable at ${this.#base}`, {
        cause: error,
      });
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new RetriableError('BUS_REGISTRY_UNAVAILABLE', `registry answered ${response.status}`);
    return (await response.json()) as T;
  }
}
