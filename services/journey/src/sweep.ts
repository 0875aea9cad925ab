import type { Bus, ManagedConsumer } from '@passerelle/bus';
import type { VigilanceReviewRequested } from '@passerelle/schemas';
import type { Logger } from '@passerelle/service-kit';
import type { SessionJourneys } from './journey/session.js';
import type { JourneyReadModel } from './read-model.js';
import type { JourneyTopics } from './topics.js';

export const REVIEW_RECORD = 'fr.passerelle.journey.VigilanceReviewRequested';

export interface VigilanceSweepOptions {
  bus: Bus;
  topics: JourneyTopics;
  readModel: JourneyReadModel;
  folder: ManagedConsumer<SessionJourneys>;
  clock: () => Date;
  intervalMs: number;
  log: Logger;
}

/**
 * The clock of the files under watch. Every `journey.status` says when its next vigilance flag falls due
 * (`vigilanceDueAt`); the sweep looks for those past due in the read model and asks for a review of their sessions
 * on `journey.vigilance-reviews` — it decides nothing itself. The owner of the session consumes the review like any
 * other input: it folds the new time into the session's state and publishes the statuses that changed in the
 * transaction of the review's offset. So a review is effectively once, a crash between sweep and review loses
 * nothing (the next sweep finds the same journeys due), and duplicate reviews — two instances sweeping, a retried
 * publish — are idempotent (a review not later than the session's clock is a no-op). Instances owning no partition
 * stay quiet.
 */
export class VigilanceSweep {
  readonly #options: VigilanceSweepOptions;
  /** Reviews this instance asked for: the instant reviewed, and when it asked (real time). */
  readonly #requested = new Map<string, { at: number; realAt: number }>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(options: VigilanceSweepOptions) {
    this.#options = options;
  }

  start() {
    this.#timer = setInterval(() => {
      void this.sweep().catch((error: unknown) =>
        this.#options.log.warn({ err: error }, 'vigilance sweep failed; next one will retry'),
      );
    }, this.#options.intervalMs);
    this.#timer.unref();
  }

  stop() {
    clearInterval(this.#timer);
  }

  /** One sweep: the number of sessions whose review it requested. */
  sweep(): Promise<number> {
    this.#running ??= this.#sweep().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #sweep(): Promise<number> {
    const { bus, topics, readModel, folder, clock, intervalMs } = this.#options;
    if (Object.values(folder.status().assignment).every((partitions) => partitions.length === 0)) return 0;
    await readModel.follower.caughtUp();
    const now = clock();
    const realNow = Date.now();
    const requests = new Set<string>();
    for (const status of readModel.all()) {
      const due = status.vigilanceDueAt?.getTime();
      if (due === undefined || due > now.getTime()) continue;
      // A review covering this deadline was asked for a moment ago and may not be folded yet: not asked twice.
      const asked = this.#requested.get(status.sessionKey);
      if (asked && asked.at >= due && realNow - asked.realAt < intervalMs) continue;
      requests.add(status.sessionKey);
    }
    if (requests.size === 0) return 0;
    await bus.publish(
      [...requests].map((sessionKey) => {
        const value: VigilanceReviewRequested = {
          envelope: {
            eventId: `journey:review:${sessionKey}:${now.getTime()}`,
            occurredAt: now,
            recordedAt: new Date(realNow),
            actor: { kind: 'SYSTEM', siret: null, organisationName: null, prescriberNetwork: null, channel: null },
            sourceSystem: 'PASSERELLE',
            correlationId: sessionKey,
            causationId: null,
          },
          sessionKey,
          at: now,
        };
        return { topic: topics.reviews, key: sessionKey, record: REVIEW_RECORD, value };
      }),
    );
    for (const sessionKey of requests) this.#requested.set(sessionKey, { at: now.getTime(), realAt: realNow });
    this.#options.log.info({ sessions: requests.size }, 'vigilance reviews requested');
    return requests.size;
  }
}
