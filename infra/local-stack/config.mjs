// Where the local stack is: versions, ports and addresses (from @passerelle/stack-address), state and cache folders.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// By path, not by package name: the stack runs before `npm install` has ever succeeded.
import { stackAddress } from '../../packages/stack-address/index.mjs';

/** This folder: the Maven pom and the log4j2 configuration the components use. */
export const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');

/** The Docker stack with the same broker, registry and ports (for people who have Docker). */
export const dockerComposeFile = join(here, '..', 'docker-compose.yml');

const KAFKA_VERSION = /<kafka\.version>([^<]+)</.exec(readFileSync(join(here, 'kafka-dist.pom.xml'), 'utf8'))[1];
export const APICURIO_VERSION = '3.0.9';

/** Where everything is. The Docker stack (infra/docker-compose.yml) uses the same ports; a test checks it. */
export function stackConfig() {
  const stateDir = resolve(process.env.PASSERELLE_STACK_DIR ?? join(repoRoot, '.stack'));
  const cacheDir = resolve(process.env.PASSERELLE_CACHE_DIR ?? join(homedir(), '.cache', 'passerelle'));
  const { host, ports, kafkaBrokers, schemaRegistryUrl } = stackAddress();
  return {
    host,
    stateDir,
    cacheDir,
    kafka: { version: KAFKA_VERSION, port: ports.kafka, controllerPort: ports.kafkaController },
    registry: { version: APICURIO_VERSION, port: ports.registry, managementPort: ports.registryManagement },
    kafkaBrokers,
    schemaRegistryUrl,
  };
}
