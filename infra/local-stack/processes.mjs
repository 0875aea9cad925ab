// Processes: each one we start carries a marker naming its state folder, so `down` and `up` only ever touch
// processes this stack started (never another user's Kafka on the same port).

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { StackError } from '../../packages/stack-address/index.mjs';

export const marker = (config, component) => `-Dpasserelle.stack=${component}@${config.stateDir}`;
export const pidFile = (config, component) => join(config.stateDir, `${component}.pid`);
export const logFile = (config, component) => join(config.stateDir, 'logs', `${component}.log`);

function commandLineOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    const ps = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout : '';
  }
}

/** The pid of this stack's running `component`, or undefined (a stale pid file is removed). */
export function ownPid(config, component) {
  const file = pidFile(config, component);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && commandLineOf(pid).includes(marker(config, component))) return pid;
  rmSync(file, { force: true });
  return undefined;
}

export function rssMiB(pid) {
  try {
    const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kib) ? Math.round(kib / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export function startDetached(config, component, args, env = {}) {
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

export const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export const delay = (ms) => new Promise((done) => setTimeout(done, ms));

export async function waitUntil(what, timeoutMs, check, { pid, log }) {
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

export function portIsOpen(portNumber) {
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

export async function stopPid(pid, what, log) {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await delay(200);
  if (isAlive(pid)) {
    log(`${what} (pid ${pid}) ignored SIGTERM for 30s: killing it`);
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await delay(100);
  }
}

// One `up` or `down` at a time per state folder (tests and people may call `up` concurrently).
export async function withLock(config, action) {
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
