#!/usr/bin/env node
// `npm start`: the main job on the no-Docker local stack. Brings the stack up if needed, says where everything
// is, and stays in the foreground; Ctrl-C (or SIGTERM) stops what this command started, and only that.
// The connectors and services join this list as they are built (see README "Status").

import { down, stackConfig, up } from '../local-stack/stack.mjs';

const log = (line) => console.error(`[passerelle] ${line}`);
const config = stackConfig();
const { kafka, registry } = await up({ log: (line) => log(`stack: ${line}`) });
const startedStack = kafka.started && registry.started;

console.log(
  [
    'Passerelle is running on the local stack:',
    `  Kafka broker       ${config.kafkaBrokers}`,
    `  Schema registry    ${config.schemaRegistryUrl}`,
    `  Logs               ${config.stateDir}/logs`,
    startedStack
      ? 'Ctrl-C stops it.'
      : 'The stack was already running and stays up after Ctrl-C (npm run stack:down stops it).',
  ].join('\n'),
);

let stopping = false;
const stop = async (signal) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  if (startedStack) await down({ log: (line) => log(`stack: ${line}`) });
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
// Keep the event loop alive until a signal arrives.
setInterval(() => {}, 1 << 30);
