import type { Logger } from '@passerelle/service-kit';
import type { Admin } from 'kafkajs';
import type { TopicContract } from './contracts.js';

export interface TopicSpec {
  name: string;
  partitions: number;
  cleanupPolicy: 'compact' | 'delete';
  retentionMs: number;
}

/**
 * Creates the topics that do not exist yet, with their partitions, cleanup policy and retention. Existing topics
 * are left as they are; a partition count that differs from the catalogue is reported, never changed silently
 * (adding partitions moves keys to other partitions and breaks per-session order).
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly (TopicSpec | TopicContract)[],
  { replicationFactor = 1, log }: { replicationFactor?: number; log?: Logger } = {},
): Promise<{ created: string[]; mismatched: string[] }> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic: topic.name,
        numPartitions: topic.partitions,
        replicationFactor,
        configEntries: [
          { name: 'cleanup.policy', value: topic.cleanupPolicy },
          { name: 'retention.ms', value: String(topic.retentionMs) },
          ...(topic.cleanupPolicy === 'compact' ? [{ name: 'min.compaction.lag.ms', value: '60000' }] : []),
        ],
      })),
    });
  }
  const mismatched: string[] = [];
  const present = topics.filter((topic) => existing.has(topic.name));
  if (present.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: present.map((topic) => topic.name) });
    for (const topic of present) {
      const actual = metadata.topics.find((found) => found.name === topic.name)?.partitions.length;
      if (actual !== topic.partitions) {
        mismatched.push(topic.name);
        log?.warn(
          { topic: topic.name, expected: topic.partitions, actual },
          'topic partition count differs from the catalogue',
        );
      }
    }
  }
  return { created: missing.map((topic) => topic.name), mismatched };
}
