import { Bus } from '@passerelle/bus';
import { createLogger, Metrics } from '@passerelle/service-kit';
import { testStack, uniqueName } from '@passerelle/test-kit';
import { OfferImporter } from '../src/import/offer-importer.js';
import { offerContracts } from '../src/offer-contracts.js';

export const testLog = createLogger({ service: 'sofi-inbound-test', level: process.env.LOG_LEVEL ?? 'silent' });

/** A bus on a unique offer topic (created, schemas registered), and a way to read back what it holds. */
export async function offerTopic(buses: Bus[]) {
  const topic = uniqueName('offer.sessions');
  const stack = testStack();
  const bus = new Bus({
    config: {
      KAFKA_BROKERS: stack.kafkaBrokers,
      SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
      KAFKA_CLIENT_ID: uniqueName('sofi'),
    },
    contracts: offerContracts(topic),
    log: testLog,
    metrics: new Metrics({ defaultMetrics: false }),
  });
  buses.push(bus);
  await bus.ensureTopics();
  await bus.registerSchemas();
  const events = async () => {
    const seen: Array<{ key: string; record: string | null; value: Record<string, unknown> }> = [];
    await bus.readToEnd(topic, (event) =>
      seen.push({ key: event.key, record: event.record, value: event.value as Record<string, unknown> }),
    );
    return seen;
  };
  return { bus, topic, stack, events, importer: () => new OfferImporter({ bus, log: testLog, topic }) };
}

export const shortRecord = (record: string | null) => record?.slice(record.lastIndexOf('.') + 1);
