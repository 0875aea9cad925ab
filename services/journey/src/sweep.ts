import type { Bus, ManagedConsumer } from '@passerelle/bus';
import { SessionSweep } from '@passerelle/runtime';
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

export type VigilanceSweep = SessionSweep;

/**
 * The clock of the files under watch. Every `journey.status` says when its next vigilance flag falls due
 * (`vigilanceDueAt`); the sweep asks for a review of the sessions past due on `journey.vigilance-reviews`. The owner
 * of the session folds the new time into the session's state and publishes the statuses that changed in the
 * transaction of the review's offset; a review not later than the session's clock is a no-op, so duplicates are
 * harmless.
 */
export function vigilanceSweep({ bus, topics, readModel, folder, clock, intervalMs, log }: VigilanceSweepOptions) {
  return new SessionSweep({
    what: 'vigilance reviews',
    owner: folder,
    caughtUp: () => readModel.follower.caughtUp(),
    *findDue(now) {
      for (const status of readModel.all()) {
        const dueAt = status.vigilanceDueAt?.getTime();
        if (dueAt !== undefined && dueAt <= now.getTime()) yield { sessionKey: status.sessionKey, dueAt };
      }
    },
    request: (sessionKeys, now) =>
      bus.publish(
        sessionKeys.map((sessionKey) => {
          const value: VigilanceReviewRequested = {
            envelope: {
              eventId: `journey:review:${sessionKey}:${now.getTime()}`,
              occurredAt: now,
              recordedAt: new Date(),
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
      ),
    clock,
    intervalMs,
    log,
  });
}
