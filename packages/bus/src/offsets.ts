import type { Admin } from 'kafkajs';
import { delay } from './backoff.js';

/**
 * `admin.fetchTopicOffsets`, safe to call concurrently and right after a topic was created. kafkajs refreshes its
 * cluster metadata for the topics each call adds: two calls at once on one admin client can leave a topic without
 * partitions for a moment, and the call then throws a TypeError (`high.pop(...)` undefined) instead of retrying —
 * seen as a flake of parallel reads. A topic just created may also have no leader yet (a retriable Kafka error).
 */
export async function topicOffsets(admin: Admin, topic: string) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      const transient = error instanceof TypeError || (error as { retriable?: boolean }).retriable === true;
      if (!transient || attempt >= 8) throw error;
      await delay(50 * (attempt + 1));
    }
  }
}
