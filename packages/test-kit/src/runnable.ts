import { type AddressInfo, createServer } from 'node:net';
import { Bus, type Contracts } from '@passerelle/bus';
import { createLogger, Metrics } from '@passerelle/service-kit';
import { testStack, uniqueName } from './names.js';
import { waitFor } from './wait-for.js';

/**
 * What every runnable's integration tests share (`@passerelle/test-kit/runnable`): its environment on the test stack,
 * the test's own bus beside it, a movable clock and an HTTP client. Kept apart from the main entry, which the bus's
 * and the service kit's own tests import: this one imports them.
 */

/** The prefix of a test file's own topics and groups (`test.<name>.<time>.<random>.`): no two files share state. */
export const topicPrefix = (name: string) => `${uniqueName(name)}.`;

/**
 * The environment of a runnable on the test stack: broker and registry, a client id of its own, schemas registered at
 * start, a free HTTP port, logs silent unless TEST_LOG_LEVEL says otherwise; then the runnable's own settings.
 */
export function runnableEnv(name: string, own: Record<string, string> = {}): Record<string, string> {
  const stack = testStack();
  return {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    KAFKA_CLIENT_ID: uniqueName(name),
    SCHEMAS_REGISTER_ON_START: 'true',
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...own,
  };
}

/** The test's own connection to the stack, beside the runnables it checks: publishes their inputs, reads outputs. */
export function testBus(name: string, contracts: Contracts): Bus {
  const stack = testStack();
  return new Bus({
    config: {
      KAFKA_BROKERS: stack.kafkaBrokers,
      SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
      KAFKA_CLIENT_ID: uniqueName(name),
    },
    contracts,
    log: createLogger({ service: name, level: 'silent' }),
    metrics: new Metrics({ defaultMetrics: false }),
  });
}

/** Registers a bus's schemas and creates its topics (a test's topics are new: nothing else creates them first). */
export async function prepareBus(bus: Bus): Promise<void> {
  await bus.registerSchemas();
  await bus.ensureTopics();
}

/**
 * Waits until `topics` have partition leaders: right after creation the broker answers offset requests with
 * NOT_LEADER for a moment, which would fail a follower's start.
 */
export async function waitForLeaders(bus: Bus, topics: Iterable<string>): Promise<void> {
  const admin = await bus.admin();
  for (const topic of topics)
    await waitFor(async () => (await admin.fetchTopicOffsets(topic)).length > 0, {
      description: `the leaders of ${topic}`,
    });
}

/** Prepares a bus, waits for the leaders of `topics`, then starts its followers. */
export async function startFollowing(bus: Bus, topics: readonly string[]): Promise<void> {
  await prepareBus(bus);
  await waitForLeaders(bus, topics);
  await bus.start();
}

/** A movable clock, the "now" of the runnables a test starts (decisions, sweeps): moved, it reads `iso` now. */
export class TestClock {
  offsetMs = 0;
  readonly now = () => new Date(Date.now() + this.offsetMs);
  set(iso: string) {
    this.offsetMs = new Date(iso).getTime() - Date.now();
  }
}

export interface HttpRequest {
  /** Sent as a bearer token; null: none. */
  token?: string | null;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpResponse<Body> {
  status: number;
  headers: Headers;
  type: string | null;
  text: string;
  bytes: Buffer;
  /** The JSON answered, parsed; `empty` (see `httpCall`) when the answer is not JSON. */
  body: Body;
}

/** One call to a runnable's HTTP API, as a client makes it. */
export async function httpCall<Body>(
  url: string,
  method: string,
  path: string,
  { token = null, body, headers = {} }: HttpRequest = {},
  empty?: Body,
): Promise<HttpResponse<Body>> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  const type = response.headers.get('content-type');
  const parsed = type?.includes('json') && text !== '' ? (JSON.parse(text) as Body) : (empty as Body);
  return { status: response.status, headers: response.headers, type, text, bytes, body: parsed };
}

/**
 * What a test file's set-up (its beforeAll) will make, nameable at the top of the file: each property read reaches
 * the thing made; reading it before the set-up ran is an error saying so.
 */
export function later<T extends object>(made: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_, property) {
      const value = made();
      if (value === undefined)
        throw new Error(`${what} is made by the file's set-up: use it in a test or a later hook`);
      return Reflect.get(value, property);
    },
  });
}

/** A TCP port free at the moment on the loopback: for a runnable that must come back at the same address. */
export function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
