#!/usr/bin/env node
// The no-Docker local stack: an Apache Kafka 4.x broker (KRaft, single node) and Apicurio Registry 3.x
// (Confluent-compatible API), both fetched once from Maven Central with `mvn` and run on loopback.
//
//   node infra/local-stack/stack.mjs up | down [--purge] | status [--json] | env
//
// Environment: PASSERELLE_STACK_DIR, PASSERELLE_CACHE_DIR, PASSERELLE_MAVEN_ARGS, PASSERELLE_KAFKA_PORT (9092),
// PASSERELLE_KAFKA_CONTROLLER_PORT (9093), PASSERELLE_REGISTRY_PORT (8081), PASSERELLE_REGISTRY_MANAGEMENT_PORT (9081).
//
// Plain dependency-free ESM on purpose: it must run before `npm install` has ever succeeded, and from CI scripts.
// Downloads are cached under PASSERELLE_CACHE_DIR (default ~/.cache/passerelle); logs, data and pid files live
// in one state folder, PASSERELLE_STACK_DIR (default <repo>/.stack), that `down --purge` removes.

import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaAnswers, registryAnswers, StackError } from '../../packages/stack-address/index.mjs';
import { requireJava } from './artifacts.mjs';
import { startKafka, startRegistry } from './components.mjs';
import { stackConfig } from './config.mjs';
import { ownPid, pidFile, rssMiB, stopPid, withLock } from './processes.mjs';

export { DEFAULT_PORTS, kafkaAnswers, registryAnswers, StackError } from '../../packages/stack-address/index.mjs';
export { APICURIO_VERSION, dockerComposeFile, stackConfig } from './config.mjs';

/** Starts whatever part of the stack is not running (restarting crashed parts) and waits until both answer. */
export async function up({ log = (line) => console.error(`[stack] ${line}`) } = {}) {
  const config = stackConfig();
  requireJava();
  return withLock(config, async () => {
    for (const component of ['kafka', 'registry']) {
      if (existsSync(pidFile(config, component)) && ownPid(config, component) === undefined) {
        log(`${component} is not running any more (crashed or killed): restarting it`);
      }
    }
    const [kafka, registry] = await Promise.all([startKafka(config, log), startRegistry(config, log)]);
    return { config, kafka, registry };
  });
}

/** Stops exactly the processes this stack started; `purge` also removes the state folder (logs, data). */
export async function down({ purge = false, log = (line) => console.error(`[stack] ${line}`) } = {}) {
  const config = stackConfig();
  if (!existsSync(config.stateDir)) return { config, stopped: [] };
  const stopped = await withLock(config, async () => {
    const names = [];
    // Registry first: nothing depends on it, and Kafka clients it may hold close cleanly.
    for (const component of ['registry', 'kafka']) {
      const pid = ownPid(config, component);
      if (pid === undefined) continue;
      await stopPid(pid, component, log);
      rmSync(pidFile(config, component), { force: true });
      names.push(`${component} (pid ${pid})`);
    }
    return names;
  });
  if (purge) rmSync(config.stateDir, { recursive: true, force: true });
  return { config, stopped };
}

export async function status() {
  const config = stackConfig();
  const describe = async (component, answers) => {
    const pid = existsSync(config.stateDir) ? ownPid(config, component) : undefined;
    return {
      running: pid !== undefined,
      pid,
      answers: pid !== undefined && (await answers()),
      rssMiB: pid && rssMiB(pid),
    };
  };
  return {
    stateDir: config.stateDir,
    cacheDir: config.cacheDir,
    kafka: {
      version: config.kafka.version,
      brokers: config.kafkaBrokers,
      ...(await describe('kafka', () => kafkaAnswers(config.kafka.port))),
    },
    registry: {
      version: config.registry.version,
      url: config.schemaRegistryUrl,
      ...(await describe('registry', () => registryAnswers(config.schemaRegistryUrl))),
    },
    cachedDownloads: existsSync(config.cacheDir)
      ? readdirSync(config.cacheDir).filter((name) => !name.includes('.tmp-'))
      : [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CLI

async function main(argv) {
  const [command, ...flags] = argv;
  const config = stackConfig();
  switch (command) {
    case 'up': {
      const started = Date.now();
      const { kafka, registry } = await up();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const verb = (part) => (part.started ? 'started' : 'already running');
      console.log(
        [
          `Local stack up in ${seconds}s (state folder ${config.stateDir})`,
          `  Kafka ${config.kafka.version} broker   ${config.kafkaBrokers}   pid ${kafka.pid}, ${verb(kafka)}`,
          `  Apicurio Registry ${config.registry.version}   ${config.schemaRegistryUrl}   pid ${registry.pid}, ${verb(registry)}`,
          `  Logs: ${join(config.stateDir, 'logs')}`,
          `  export KAFKA_BROKERS=${config.kafkaBrokers} SCHEMA_REGISTRY_URL=${config.schemaRegistryUrl}`,
        ].join('\n'),
      );
      return 0;
    }
    case 'down': {
      const purge = flags.includes('--purge');
      const { stopped } = await down({ purge });
      console.log(stopped.length ? `Stopped ${stopped.join(', ')}` : 'Nothing of the local stack was running');
      if (purge) console.log(`Removed ${config.stateDir}`);
      return 0;
    }
    case 'status': {
      const state = await status();
      if (flags.includes('--json')) console.log(JSON.stringify(state, null, 2));
      else {
        for (const name of ['kafka', 'registry']) {
          const part = state[name];
          const where = name === 'kafka' ? part.brokers : part.url;
          console.log(
            `${name.padEnd(8)} ${part.running ? `running (pid ${part.pid}, ${part.rssMiB} MiB RSS)` : 'stopped'}${part.running && !part.answers ? ', NOT answering' : ''}  ${where}`,
          );
        }
      }
      return state.kafka.answers && state.registry.answers ? 0 : 3;
    }
    case 'env':
      console.log(`KAFKA_BROKERS=${config.kafkaBrokers}\nSCHEMA_REGISTRY_URL=${config.schemaRegistryUrl}`);
      return 0;
    default:
      console.error('usage: stack.mjs up | down [--purge] | status [--json] | env');
      return 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof StackError ? `stack: ${error.message}` : error);
      process.exit(1);
    },
  );
}
