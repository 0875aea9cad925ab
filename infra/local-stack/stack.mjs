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

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');

/** The Docker stack with the same broker, registry and ports (for people who have Docker). */
export const dockerComposeFile = join(here, '..', 'docker-compose.yml');

const KAFKA_VERSION = /<kafka\.version>([^<]+)</.exec(readFileSync(join(here, 'kafka-dist.pom.xml'), 'utf8'))[1];
export const APICURIO_VERSION = '3.0.9';

/** The ports when no PASSERELLE_*_PORT overrides them; the Docker stack publishes the same ones. */
export const DEFAULT_PORTS = Object.freeze({
  kafka: 9092,
  kafkaController: 9093,
  registry: 8081,
  registryManagement: 9081,
});

const port = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new StackError(`${name}=${raw} is not a TCP port`);
  return value;
};

/** Where everything is. The Docker stack (infra/docker-compose.yml) uses the same ports; a test checks it. */
export function stackConfig() {
  const stateDir = resolve(process.env.PASSERELLE_STACK_DIR ?? join(repoRoot, '.stack'));
  const cacheDir = resolve(process.env.PASSERELLE_CACHE_DIR ?? join(homedir(), '.cache', 'passerelle'));
  const kafkaPort = port('PASSERELLE_KAFKA_PORT', DEFAULT_PORTS.kafka);
  const controllerPort = port('PASSERELLE_KAFKA_CONTROLLER_PORT', DEFAULT_PORTS.kafkaController);
  const registryPort = port('PASSERELLE_REGISTRY_PORT', DEFAULT_PORTS.registry);
  const registryManagementPort = port('PASSERELLE_REGISTRY_MANAGEMENT_PORT', DEFAULT_PORTS.registryManagement);
  return {
    host: '127.0.0.1',
    stateDir,
    cacheDir,
    kafka: { version: KAFKA_VERSION, port: kafkaPort, controllerPort },
    registry: { version: APICURIO_VERSION, port: registryPort, managementPort: registryManagementPort },
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    schemaRegistryUrl: `http://127.0.0.1:${registryPort}/apis/ccompat/v7`,
  };
}

export class StackError extends Error {
  name = 'StackError';
}

// ---------------------------------------------------------------------------------------------------------------
// Prerequisites and downloads

function requireJava() {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new StackError(
      'Java 17 or newer is required to run the local stack, and `java` was not found on PATH.\n' +
        '  Debian/Ubuntu: apt-get install openjdk-17-jre-headless — or use the Docker stack (infra/docker-compose.yml).',
    );
  }
  const major = Number(/version "(\d+)/.exec(result.stderr)?.[1] ?? 0);
  if (major < 17)
    throw new StackError(`Java 17 or newer is required; \`java -version\` says: ${result.stderr.split('\n')[0]}`);
}

function requireMaven() {
  const result = spawnSync('mvn', ['--version'], { encoding: 'utf8' });
  if (result.error) {
    throw new StackError(
      'Maven is required once, to fetch Kafka and Apicurio Registry from Maven Central, and `mvn` was not found on PATH.\n' +
        '  Debian/Ubuntu: apt-get install maven — or use the Docker stack (infra/docker-compose.yml).',
    );
  }
}

function runMaven(args, logFile, what) {
  requireMaven();
  const out = openSync(logFile, 'w');
  // PASSERELLE_MAVEN_ARGS: extra mvn arguments, e.g. `-s corporate-settings.xml` behind a Maven mirror.
  const extra = (process.env.PASSERELLE_MAVEN_ARGS ?? '').split(/\s+/).filter(Boolean);
  const result = spawnSync('mvn', ['-B', '-ntp', ...extra, ...args], { stdio: ['ignore', out, out] });
  closeSync(out);
  if (result.status !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).slice(-15).join('\n  ');
    throw new StackError(
      `Could not fetch ${what} from Maven Central (mvn exited ${result.status ?? result.signal}). Full log: ${logFile}\n  ${tail}`,
    );
  }
}

