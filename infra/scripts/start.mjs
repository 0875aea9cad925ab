#!/usr/bin/env node
// `npm start`: the main job on the no-Docker local stack. Brings the stack up if needed, then starts every
// runnable of connectors/* and services/* that has a `start` script, each with the local stack's addresses and
// the development settings of its package.json `passerelle.dev` block (port, tokens, folders), and says where
// each API is. Ctrl-C (or SIGTERM) stops the runnables gracefully, then the stack if this command started it.

import { down, stackConfig, up } from '../local-stack/stack.mjs';
import { discoverRunnables, runnableEnv, signalRunnable, spawnRunnable } from './runnables.mjs';

const log = (line) => console.error(`[passerelle] ${line}`);
const config = stackConfig();

const { kafka, registry } = await up({ log: (line) => log(`stack: ${line}`) });
const startedStack = kafka.started && registry.started;
const children = [];
for (const runnable of discoverRunnables()) {
  const env = runnableEnv(runnable, config);
  children.push({ ...runnable, child: spawnRunnable(runnable, env), url: `http://127.0.0.1:${env.HTTP_PORT}` });
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
  await Promise.all(children.map(({ child }) => signalRunnable(child, 'SIGTERM')));
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
