import type { Admin } from 'kafkajs';
import { delay } from './backoff.js';

/**
 * `admin.fetchTopicOffsets`, safe to call concurrently and right after a topic was created. kafkajs refreshes its
 * cluster metadata for the topics each call adds: two calls at once on one admin client can leave a topic without
 * partitions for a moment, and the call then throws a TypeError (`high.pop(...)` undefined) instead of retrying —
 * seen as a flake of parallel reads. A topic just created may also have no leader yet (a retriable Kafka error):
 * tried again for up to 30 s.
 */
export async function topicOffsets(admin: Admin, topic: string) {
  const deadline = Date.now() + 30_000;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      const transient = error instanceof TypeError || (error as { retriable?: boolean }).retriable === true;
      if (!transient || Date.now() > deadline) throw error;
      // Another process created the topic a moment ago (ours got "already exists" and did not wait for leaders):
      // refresh what this client knows of it, then ask again.
      await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
      await delay(Math.min(1000, 50 * 2 ** attempt));
    }
  }
}
