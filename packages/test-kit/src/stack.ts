import { basename, dirname } from 'node:path';
import * as localStack from '@passerelle/infra/local-stack';

/** The real broker and registry a test run talks to, and where they came from. */
export interface TestStack {
  kind: 'environment' | 'docker' | 'local-stack';
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  /** One line for the run's output: which stack, where. */
  description: string;
}

export interface ResolvedStack extends TestStack {
  /** Stops what this resolution started, and nothing else. */
  release(): Promise<void>;
}

export class NoStackError extends Error {
  override name = 'NoStackError';
}

/**
 * Finds a broker and a registry, in this order: `KAFKA_BROKERS` + `SCHEMA_REGISTRY_URL` if both are set; else
 * Docker through testcontainers (infra/docker-compose.yml) if a Docker engine answers; else the no-Docker local
 * stack, started if it is not running. When none can be had it throws one NoStackError saying why for each.
 */
export async function resolveStack(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedStack> {
  const fromEnv = stackFromEnvironment(env);
  if (fromEnv) return fromEnv;

  const reasons: string[] = [];
  const docker = await dockerStack().catch((error: unknown) => {
    reasons.push(`Docker: ${messageOf(error)}`);
    return undefined;
  });
  if (docker) return docker;

  try {
    return await localStackStack();
  } catch (error) {
    reasons.push(`local stack: ${messageOf(error)}`);
  }
  throw new NoStackError(
    [
      'No Kafka broker and schema registry could be had for the tests, and they never run without one.',
      '  Either set KAFKA_BROKERS and SCHEMA_REGISTRY_URL, run Docker, or install Java 17+ and Maven for the local stack.',
      ...reasons.map((reason) => `  - ${reason.replaceAll('\n', '\n    ')}`),
    ].join('\n'),
  );
}

function stackFromEnvironment(env: NodeJS.ProcessEnv): ResolvedStack | undefined {
  const brokers = env.KAFKA_BROKERS?.trim();
  const registry = env.SCHEMA_REGISTRY_URL?.trim();
  if (!brokers && !registry) return undefined;
  if (!brokers || !registry) {
    throw new NoStackError(
      'Set both KAFKA_BROKERS and SCHEMA_REGISTRY_URL, or neither (then Docker or the local stack is used).',
    );
  }
  return {
    kind: 'environment',
    kafkaBrokers: brokers.split(',').map((broker) => broker.trim()),
    schemaRegistryUrl: registry.replace(/\/+$/, ''),
    description: `the stack named by KAFKA_BROKERS=${brokers} and SCHEMA_REGISTRY_URL=${registry}`,
    release: async () => {},
  };
}

/** The Docker path: the same compose file people use, brought up and down by testcontainers. */
async function dockerStack(): Promise<ResolvedStack | undefined> {
  const { getContainerRuntimeClient, DockerComposeEnvironment, Wait } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch (error) {
    throw new Error(`no Docker engine answers (${messageOf(error).split('\n')[0]})`);
  }
  const composeFile = localStack.dockerComposeFile;
  const environment = await new DockerComposeEnvironment(dirname(composeFile), basename(composeFile))
    .withWaitStrategy('kafka-1', Wait.forHealthCheck())
    .withWaitStrategy('registry-1', Wait.forHealthCheck())
    .up();
  const config = localStack.stackConfig();
  return {
    kind: 'docker',
    kafkaBrokers: [config.kafkaBrokers],
    schemaRegistryUrl: config.schemaRegistryUrl,
    description: `Docker (${composeFile}): Kafka ${config.kafkaBrokers}, registry ${config.schemaRegistryUrl}`,
    release: async () => {
      await environment.down({ removeVolumes: true });
    },
  };
}

async function localStackStack(): Promise<ResolvedStack> {
  const { config, kafka, registry } = await localStack.up({ log: (line) => console.error(`[local stack] ${line}`) });
  // Stop at the end only what this run brought up from nothing; a stack that was (partly) running stays up.
  const startedHere = kafka.started && registry.started;
  return {
    kind: 'local-stack',
    kafkaBrokers: [config.kafkaBrokers],
    schemaRegistryUrl: config.schemaRegistryUrl,
    description:
      `the no-Docker local stack (${startedHere ? 'started for this run' : 'already running'}): ` +
      `Kafka ${config.kafka.version} at ${config.kafkaBrokers}, Apicurio Registry ${config.registry.version} at ${config.schemaRegistryUrl}`,
    // Leave a stack someone else started as we found it.
    release: async () => {
      if (startedHere) await localStack.down();
    },
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
