/**
 * `npm run --silent sofi:import -- <file>`: imports a LHEO export, publishing what changed on the offer topic, and
 * prints one JSON report on stdout: sofi:check's summary fields (valid, lheoVersion, formations, actions, errors,
 * warnings with line and path, counts) with `sessions` as a count, plus the import's `committed`, `importId` and
 * diff counts (`published`, `updated`, `withdrawn`, `unchanged`). Exit 0 when committed, 1 when the file is
 * rejected (nothing published), 2 on a usage error or when no broker answers, with the message on stderr.
 *
 * The broker and registry are `KAFKA_BROKERS` + `SCHEMA_REGISTRY_URL`, or else the local stack (`npm run
 * stack:up`). `SOFI_OFFER_TOPIC` overrides the offer topic, `KAFKA_CLIENT_ID` the client (and transactional) id:
 * by default the connector's own, so a CLI import and a running connector never write the offer at once.
 * `SOFI_MAX_SESSIONS` sets the limit on sessions per export (default 1 000 000).
 * Logs (warn and above) go to stderr; progress too, on a terminal only.
 */
import { Bus } from '@passerelle/bus';
import { createLogger, Metrics } from '@passerelle/service-kit';
import { kafkaAnswers, registryAnswers, stackAddress } from '@passerelle/stack-address';
import { OFFER_TOPIC, OfferImporter } from '../import/offer-importer.js';
import { offerContracts } from '../offer-contracts.js';
import { fileArgument, limitsFrom, progressReporter } from './cli-support.js';

const USAGE = 'usage: npm run --silent sofi:import -- <lheo-file.xml>';

class UsageError extends Error {}

async function brokers(env: NodeJS.ProcessEnv): Promise<{ kafkaBrokers: string[]; schemaRegistryUrl: string }> {
  const kafka = env.KAFKA_BROKERS?.trim();
  const registry = env.SCHEMA_REGISTRY_URL?.trim();
  if (kafka && registry) {
    return { kafkaBrokers: kafka.split(',').map((broker) => broker.trim()), schemaRegistryUrl: registry };
  }
  if (kafka || registry) throw new UsageError('set both KAFKA_BROKERS and SCHEMA_REGISTRY_URL, or neither');
  const local = stackAddress(env);
  const [kafkaUp, registryUp] = await Promise.all([
    kafkaAnswers(local.ports.kafka),
    registryAnswers(local.schemaRegistryUrl),
  ]);
  if (!kafkaUp || !registryUp) {
    const down = [
      ...(kafkaUp ? [] : [`Kafka at ${local.kafkaBrokers}`]),
      ...(registryUp ? [] : [`the schema registry at ${local.schemaRegistryUrl}`]),
    ];
    throw new UsageError(
      `no broker: KAFKA_BROKERS and SCHEMA_REGISTRY_URL are unset and the local stack does not answer ` +
        `(${down.join(', ')}). Start it with \`npm run stack:up\`, or set both variables.`,
    );
  }
  return { kafkaBrokers: [local.kafkaBrokers], schemaRegistryUrl: local.schemaRegistryUrl };
}

async function main(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const argument = await fileArgument('sofi:import', USAGE, args, env.INIT_CWD ?? process.cwd());
  if (!argument) return 2;
  const { file, size } = argument;
  const limits = limitsFrom(env);

  const stack = await brokers(env);
  const topic = env.SOFI_OFFER_TOPIC?.trim() || OFFER_TOPIC;
  const log = createLogger({ service: 'sofi-import', level: 'warn', destination: process.stderr });
  // kafkajs's one-off notice about its default partitioner is no warning for a CLI user (stderr stays quiet).
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const bus = new Bus({
    config: {
      KAFKA_BROKERS: stack.kafkaBrokers,
      SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
      KAFKA_CLIENT_ID: env.KAFKA_CLIENT_ID?.trim() || 'connector-sofi',
    },
    contracts: offerContracts(topic),
    log,
    metrics: new Metrics({ defaultMetrics: false }),
  });
  try {
    await bus.ensureTopics();
    await bus.registerSchemas();
    const progress = progressReporter(size);
    const report = await new OfferImporter({ bus, log, topic, limits }).import(file, {
      sourceName: file,
      onProgress: progress.update,
    });
    progress.done();
    const output = {
      file,
      valid: report.valid,
      committed: report.committed,
      importId: report.importId,
      lheoVersion: report.lheoVersion,
      encoding: report.encoding,
      exportedAt: report.exportedAt,
      formations: report.formations,
      actions: report.actions,
      sessions: report.sessions,
      published: report.published,
      updated: report.updated,
      withdrawn: report.withdrawn,
      unchanged: report.unchanged,
      errors: report.errors,
      warnings: report.warnings,
      errorCount: report.errorCount,
      warningCount: report.warningCount,
      bytesRead: report.bytesRead,
      durationMs: report.durationMs,
    };
    process.stdout.write(`${JSON.stringify(output)}\n`);
    return report.committed ? 0 : 1;
  } finally {
    await bus.stop();
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`sofi:import: ${error.message}\n`);
    else process.stderr.write(`sofi:import: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
