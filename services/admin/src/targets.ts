import type { ConsumerAction, ConsumerState, ConsumerStatus } from '@passerelle/bus';
import { ProblemError } from '@passerelle/service-kit';

/** A runnable the admin watches: its name and the base URL of its HTTP server. */
export interface Target {
  name: string;
  url: string;
}

/** `sofi=http://127.0.0.1:8710,kairos=http://127.0.0.1:8720` → targets, every problem named at once. */
export function parseTargets(text: string): Target[] {
  const targets: Target[] = [];
  const problems: string[] = [];
  for (const item of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([a-z0-9][a-z0-9._-]*)=(https?:\/\/\S+)$/i.exec(item);
    if (!match) problems.push(`"${item}" is not name=http(s)://host:port`);
    else if (targets.some((target) => target.name === match[1])) problems.push(`${match[1]} is named twice`);
    else targets.push({ name: match[1] as string, url: (match[2] as string).replace(/\/+$/, '') });
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return targets;
}

/** Kafka Connect's status JSON, a runnable standing for a connector and each of its consumers for a task. */
export interface ConnectorStatus {
  name: string;
  url: string;
  /** `/healthz`: the process answers. */
  health: 'UP' | 'DOWN';
  /** `/readyz`: broker reachable and every consumer running or paused on purpose; null when unreachable. */
  ready: boolean | null;
  connector: { state: ConsumerState; worker_id: string; trace?: string };
  tasks: Array<{
    id: number;
    name: string;
    groupId: string;
    state: ConsumerState;
    worker_id: string;
    assignment: Record<string, number[]>;
    restarts: number;
    trace?: string;
  }>;
  /** Why the runnable could not be read, when it could not. */
  error?: string;
}

/**
 * The connector's state from its tasks, as Kafka Connect reports a connector: FAILED if one task failed, then
 * RESTARTING, PAUSED when every task is paused, RUNNING when one runs; UNASSIGNED when no worker runs it (the
 * runnable does not answer) — a runnable without consumers (an HTTP-only service) that answers is RUNNING.
 */
export function connectorState(reachable: boolean, tasks: readonly { state: ConsumerState }[]): ConsumerState {
  if (!reachable) return 'UNASSIGNED';
  const states = new Set(tasks.map((task) => task.state));
  for (const state of ['FAILED', 'RESTARTING'] as const) if (states.has(state)) return state;
  if (tasks.length > 0 && tasks.every((task) => task.state === 'PAUSED')) return 'PAUSED';
  if (tasks.length > 0 && tasks.every((task) => task.state === 'STOPPED')) return 'STOPPED';
  if (tasks.length === 0 || states.has('RUNNING') || states.has('PAUSED')) return 'RUNNING';
  return 'UNASSIGNED';
}

/** HTTP client of the runnables' own endpoints: /healthz, /readyz, /status/consumers and the ops actions. */
export class Runnables {
  readonly targets: readonly Target[];
  readonly #opsToken: string | undefined;
  readonly #timeoutMs: number;

  constructor(targets: readonly Target[], { opsToken, timeoutMs = 2000 }: { opsToken?: string; timeoutMs?: number }) {
    this.targets = targets;
    this.#opsToken = opsToken;
    this.#timeoutMs = timeoutMs;
  }

  target(name: string): Target {
    const target = this.targets.find((candidate) => candidate.name === name);
    if (!target) {
      throw new ProblemError({
        type: 'urn:passerelle:problem:unknown-connector',
        title: 'Not Found',
        status: 404,
        detail: `No runnable named ${name}; the admin watches ${this.targets.map((t) => t.name).join(', ') || 'none'}.`,
      });
    }
    return target;
  }

  statuses(): Promise<ConnectorStatus[]> {
    return Promise.all(this.targets.map((target) => this.status(target)));
  }

  async status(target: Target): Promise<ConnectorStatus> {
    const [health, ready, consumers] = await Promise.allSettled([
      this.#get(target, '/healthz'),
      this.#get(target, '/readyz'),
      this.#get(target, '/status/consumers'),
    ]);
    const up = health.status === 'fulfilled' && health.value.ok;
    const statuses =
      consumers.status === 'fulfilled' && consumers.value.ok
        ? ((await consumers.value.json()) as ConsumerStatus[])
        : [];
    const tasks = statuses.map((status, id) => ({
      id,
      name: status.name,
      groupId: status.groupId,
      state: status.state,
      worker_id: status.workerId,
      assignment: status.assignment,
      restarts: status.restarts,
      ...(status.trace ? { trace: status.trace } : {}),
    }));
    const state = connectorState(up, tasks);
    const failed = tasks.find((task) => task.state === 'FAILED');
    const error = [health, consumers].find((result) => result.status === 'rejected');
    return {
      name: target.name,
      url: target.url,
      health: up ? 'UP' : 'DOWN',
      ready: ready.status === 'fulfilled' ? ready.value.status === 200 : null,
      connector: {
        state,
        worker_id: new URL(target.url).host,
        ...(failed?.trace ? { trace: failed.trace } : {}),
      },
      tasks,
      ...(error?.status === 'rejected' ? { error: messageOf(error.reason) } : {}),
    };
  }

  /** Proxies an ops action to a runnable's consumer; answers the consumer's new status or the runnable's problem. */
  async act(target: Target, consumer: string, action: ConsumerAction): Promise<{ status: number; body: unknown }> {
    if (this.#opsToken === undefined) {
      throw new ProblemError({
        type: 'urn:passerelle:problem:ops-actions-disabled',
        title: 'Ops actions disabled',
        status: 403,
        detail: 'The admin was started without OPS_TOKEN: it cannot pause, resume or restart consumers.',
      });
    }
    let response: Response;
    try {
      response = await fetch(`${target.url}/status/consumers/${encodeURIComponent(consumer)}/${action}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.#opsToken}` },
        // A restart leaves and re-joins the group: it takes longer than a status read.
        signal: AbortSignal.timeout(action === 'restart' ? 30_000 : this.#timeoutMs),
      });
    } catch (error) {
      throw unreachable(target, error);
    }
    return { status: response.status, body: await response.json() };
  }

  /** A GET proxied to a runnable (the journey lookup), with its own bearer token when it needs one. */
  async get(target: Target, path: string, token?: string): Promise<{ status: number; type: string; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(`${target.url}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(this.#timeoutMs * 5),
      });
    } catch (error) {
      throw unreachable(target, error);
    }
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? 'application/json',
      body: await response.json(),
    };
  }

  #get(target: Target, path: string): Promise<Response> {
    return fetch(`${target.url}${path}`, { signal: AbortSignal.timeout(this.#timeoutMs) });
  }
}

const messageOf = (error: unknown) =>
  error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);

const unreachable = (target: Target, error: unknown) =>
  new ProblemError({
    type: 'urn:passerelle:problem:runnable-unreachable',
    title: 'Bad Gateway',
    status: 502,
    detail: `${target.name} (${target.url}) did not answer: ${messageOf(error)}`,
  });
