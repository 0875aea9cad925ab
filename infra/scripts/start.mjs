#!/usr/bin/env node
// `npm start`: the main job on the no-Docker local stack. Brings the stack up if needed, then starts every
// runnable of connectors/* and services/* that has a `start` script, each with the local stack's addresses and
// the development settings of its package.json `passerelle.dev` block (port, tokens, folders), and says where
// each API is. Ctrl-C (or SIGTERM) stops the runnables gracefully, then the stack if this command started it.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { down, stackConfig, up } from '../local-stack/stack.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const log = (line) => console.error(`[passerelle] ${line}`);
const config = stackConfig();

function runnables() {
  const found = [];
  for (const group of ['connectors', 'services']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const manifest = join(dir, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      if (pkg.scripts?.start) found.push({ name: pkg.name, dir: join(dir, name), dev: pkg.passerelle?.dev ?? {} });
    }
  }
  return found;
}

const { kafka, registry } = await up({ log: (line) => log(`stack: ${line}`) });
const startedStack = kafka.started && registry.started;
const children = [];
for (const runnable of runnables()) {
  const env = {
    ...process.env,
    KAFKA_BROKERS: config.kafkaBrokers,
    SCHEMA_REGISTRY_URL: config.schemaRegistryUrl,
    SCHEMAS_REGISTER_ON_START: 'true',
    HTTP_PORT: String(runnable.dev.port ?? 0),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
  for (const [key, value] of Object.entries(runnable.dev.env ?? {})) {
    // Relative folders in dev settings live in the state folder, beside the stack's logs and data.
    env[key] = key.endsWith('_DIR') ? resolve(config.stateDir, String(value)) : String(value);
    if (key.endsWith('_DIR')) mkdirSync(env[key], { recursive: true });
  }
  const child = spawn('npm', ['run', '--silent', 'start'], {
    cwd: runnable.dir,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push({ ...runnable, child, url: `http://127.0.0.1:${env.HTTP_PORT}` });
}

console.log(
  [
    'Passerelle is running on the local stack:',
    `  Kafka broker                 ${config.kafkaBrokers}`,
    `  Schema registry              ${config.schemaRegistryUrl}`,
    ...children.map(({ name, url, dev }) => `  ${name.padEnd(28)} ${url}${dev.summary ? `   ${dev.summary}` : ''}`),
    `  Logs                         ${config.stateDir}/logs (runnables log to this terminal)`,
    startedStack
      ? 'Ctrl-C stops everything.'
      : 'Ctrl-C stops the runnables; the stack was already running and stays up (npm run stack:down).',
  ].join('\n'),
);

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', done);
          child.kill('SIGTERM');
        }),
    ),
  );
  if (startedStack) await down({ log: (line) => log(`stack: ${line}`) });
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
for (const { name, child } of children) {
  child.once('exit', (code, signal) => {
    if (!stopping) log(`${name} exited (${signal ?? code}); the others keep running`);
  });
}
setInterval(() => {}, 1 << 30);
