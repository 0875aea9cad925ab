import type { Logger } from '@passerelle/service-kit';
import type { Admin } from 'kafkajs';
import { delay } from './backoff.js';
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
  if (missing.length > 0) await createWaitingForLeaders(admin, missing, replicationFactor, log);
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

/**
 * Creates topics and waits until they have leaders. Several runnables starting together create the same topics:
 * kafkajs then reports the others' half-created topics as unknown while it waits for their leaders (a retriable
 * error it does not retry). The broker settles within moments; asking again creates what is still missing.
 */
async function createWaitingForLeaders(
  admin: Admin,
  missing: readonly (TopicSpec | TopicContract)[],
  replicationFactor: number,
  log: Logger | undefined,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (let attempt = 0; ; attempt += 1) {
    const existing = new Set(await admin.listTopics());
    const toCreate = missing.filter((topic) => !existing.has(topic.name));
    try {
      if (toCreate.length > 0)
        await admin.createTopics({
          waitForLeaders: true,
          topics: toCreate.map((topic) => ({
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
      // Created elsewhere meanwhile, or by us: their metadata answers once every partition has a leader.
      await admin.fetchTopicMetadata({ topics: missing.map((topic) => topic.name) });
      return;
    } catch (error) {
      if ((error as { retriable?: boolean }).retriable !== true || Date.now() > deadline) throw error;
      log?.info({ attempt, reason: (error as Error).message }, 'topics not settled yet; asking again');
      await delay(Math.min(1000, 100 * 2 ** attempt));
    }
  }
}
