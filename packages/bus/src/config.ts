import { commaList, z } from '@passerelle/service-kit';

/** The environment every runnable using the bus reads (validated with the runnable's own keys). */
export const busConfigSchema = z.object({
  KAFKA_BROKERS: commaList(),
  SCHEMA_REGISTRY_URL: z.url(),
  KAFKA_CLIENT_ID: z.string().min(1).default('passerelle'),
});

export type BusConfig = z.infer<typeof busConfigSchema>;
