import type { ManagedConsumer } from '@passerelle/bus';
import type { Logger } from '@passerelle/service-kit';

/** A session whose next time-driven step fell due, and the instant it fell due at (when the read model knows it). */
export interface DueSession {
  sessionKey: string;
  dueAt?: number;
}

export interface SessionSweepOptions {
  /** What the sweep asks for, in its log lines: `deadline triggers`, `vigilance reviews`. */
  what: string;
  /** The consumer that owns the sessions: an instance holding none of its partitions stays quiet. */
  owner: ManagedConsumer<unknown>;
  /** Resolves once the read model the sweep looks at has caught up with its topics. */
  caughtUp: () => Promise<void>;
  /** The sessions due at `now`, from the read model. */
  findDue: (now: Date) => Iterable<DueSession>;
  /** Publishes one request per session to the session's owner (who decides; the sweep never does). */
  request: (sessionKeys: readonly string[], now: Date) => Promise<void>;
  clock: () => Date;
  intervalMs: number;
  log: Logger;
}

/**
 * The clock of the time-driven steps of a session (a vigilance review, G11 and G16): every `intervalMs` it looks in
 * a read model for sessions where a step fell due and asks their owner — the single writer of the session — on a
 * topic; it decides nothing itself. The owner decides the request in order with every other input, in the
 * transaction of its offset, so a crash between sweep and request loses nothing (the next sweep finds the same
 * sessions due), and a duplicate request — two instances sweeping, a retried publish — must be idempotent where it
 * is decided. A request covering a deadline is not sent again by this instance for one interval (the read model may
 * not show it decided yet).
 */
export class SessionSweep {
  readonly #options: SessionSweepOptions;
  /** Requests this instance sent: the instant they covered, and when they were sent (real time). */
  readonly #requested = new Map<string, { at: number; realAt: number }>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(options: SessionSweepOptions) {
    this.#options = options;
  }

  start(): void {
    this.#timer = setInterval(() => {
      void this.sweep().catch((error: unknown) =>
        this.#options.log.warn({ err: error }, `${this.#options.what}: sweep failed; next one will retry`),
      );
    }, this.#options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One sweep (never two at once): the number of sessions it sent a request to. */
  sweep(): Promise<number> {
    this.#running ??= this.#sweep().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #sweep(): Promise<number> {
    const { owner, caughtUp, findDue, request, clock, intervalMs, log, what } = this.#options;
    if (Object.values(owner.status().assignment).every((partitions) => partitions.length === 0)) return 0;
    await caughtUp();
    const now = clock();
    const realNow = Date.now();
    const due = new Set<string>();
    for (const { sessionKey, dueAt = Number.NEGATIVE_INFINITY } of findDue(now)) {
      const asked = this.#requested.get(sessionKey);
      if (asked && asked.at >= dueAt && realNow - asked.realAt < intervalMs) continue;
      due.add(sessionKey);
    }
    if (due.size === 0) return 0;
    await request([...due], now);
    for (const sessionKey of due) this.#requested.set(sessionKey, { at: now.getTime(), realAt: realNow });
    for (const [sessionKey, { realAt }] of this.#requested)
      if (realNow - realAt >= intervalMs) this.#requested.delete(sessionKey);
    log.info({ sessions: due.size }, `${what} requested`);
    return due.size;
  }
}
