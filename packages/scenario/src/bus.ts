import { Bus } from '@passerelle/bus';
import { contracts } from '@passerelle/schemas';
import { createLogger, Metrics } from '@passerelle/service-kit';

/**
 * A bus on a stack's broker and registry with the catalogue's contracts, for what the scenario, its tests and the
 * benchmark read and write themselves (upstream systems, counts, fault injection): logs under `clientId`, no
 * process metrics.
 */
export function scenarioBus(
  kafka: { brokers: string; schemaRegistryUrl: string },
  clientId: string,
  level: 'warn' | 'silent' = 'warn',
): Bus {
  return new Bus({
    config: {
      KAFKA_BROKERS: kafka.brokers.split(','),
      SCHEMA_REGISTRY_URL: kafka.schemaRegistryUrl,
      KAFKA_CLIENT_ID: clientId,
    },
    contracts,
    log: createLogger({ service: clientId, level }),
    metrics: new Metrics({ defaultMetrics: false }),
  });
}
