import type { Bus, Follower } from '@passerelle/bus';
import type { JourneyStatusChanged } from '@passerelle/schemas';

/**
 * What every instance serves: the latest `journey.status` of every journey, followed from the beginning of the
 * compacted topic — whatever partitions this instance folds as a consumer. It trails the folder by the time a
 * committed status takes to arrive (milliseconds). A tombstone removes the journey: after an erasure, nothing of
 * it is served.
 */
export class JourneyReadModel {
  readonly follower: Follower;
  readonly #journeys = new Map<string, JourneyStatusChanged>();
  readonly #bySession = new Map<string, Set<string>>();
  readonly #listeners = new Set<() => void>();

  constructor(bus: Bus, statusTopic: string) {
    this.follower = bus.follow({
      name: 'journey.read-model',
      topics: [statusTopic],
      fromBeginning: true,
      onEvent: (event) => {
        if (event.key === null) return;
        if (event.value === null) this.#remove(event.key);
        else this.#put(event.value as JourneyStatusChanged);
        for (const listener of [...this.#listeners]) listener();
      },
    });
  }

  get(journeyId: string): JourneyStatusChanged | undefined {
    return this.#journeys.get(journeyId);
  }

  ofSession(sessionKey: string): JourneyStatusChanged[] {
    return [...(this.#bySession.get(sessionKey) ?? [])].flatMap((id) => this.#journeys.get(id) ?? []);
  }

  sessionKeys(): IterableIterator<string> {
    return this.#bySession.keys();
  }

  all(): IterableIterator<JourneyStatusChanged> {
    return this.#journeys.values();
  }

  /** Resolves true once none of `journeyIds` is served any more, false after `timeoutMs`. */
  whenGone(journeyIds: readonly string[], timeoutMs: number): Promise<boolean> {
    const gone = () => journeyIds.every((id) => !this.#journeys.has(id));
    if (gone()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (!gone()) return;
        finish(true);
      };
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.#listeners.add(check);
    });
  }

  #put(status: JourneyStatusChanged) {
    const previous = this.#journeys.get(status.journeyId);
    if (previous && previous.sessionKey !== status.sessionKey)
      this.#bySession.get(previous.sessionKey)?.delete(status.journeyId);
    this.#journeys.set(status.journeyId, status);
    const ids = this.#bySession.get(status.sessionKey) ?? new Set<string>();
    ids.add(status.journeyId);
    this.#bySession.set(status.sessionKey, ids);
  }

  #remove(journeyId: string) {
    const previous = this.#journeys.get(journeyId);
    if (!previous) return;
    this.#journeys.delete(journeyId);
    const ids = this.#bySession.get(previous.sessionKey);
    ids?.delete(journeyId);
    if (ids?.size === 0) this.#bySession.delete(previous.sessionKey);
  }
}
