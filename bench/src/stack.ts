import { stackConfig, status } from '@passerelle/infra/local-stack';

/** The broker and registry to measure against: the environment's, else the running local stack. */
export async function benchStack(): Promise<{ brokers: string[]; registryUrl: string }> {
  if (process.env.KAFKA_BROKERS && process.env.SCHEMA_REGISTRY_URL) {
    return { brokers: process.env.KAFKA_BROKERS.split(','), registryUrl: process.env.SCHEMA_REGISTRY_URL };
  }
  const state = await status();
  if (!state.kafka.answers || !state.registry.answers) {
    throw new Error('No broker and registry: run `npm run stack:up` (or set KAFKA_BROKERS and SCHEMA_REGISTRY_URL).');
  }
  const config = stackConfig();
  return { brokers: [config.kafkaBrokers], registryUrl: config.schemaRegistryUrl };
}

export const rssMiB = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
export const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
