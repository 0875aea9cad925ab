// The runnables of Passerelle — every connectors/* and services/* workspace with a `start` script — and how to
// launch one on a stack: the stack's addresses plus the development settings of its package.json
// `passerelle.dev` block (port, tokens, folders). Used by `npm start`, the demo and the fault tests, so they all
// run the system the same way. Dependency-free on purpose: it runs before anything is built.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repositoryRoot = resolve(import.meta.dirname, '..', '..');

/** @returns {Array<{ name: string, short: string, dir: string, dev: { port?: number, background?: boolean, env?: Record<string, string>, summary?: string } }>} */
export function discoverRunnables(root = repositoryRoot) {
  const found = [];
  for (const group of ['connectors', 'services']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const manifest = join(dir, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      if (pkg.scripts?.start)
        found.push({ name: pkg.name, short: name, dir: join(dir, name), dev: pkg.passerelle?.dev ?? {} });
    }
  }
  return found;
}

/**
 * The environment of a runnable on a stack. Relative `*_DIR` settings live in the stack's state folder, beside
 * its logs and data; `overrides` win (a test's own ports, topics prefix, log level).
 */
export function runnableEnv(runnable, { kafkaBrokers, schemaRegistryUrl, stateDir }, overrides = {}) {
  const env = {
    ...process.env,
    ...sharedDevEnv(),
    KAFKA_BROKERS: kafkaBrokers,
    SCHEMA_REGISTRY_URL: schemaRegistryUrl,
    SCHEMAS_REGISTER_ON_START: 'true',
    HTTP_PORT: String(runnable.dev.port ?? 0),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
  for (const [key, value] of Object.entries(runnable.dev.env ?? {})) {
    env[key] = key.endsWith('_DIR') ? resolve(stateDir, String(value)) : String(value);
  }
  Object.assign(env, overrides);
  for (const [key, value] of Object.entries(env))
    if (key.endsWith('_DIR') && value) mkdirSync(value, { recursive: true });
  return env;
}

/**
 * Development settings every runnable shares (the root package.json `passerelle.dev.env`): the ops token the
 * admin acts with, the journey-id secret every connector hashes with. A runnable's own block wins.
 */
export function sharedDevEnv(root = repositoryRoot) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return pkg.passerelle?.dev?.env ?? {};
}

/**
 * Starts a runnable in its own process group, so that stopping it — gracefully (SIGTERM) or by a fault test's
 * SIGKILL — reaches the node process behind npm too.
 */
export function spawnRunnable(runnable, env, { stdio = ['ignore', 'inherit', 'inherit'] } = {}) {
  const command = ['npm', 'run', '--silent', 'start'];
  // On one machine, the runnables off the request path (read models, ops, file imports: `passerelle.dev.background`)
  // yield the CPU to the ones a prescriber is waiting on; they catch up in the gaps. Alone on their own machines, as
  // in production, it changes nothing.
  if (runnable.dev.background && process.platform !== 'win32')
    command.unshift('nice', '-n', String(BACKGROUND_NICENESS));
  return spawn(command[0], command.slice(1), { cwd: runnable.dir, env, stdio, detached: true });
}

const BACKGROUND_NICENESS = 10;

/** Sends a signal to a runnable's whole process group; resolves when it exited. */
export function signalRunnable(child, signal = 'SIGTERM') {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    try {
      process.kill(-child.pid, signal);
    } catch {
      done();
    }
  });
}
