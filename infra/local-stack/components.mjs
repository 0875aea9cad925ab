// The two components, Kafka (KRaft, single node) and Apicurio Registry: configured, started detached, waited for.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaAnswers, registryAnswers, StackError } from '../../packages/stack-address/index.mjs';
import { ensureApicurio, ensureKafka, runnerJar } from './artifacts.mjs';
import { here } from './config.mjs';
import { logFile, ownPid, portIsOpen, startDetached, waitUntil } from './processes.mjs';

function writeKafkaConfig(config) {
  const dir = join(config.stateDir, 'kafka');
  mkdirSync(join(dir, 'data'), { recursive: true });
  const { port: p, controllerPort: c } = config.kafka;
  const properties = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.bootstrap.servers': `127.0.0.1:${c}`,
    listeners: `PLAINTEXT://127.0.0.1:${p},CONTROLLER://127.0.0.1:${c}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${p}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': join(dir, 'data'),
    'num.partitions': 3,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 10,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': false,
  };
  const file = join(dir, 'server.properties');
  writeFileSync(
    file,
    `# Written by infra/local-stack/stack.mjs on every start; edit the script, not this file.\n${Object.entries(
      properties,
    )
      .map(([key, value]) => `${key}=${value}`)
      .join('\n')}\n`,
  );
  return { file, dataDir: join(dir, 'data') };
}

/** This stack's `component` when it is running: waited for until it answers (it may still be starting). */
async function alreadyRunning(config, component, what, timeoutMs, answers) {
  const existing = ownPid(config, component);
  if (existing === undefined) return undefined;
  await waitUntil(what, timeoutMs, answers, { pid: existing, log: logFile(config, component) });
  return { pid: existing, started: false };
}

/** A port taken by anything this stack did not start (another stack, another Kafka) stops the start, naming it. */
async function refuseTakenPorts(config, ports, variables) {
  for (const p of ports) {
    if (await portIsOpen(p)) {
      throw new StackError(
        `Port ${p} is already taken by a process this stack did not start (state folder ${config.stateDir}).\n` +
          `  Stop it, or choose other ports with ${variables}.`,
      );
    }
  }
}

export async function startKafka(config, log) {
  const running = await alreadyRunning(config, 'kafka', 'Kafka', 60_000, () => kafkaAnswers(config.kafka.port));
  if (running) return running;
  await refuseTakenPorts(
    config,
    [config.kafka.port, config.kafka.controllerPort],
    'PASSERELLE_KAFKA_PORT / PASSERELLE_KAFKA_CONTROLLER_PORT',
  );
  const home = ensureKafka(config, log);
  const classpath = `${join(home, 'libs')}/*`;
  const { file, dataDir } = writeKafkaConfig(config);
  if (!existsSync(join(dataDir, 'meta.properties'))) {
    // base64url of 16 random bytes, as Kafka's own ids, but never starting with '-': the storage tool would take it
    // for an option (Kafka's Uuid.randomUuid avoids those too).
    let clusterId;
    do clusterId = randomBytes(16).toString('base64url');
    while (clusterId.startsWith('-'));
    const format = spawnSync(
      'java',
      [
        '-cp',
        classpath,
        `-Dlog4j2.configurationFile=${join(here, 'log4j2.properties')}`,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        file,
        '--standalone',
      ],
      { encoding: 'utf8' },
    );
    if (format.status !== 0)
      throw new StackError(`Formatting the KRaft storage failed:\n${format.stdout}${format.stderr}`);
  }
  const pid = startDetached(config, 'kafka', [
    '-Xms256m',
    '-Xmx512m',
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(here, 'log4j2.properties')}`,
    '-cp',
    classpath,
    'kafka.Kafka',
    file,
  ]);
  log(`started Kafka ${config.kafka.version} (pid ${pid}), waiting for it to answer`);
  await waitUntil('Kafka', 90_000, () => kafkaAnswers(config.kafka.port), { pid, log: logFile(config, 'kafka') });
  return { pid, started: true };
}

export async function startRegistry(config, log) {
  const running = await alreadyRunning(config, 'registry', 'Apicurio Registry', 120_000, () =>
    registryAnswers(config.schemaRegistryUrl),
  );
  if (running) return running;
  await refuseTakenPorts(
    config,
    [config.registry.port, config.registry.managementPort],
    'PASSERELLE_REGISTRY_PORT / PASSERELLE_REGISTRY_MANAGEMENT_PORT',
  );
  const home = ensureApicurio(config, log);
  const dataDir = join(config.stateDir, 'registry');
  mkdirSync(dataDir, { recursive: true });
  const pid = startDetached(config, 'registry', [
    '-Xms128m',
    '-Xmx384m',
    '-Djava.awt.headless=true',
    '-Dquarkus.http.host=127.0.0.1',
    `-Dquarkus.http.port=${config.registry.port}`,
    '-Dquarkus.management.host=127.0.0.1',
    `-Dquarkus.management.port=${config.registry.managementPort}`,
    // Schemas survive a registry restart, like the topics they describe survive a broker restart.
    `-Dapicurio.datasource.url=jdbc:h2:file:${join(dataDir, 'registry')};DB_CLOSE_ON_EXIT=FALSE`,
    // Compatibility is only enforced when a rule exists: make BACKWARD the global rule, as in production.
    '-Dapicurio.rules.global.compatibility=BACKWARD',
    '-Dquarkus.log.console.json=false',
    '-jar',
    join(home, runnerJar(config.registry.version)),
  ]);
  log(`started Apicurio Registry ${config.registry.version} (pid ${pid}), waiting for it to answer`);
  await waitUntil('Apicurio Registry', 120_000, () => registryAnswers(config.schemaRegistryUrl), {
    pid,
    log: logFile(config, 'registry'),
  });
  return { pid, started: true };
}
