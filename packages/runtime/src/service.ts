import { Bus, busConfigSchema, type Contracts } from '@passerelle/bus';
import {
  ConfigError,
  createHttpServer,
  createLogger,
  type HttpServer,
  type Logger,
  type LoggerOptions,
  loadConfig,
  Metrics,
  stopOnSignals,
  z,
} from '@passerelle/service-kit';
import { registerOpsRoutes } from './ops-routes.js';

/** What every runnable reads from its environment, besides its own keys. */
export const serviceConfigSchema = busConfigSchema.extend({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /**
   * Register the catalogue's schemas at start. Off in production, where registration is a deploy step and
   * services only resolve ids; on for the local stack (`npm start`) and tests.
   */
  SCHEMAS_REGISTER_ON_START: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /**
   * Bearer token of the ops actions on consumers (`POST /status/consumers/{name}/pause|resume|restart`); without
   * it those actions answer 403, so steering a consumer is always a deliberate choice.
   */
  OPS_TOKEN: z.string().min(16).optional(),
});

export interface ServiceContext<Config> {
  config: Config;
  log: Logger;
  metrics: Metrics;
  bus: Bus;
  http: HttpServer;
}

export interface ServiceDefinition<Schema extends z.ZodObject> {
  /** Runnable name: logs' `service`, Kafka client id prefix. */
  name: string;
  /** The runnable's own keys; the common ones (Kafka, registry, log level, HTTP) are added. */
  configSchema: Schema;
  contracts: Contracts;
  /** Declares consumers and HTTP routes; runs before anything connects. */
  setup(context: ServiceContext<z.infer<Schema> & z.infer<typeof serviceConfigSchema>>): Promise<void> | void;
}

export interface RunningService {
  url: string;
  bus: Bus;
  http: HttpServer;
  log: Logger;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where the runnable's log lines go (stdout by default): a test reads them back to check what they hold. */
  logDestination?: LoggerOptions['destination'];
}

/**
 * The composition root every runnable shares: configuration validated first (all problems at once), one logger,
 * one metrics registry, the bus, and an HTTP server with /healthz, /readyz (broker reachable, consumers running),
 * /metrics, /status/consumers and the ops actions on consumers (registerOpsRoutes). Then the consumers start and
 * the server listens.
 */
export async function startService<Schema extends z.ZodObject>(
  definition: ServiceDefinition<Schema>,
  env: NodeJS.ProcessEnv = process.env,
  options: StartOptions = {},
): Promise<RunningService> {
  const config = loadConfig(serviceConfigSchema.extend(definition.configSchema.shape), env) as z.infer<Schema> &
    z.infer<typeof serviceConfigSchema>;
  const log = createLogger({ service: definition.name, level: config.LOG_LEVEL, destination: options.logDestination });
  const metrics = new Metrics();
  const bus = new Bus({
    config: { ...config, KAFKA_CLIENT_ID: env.KAFKA_CLIENT_ID ?? definition.name },
    contracts: definition.contracts,
    log,
    metrics,
  });
  const http = createHttpServer({ log, metrics, readiness: { bus: () => bus.readiness() } });
  registerOpsRoutes(http, { consumers: () => bus.consumers(), opsToken: config.OPS_TOKEN });
  await definition.setup({ config, log, metrics, bus, http });
  if (config.SCHEMAS_REGISTER_ON_START) await bus.registerSchemas();
  await bus.start();
  const url = await http.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
  log.info({ url, consumers: bus.statuses().map((status) => status.name) }, 'service started');
  return {
    url,
    bus,
    http,
    log,
    stop: async () => {
      await http.close();
      await bus.stop();
    },
  };
}

/** `main.ts` of a runnable: start, stop gracefully on SIGTERM/SIGINT, exit 1 with every problem on bad config. */
export async function runService<Schema extends z.ZodObject>(
  definition: ServiceDefinition<Schema>,
): Promise<RunningService> {
  try {
    const service = await startService(definition);
    stopOnSignals(service.log, service.stop);
    return service;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${definition.name}: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
