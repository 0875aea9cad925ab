import { waitFor } from './wait-for.js';

/** A managed consumer as a runnable's `GET /status/consumers` reports it (the fields these waits read). */
export interface ConsumerAssignment {
  name: string;
  groupId: string;
  state: string;
  assignment: Record<string, number[]>;
}

/**
 * A runnable to watch: its base URL (`/readyz`, `/status/consumers`), or, for a bus in the test's own process, a
 * function giving its consumers' statuses (`() => bus.statuses()`).
 */
export type Instance = string | (() => readonly ConsumerAssignment[] | Promise<readonly ConsumerAssignment[]>);

interface WaitOptions {
  /** Names the instance or instances in the failure message. */
  description?: string;
  /** Nominal bound, scaled like any `waitFor`. */
  timeoutMs?: number;
}

/**
 * Waits until a runnable answers `GET /readyz` with 200: it listens (its followers have read what was there at
 * start), its consumers run and the broker answers. The condition a test needs before it talks to an instance it
 * just started — rather than retrying the request under test until it stops failing.
 */
export async function waitForReady(url: string, { description = url, timeoutMs }: WaitOptions = {}): Promise<void> {
  let last = 'no answer yet';
  await waitFor(
    async () => {
      const response = await fetch(`${url}/readyz`);
      last = `${response.status} ${await response.text()}`;
      return response.status === 200;
    },
    { description: () => `${description} to be ready (last /readyz: ${last})`, timeoutMs },
  );
}

/**
 * Waits until the consumer groups of some instances have settled after one joined or left: in every group, each
 * instance's consumer is RUNNING with partitions of its own, and no partition is claimed by two instances (an
 * instance that has not yet taken part in a rebalance still shows its old assignment). With `partitions`, every
 * input topic's partitions 0…partitions-1 must have an owner too. Returns each instance's statuses.
 *
 * Restart and scale-out tests wait on this rather than on time: a request sent during the rebalance may meet a
 * partition whose writer is changing hands, and its answer outlives the service's wait for it.
 */
export async function waitForSettledGroups(
  instances: readonly Instance[],
  { partitions, description = 'the consumer groups', timeoutMs }: WaitOptions & { partitions?: number } = {},
): Promise<ConsumerAssignment[][]> {
  let last: ConsumerAssignment[][] | undefined;
  return waitFor(
    async () => {
      last = await Promise.all(instances.map(statusesOf));
      return whyUnsettled(last, partitions) === undefined && last;
    },
    {
      description: () => `${description} to settle (${last ? whyUnsettled(last, partitions) : 'no status read yet'})`,
      timeoutMs,
    },
  );
}

async function statusesOf(instance: Instance): Promise<ConsumerAssignment[]> {
  if (typeof instance !== 'string') return [...(await instance())];
  const response = await fetch(`${instance}/status/consumers`);
  if (response.status !== 200) throw new Error(`${instance}/status/consumers answered ${response.status}`);
  return (await response.json()) as ConsumerAssignment[];
}

/** Why the groups have not settled yet, or undefined once they have. */
export function whyUnsettled(
  instances: readonly (readonly ConsumerAssignment[])[],
  partitions?: number,
): string | undefined {
  const groups = new Map<string, Array<{ instance: number; status: ConsumerAssignment }>>();
  instances.forEach((statuses, instance) => {
    for (const status of statuses) {
      const members = groups.get(status.groupId) ?? [];
      members.push({ instance, status });
      groups.set(status.groupId, members);
    }
  });
  for (const [groupId, members] of groups) {
    const owners = new Map<string, number>();
    for (const { instance, status } of members) {
      if (status.state !== 'RUNNING') return `${status.name} on instance ${instance} is ${status.state}`;
      const owned = Object.entries(status.assignment).flatMap(([topic, numbers]) =>
        numbers.map((n) => `${topic}:${n}`),
      );
      if (owned.length === 0) return `${status.name} on instance ${instance} owns no partition`;
      for (const id of owned) {
        const other = owners.get(id);
        if (other !== undefined) return `${id} is claimed by instances ${other} and ${instance} of ${groupId}`;
        owners.set(id, instance);
      }
    }
    if (partitions === undefined) continue;
    const topics = new Set(members.flatMap(({ status }) => Object.keys(status.assignment)));
    for (const topic of topics)
      for (let partition = 0; partition < partitions; partition += 1)
        if (!owners.has(`${topic}:${partition}`)) return `${topic}:${partition} has no owner in ${groupId}`;
  }
  return undefined;
}