/** Fills `dir` once through a temporary sibling, so an interrupted download never looks complete. */
function ensureCached(dir, what, fill, log) {
  if (existsSync(join(dir, '.complete'))) return dir;
  log(`fetching ${what} from Maven Central (once; cached in ${dir})`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    fill(tmp);
    writeFileSync(join(tmp, '.complete'), `${new Date().toISOString()}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

function ensureKafka(config, log) {
  return ensureCached(
    join(config.cacheDir, `kafka-${config.kafka.version}`),
    `Apache Kafka ${config.kafka.version}`,
    (tmp) => {
      runMaven(
        [
          '-f',
          join(here, 'kafka-dist.pom.xml'),
          'dependency:copy-dependencies',
          '-DincludeScope=runtime',
          `-DoutputDirectory=${join(tmp, 'libs')}`,
        ],
        join(tmp, 'mvn.log'),
        `Apache Kafka ${config.kafka.version}`,
      );
    },
    log,
  );
}

// Apicurio 3.0.x ships a legacy Quarkus jar (a runner jar beside lib/); 3.0.x is the last line that runs on Java 17.
const runnerJar = (version) => `apicurio-registry-app-${version}-runner.jar`;

function ensureApicurio(config, log) {
  const version = config.registry.version;
  return ensureCached(
    join(config.cacheDir, `apicurio-registry-${version}`),
    `Apicurio Registry ${version}`,
    (tmp) => {
      runMaven(
        [
          '-f',
          join(here, 'kafka-dist.pom.xml'),
          'dependency:copy',
          `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`,
          `-DoutputDirectory=${tmp}`,
        ],
        join(tmp, 'mvn.log'),
        `Apicurio Registry ${version}`,
      );
      const archive = join(tmp, `apicurio-registry-app-${version}-all.tar.gz`);
      const untar = spawnSync('tar', ['xzf', archive, '-C', tmp], { encoding: 'utf8' });
      if (untar.status !== 0) throw new StackError(`Could not unpack ${archive}: ${untar.stderr}`);
      rmSync(archive);
      if (!existsSync(join(tmp, runnerJar(version)))) throw new StackError(`${archive} has no ${runnerJar(version)}`);
    },
    log,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Processes: each one we start carries a marker naming its state folder, so `down` and `up` only ever touch
// processes this stack started (never another user's Kafka on the same port).

const marker = (config, component) => `-Dpasserelle.stack=${component}@${config.stateDir}`;
const pidFile = (config, component) => join(config.stateDir, `${component}.pid`);
const logFile = (config, component) => join(config.stateDir, 'logs', `${component}.log`);

function commandLineOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout : '';
  }
}

/** The pid of this stack's running `component`, or undefined (a stale pid file is removed). */
function ownPid(config, component) {
  const file = pidFile(config, component);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && commandLineOf(pid).includes(marker(config, component))) return pid;
  rmSync(file, { force: true });
  return undefined;
}

function rssMiB(pid) {
  try {
    const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kib) ? Math.round(kib / 1024) : undefined;
  } catch {
    return undefined;
  }
}

function startDetached(config, component, args, env = {}) {
  mkdirSync(join(config.stateDir, 'logs'), { recursive: true });
  const out = openSync(logFile(config, component), 'a');
  const child = spawn('java', [marker(config, component), ...args], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...env },
  });
  closeSync(out);
  child.unref();
  writeFileSync(pidFile(config, component), `${child.pid}\n`);
  return child.pid;
}

const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const delay = (ms) => new Promise((done) => setTimeout(done, ms));

async function waitUntil(what, timeoutMs, check, { pid, log }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (pid !== undefined && !isAlive(pid)) {
      throw new StackError(`${what} exited during start-up. Last lines of ${log}:\n  ${tailOf(log)}`);
    }
    if (Date.now() > deadline)
      throw new StackError(`${what} did not answer within ${timeoutMs / 1000}s. See ${log}:\n  ${tailOf(log)}`);
    await delay(250);
  }
}

const tailOf = (file, lines = 20) =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-lines).join('\n  ') : '(no log)';

// ---------------------------------------------------------------------------------------------------------------
// Probes

function portIsOpen(portNumber) {
  return new Promise((done) => {
    const socket = net.connect({ host: '127.0.0.1', port: portNumber });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });
}

/**
 * True when a Kafka broker answers an ApiVersions request on `portNumber` — the broker only processes requests
 * once its start-up is complete, so this is a real readiness check, not merely an open socket.
 */
export function kafkaAnswers(portNumber, host = '127.0.0.1') {
  const clientId = Buffer.from('passerelle-stack-probe');
  const header = Buffer.alloc(2 + 2 + 4 + 2);
  header.writeInt16BE(18, 0); // ApiVersions
  header.writeInt16BE(0, 2); // version 0: never removed, every broker answers it
  header.writeInt32BE(4242, 4); // correlation id
  header.writeInt16BE(clientId.length, 8);
  const body = Buffer.concat([header, clientId]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return new Promise((done) => {
    const socket = net.connect({ host, port: portNumber });
    let received = Buffer.alloc(0);
    const finish = (ok) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(2000);
    socket.once('connect', () => socket.write(Buffer.concat([size, body])));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 10) finish(received.readInt32BE(4) === 4242 && received.readInt16BE(8) === 0);
    });
    socket.once('error', () => finish(false));
    socket.once('timeout', () => finish(false));
    socket.once('end', () => finish(false));
  });
}

export async function registryAnswers(schemaRegistryUrl) {
  try {
    const response = await fetch(`${schemaRegistryUrl}/subjects`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Components

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

async function startKafka(config, log) {
  const existing = ownPid(config, 'kafka');
  if (existing !== undefined) {
    await waitUntil('Kafka', 60_000, () => kafkaAnswers(config.kafka.port), {
      pid: existing,
      log: logFile(config, 'kafka'),
    });
    return { pid: existing, started: false };
  }
  for (const p of [config.kafka.port, config.kafka.controllerPort]) {
    if (await portIsOpen(p)) {
      throw new StackError(
        `Port ${p} is already taken by a process this stack did not start (state folder ${config.stateDir}).\n` +
          '  Stop it, or choose other ports with PASSERELLE_KAFKA_PORT / PASSERELLE_KAFKA_CONTROLLER_PORT.',
      );
    }
  }
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

async function startRegistry(config, log) {
  const existing = ownPid(config, 'registry');
  if (existing !== undefined) {
    await waitUntil('Apicurio Registry', 120_000, () => registryAnswers(config.schemaRegistryUrl), {
      pid: existing,
      log: logFile(config, 'registry'),
    });
    return { pid: existing, started: false };
  }
  for (const p of [config.registry.port, config.registry.managementPort]) {
    if (await portIsOpen(p)) {
      throw new StackError(
        `Port ${p} is already taken by a process this stack did not start (state folder ${config.stateDir}).\n` +
          '  Stop it, or choose other ports with PASSERELLE_REGISTRY_PORT / PASSERELLE_REGISTRY_MANAGEMENT_PORT.',
      );
    }
  }
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

// ---------------------------------------------------------------------------------------------------------------
// One `up` or `down` at a time per state folder (tests and people may call `up` concurrently).

async function withLock(config, action) {
  mkdirSync(config.stateDir, { recursive: true });
  const lock = join(config.stateDir, 'lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = Number(existsSync(join(lock, 'pid')) ? readFileSync(join(lock, 'pid'), 'utf8') : 0);
      if (holder > 0 && !isAlive(holder)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new StackError(`Timed out waiting for the stack lock held by pid ${holder} (${lock})`);
      else await delay(200);
    }
  }
  try {
    return await action();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

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

async function stopPid(pid, what, log) {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await delay(200);
  if (isAlive(pid)) {
    log(`${what} (pid ${pid}) ignored SIGTERM for 30s: killing it`);
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await delay(100);
  }
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
