import type { Bus, ConsumedEvent, Follower } from '@passerelle/bus';
import type { AccessGranted } from '@passerelle/schemas';

/** A subject's grant as it stands: what the last AccessGranted of its key said. */
export type Grant = Omit<AccessGranted, 'envelope'>;

/**
 * The fold of `access.grants.v1`: the last AccessGranted of a subject is its grant, a tombstone removes it. Pure, so
 * the unit tests need no broker; a record it does not know (a newer producer's) is left alone.
 */
export function foldGrant(grants: Map<string, Grant>, event: Pick<ConsumedEvent, 'key' | 'value' | 'record'>): void {
  if (event.key === null) return;
  if (event.value === null) {
    grants.delete(event.key);
    return;
  }
  if (event.record !== null && !event.record.endsWith('.AccessGranted')) return;
  const { envelope: _envelope, ...grant } = event.value as AccessGranted;
  // The key is the subject: a value claiming another subject would grant under the wrong name.
  if (grant.subject !== event.key) return;
  grants.set(event.key, grant);
}

/** A grant still in force at `now` (not expired; a revoked one is not in the book). */
export const inForce = (grant: Grant | undefined, now: Date): Grant | undefined =>
  grant && (grant.expiresAt === null || grant.expiresAt.getTime() > now.getTime()) ? grant : undefined;

/**
 * Every grant, followed from the beginning of the compacted topic in every instance: a grant or a revocation
 * published by the admin reaches each instance within the follower's delay (milliseconds), without a restart.
 */
export class GrantBook {
  readonly follower: Follower;
  readonly #grants = new Map<string, Grant>();

  constructor(bus: Bus, grantsTopic: string) {
    this.follower = bus.follow({
      name: 'access.grant-book',
      topics: [grantsTopic],
      fromBeginning: true,
      onEvent: (event) => foldGrant(this.#grants, event),
    });
  }

  /** The subject's grant in force at `now`, if any. */
  grantOf(subject: string, now = new Date()): Grant | undefined {
    return inForce(this.#grants.get(subject), now);
  }

  /** Read-your-writes: the grant as recorded once this instance has read everything published so far. */
  async current(subject: string): Promise<Grant | undefined> {
    await this.follower.barrier(5_000);
    return this.#grants.get(subject);
  }

  /** Every grant recorded, expired ones included (the admin shows them), by subject. */
  all(): Grant[] {
    return [...this.#grants.values()].sort((a, b) => a.subject.localeCompare(b.subject));
  }
}
