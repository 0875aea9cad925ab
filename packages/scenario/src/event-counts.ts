import { scenarioBus } from './bus.js';

/** Topics whose events the scenario counts: keyed by session key, or carrying it in the value. */
const COUNTED_TOPICS = [
  'offer.sessions.v1',
  'positioning.requests.v1',
  'kairos.session-events.v1',
  'journey.status.v1',
];

const shortName = (record: string | null) => (record ? (record.split('.').at(-1) as string) : 'tombstone');

/**
 * Counts, per record type, the committed events of the run's sessions on the journey's topics: what the demo's
 * summary reports as `eventsByType`. Reads Kafka (read-committed) through the bus; never writes.
 */
export async function countEvents(
  kafka: { brokers: string; schemaRegistryUrl: string },
  sessionKeys: ReadonlySet<string>,
): Promise<Record<string, number>> {
  const bus = scenarioBus(kafka, 'passerelle-scenario');
  const counts: Record<string, number> = {};
  try {
    for (const topic of COUNTED_TOPICS) {
      await bus.readToEnd(topic, (event) => {
        const sessionKey = (event.value as { sessionKey?: string } | null)?.sessionKey ?? event.key;
        if (!sessionKeys.has(sessionKey)) return;
        const name = shortName(event.record);
        counts[name] = (counts[name] ?? 0) + 1;
      });
    }
  } finally {
    await bus.stop();
  }
  return counts;
}
