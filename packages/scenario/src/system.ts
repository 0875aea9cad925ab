import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  discoverRunnables,
  type Runnable,
  repositoryRoot,
  runnableEnv,
  signalRunnable,
  spawnRunnable,
} from '@passerelle/infra/runnables';

/** Where a stack answers (the shape `runnableEnv` needs). */
export interface StackAddresses {
  kafkaBrokers: string;
  schemaRegistryUrl: string;
  stateDir: string;
}

const stackScript = join(repositoryRoot, 'infra', 'local-stack', 'stack.mjs');

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A base port for a private stack and its system (`base`…`base + 3` for the stack, `base + 100`… for the
 * runnables) where every port is free, from `preferred` up by steps of 1 000. Below 32 768, Linux's first ephemeral
 * port: above it, a client connection's local port can hold the broker's port for a moment (seen: "Address already
 * in use" on 49092 in a CI run).
 */
export async function freeBasePort(preferred: number, runnables = 10): Promise<number> {
  for (let base = preferred; base + 100 + runnables < 32_768; base += 1000) {
    const ports = [0, 1, 2, 3, ...Array.from({ length: runnables }, (_, index) => 100 + index)].map((p) => base + p);
    if ((await Promise.all(ports.map(canListen))).every(Boolean)) return base;
  }
  throw new Error(`No free base port from ${preferred} below 32768`);
}

/**
 * A no-Docker stack of its own (state folder and ports), so a test can restart its broker without disturbing
 * the stack every other test shares. Driven through the stack's CLI, exactly as people drive it.
 */
export class PrivateStack {
  readonly addresses: StackAddresses;
  readonly #env: Record<string, string>;

  constructor({ stateDir, basePort }: { stateDir: string; basePort: number }) {
    this.#env = {
      ...(process.env as Record<string, string>),
      PASSERELLE_STACK_DIR: stateDir,
      PASSERELLE_KAFKA_PORT: String(basePort),
      PASSERELLE_KAFKA_CONTROLLER_PORT: String(basePort + 1),
      PASSERELLE_REGISTRY_PORT: String(basePort + 2),
      PASSERELLE_REGISTRY_MANAGEMENT_PORT: String(basePort + 3),
    };
    this.addresses = {
      kafkaBrokers: `127.0.0.1:${basePort}`,
      schemaRegistryUrl: `http://127.0.0.1:${basePort + 2}/apis/ccompat/v7`,
      stateDir,
    };
  }

  up(): Promise<void> {
    return this.#run('up');
  }

  /** Stops it and removes its state folder. */
  down(): Promise<void> {
    return this.#run('down', '--purge');
  }

  /** Kills the broker the hard way, then brings it back (same data, same port): a broker restart under load. */
  async restartBroker(): Promise<void> {
    const pid = Number(readFileSync(join(this.addresses.stateDir, 'kafka.pid'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 100));
    await this.up();
  }

  async #run(...args: string[]): Promise<void> {
    const child = spawn(process.execPath, [stackScript, ...args], {
      env: this.#env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`stack ${args.join(' ')} failed (${code}):\n${stderr.slice(-2000)}`);
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export interface RunningRunnable {
  runnable: Runnable;
  url: string;
  child: ChildProcess;
}

/**
 * Every runnable of Passerelle (connectors/*, services/* with a start script) as child processes on a stack, each
 * in its own process group: the system `npm start` runs, for fault tests and benchmarks that must kill and
 * restart parts of it. HTTP ports are `basePort + index` in discovery order.
 */
export class PasserelleSystem {
  readonly #stack: StackAddresses;
  readonly #basePort: number;
  readonly #overrides: Record<string, string>;
  readonly #running = new Map<string, RunningRunnable>();
  readonly #logs: string[] = [];
  /** Each runnable's development address (`127.0.0.1:<dev port>`) → its address in this system. */
  readonly #addresses = new Map<string, string>();

  constructor(stack: StackAddresses, { basePort, env = {} }: { basePort: number; env?: Record<string, string> }) {
    this.#stack = stack;
    this.#basePort = basePort;
    this.#overrides = env;
  }

  get runnables(): RunningRunnable[] {
    return [...this.#running.values()];
  }

  /** The base URL of a runnable by folder name (`kairos`, `journey`…). */
  url(short: string): string {
    const found = this.#running.get(short);
    if (!found) throw new Error(`No runnable named ${short}; running: ${[...this.#running.keys()].join(', ')}`);
    return found.url;
  }

  /** The last lines the runnables wrote to stderr (for a failing test's message). */
  logTail(lines = 40): string {
    return this.#logs.slice(-lines).join('\n');
  }

  async start(): Promise<void> {
    const runnables = discoverRunnables();
    runnables.forEach((runnable, index) => {
      if (runnable.dev.port)
        this.#addresses.set(`127.0.0.1:${runnable.dev.port}`, `127.0.0.1:${this.#basePort + index}`);
    });
    await Promise.all(runnables.map((runnable, index) => this.#launch(runnable, this.#basePort + index)));
  }

  /** SIGKILL (a crash: nothing runs its shutdown) or SIGTERM (graceful), then start it again and wait until ready. */
  async restart(short: string, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    const running = this.#running.get(short);
    if (!running) throw new Error(`No runnable named ${short}`);
    await signalRunnable(running.child, signal);
    await this.#launch(running.runnable, Number(new URL(running.url).port));
  }

  async stop(): Promise<void> {
    await Promise.all(this.runnables.map(({ child }) => signalRunnable(child, 'SIGTERM')));
    this.#running.clear();
  }

  async #launch(runnable: Runnable, port: number): Promise<void> {
    const env = runnableEnv(runnable, this.#stack, {
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
      ...this.#overrides,
    });
    // The development settings name other runnables by their development ports (the admin's targets): here
    // they run on this system's ports.
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined || !value.includes('127.0.0.1:')) continue;
      env[key] = value.replaceAll(/127\.0\.0\.1:\d+/g, (address) => this.#addresses.get(address) ?? address);
    }
    const child = spawnRunnable(runnable, env, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line) this.#logs.push(`[${runnable.short}] ${line}`);
      if (this.#logs.length > 2000) this.#logs.splice(0, this.#logs.length - 1000);
    });
    const url = `http://127.0.0.1:${port}`;
    this.#running.set(runnable.short, { runnable, url, child });
    await waitReady(url, child, runnable.short, () => this.logTail());
  }
}

async function waitReady(url: string, child: ChildProcess, name: string, logs: () => string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) while starting:\n${logs()}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} was not ready at ${url}/readyz within ${timeoutMs} ms:\n${logs()}`);
}
