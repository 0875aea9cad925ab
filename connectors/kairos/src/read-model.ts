import type { Bus, Follower } from '@passerelle/bus';
import { fold } from './domain/evolve.js';
import type { SessionAggregate } from './domain/state.js';
import type { KairosTopics } from './topics.js';

const RECENT_EVENT_IDS = 100_000;

/**
 * What every instance serves reads from: all sessions, folded with the writer's own `fold` from the offer and
 * `kairos.session-events`, whatever partitions this instance owns as a writer. It trails the writer by the time a
 * committed event takes to arrive (milliseconds); an HTTP act waits until its own events are applied here before
 * answering, so an OF reads its own writes on the instance it talks to.
 */
export class SessionReadModel {
  readonly follower: Follower;
  readonly #sessions = new Map<string, SessionAggregate>();
  /** Recently applied event ids, oldest first (a Set keeps insertion order). */
  readonly #applied = new Set<string>();
  readonly #waiters = new Map<string, Set<() => void>>();

  constructor(bus: Bus, topics: KairosTopics) {
    this.follower = bus.follow({
      name: 'kairos.read-model',
      topics: [topics.offer, topics.sessionEvents],
      fromBeginning: true,
      onEvent: (event) => {
        const key = event.key;
        if (key === null) return;
        const next = fold(this.#sessions.get(key), { key, record: event.record, value: event.value });
        if (next) this.#sessions.set(key, next);
        const eventId = (event.value as { envelope?: { eventId?: string } } | null)?.envelope?.eventId;
        if (eventId) this.#markApplied(eventId);
      },
    });
  }

  get(sessionKey: string): SessionAggregate | undefined {
    return this.#sessions.get(sessionKey);
  }

  sessions(): IterableIterator<SessionAggregate> {
    return this.#sessions.values();
  }

  /** Resolves true once the event is applied, false after `timeoutMs`. */
  waitFor(eventId: string, timeoutMs: number): Promise<boolean> {
    if (this.#applied.has(eventId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(eventId) ?? new Set();
      this.#waiters.set(eventId, waiters);
      const done = (applied: boolean) => {
        clearTimeout(timer);
        waiters.delete(onApplied);
        if (waiters.size === 0) this.#waiters.delete(eventId);
        resolve(applied);
      };
      const onApplied = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      waiters.add(onApplied);
    });
  }

  #markApplied(eventId: string) {
    this.#applied.add(eventId);
    if (this.#applied.size > RECENT_EVENT_IDS) {
      const oldest = this.#applied.values().next().value;
      if (oldest !== undefined) this.#applied.delete(oldest);
    }
    for (const waiter of [...(this.#waiters.get(eventId) ?? [])]) waiter();
  }
}
