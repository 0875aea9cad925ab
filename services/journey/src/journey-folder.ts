import type { Bus, ConsumedEvent, ManagedConsumer } from '@passerelle/bus';
import { evolveSession, type SessionEvent, type SessionJourneys } from './journey/session.js';
import { STATUS_RECORD, statusBodyOf, statusEventOf } from './status-record.js';
import type { JourneyTopics } from './topics.js';

export interface JourneyFolderOptions {
  bus: Bus;
  topics: JourneyTopics;
  groupId: string;
}

/** The consumed event's id and time: what a status it causes is derived from. */
function causeOf(event: ConsumedEvent): { eventId: string; occurredAt: Date } {
  const envelope = (event.value as { envelope?: { eventId?: string; occurredAt?: Date } } | null)?.envelope;
  return {
    eventId: envelope?.eventId ?? `${event.topic}:${event.partition}:${event.offset}`,
    occurredAt: envelope?.occurredAt ?? new Date(Number(event.timestamp)),
  };
}

/**
 * The owner of each session's journeys: one managed consumer over the co-partitioned inputs — positioning requests,
 * Kairos's session events, the offer, the service's own vigilance reviews and erasures — whose state is each
 * session's journeys (`evolveSession`), rebuilt from those same topics up to the group's committed offsets. For
 * each event the handler folds it, compares what `journey.status` would say of each journey of the session before
 * and after, and publishes what changed — a tombstone for an erased journey — in the transaction that commits the
 * event's offset: a status is published once per change, or not at all.
 */
export function declareJourneyFolder({ bus, topics, groupId }: JourneyFolderOptions): ManagedConsumer<SessionJourneys> {
  const inputs = [topics.positioning, topics.sessionEvents, topics.offer, topics.reviews, topics.erasures];
  // The runtime folds each consumed event into the state right after its handler, which has just computed that very
  // fold: the handler's result is reused (same state, same decoded event) instead of folding twice.
  let lastFold: { before: SessionJourneys | undefined; value: unknown; after: SessionJourneys } | undefined;
  const evolve = (current: SessionJourneys | undefined, event: SessionEvent) => {
    const known = lastFold;
    lastFold = undefined;
    if (known && known.before === current && known.value === event.value && event.value !== null) return known.after;
    return evolveSession(current, event);
  };
  return bus.consumer<SessionJourneys>({
    name: 'journey.folder',
    groupId,
    topics: inputs,
    state: { topics: inputs, apply: evolve },
    handle(event, context) {
      const sessionKey = event.key;
      if (sessionKey === null) return;
      const before = context.state(sessionKey);
      const after = evolveSession(before, { key: sessionKey, record: event.record, value: event.value });
      lastFold = { before, value: event.value, after };
      if (after === before) return;
      const cause = causeOf(event);
      const now = new Date();
      const journeyIds = new Set([...(before?.journeys.keys() ?? []), ...after.journeys.keys()]);
      let changed = 0;
      for (const journeyId of journeyIds) {
        const previous = before?.journeys.get(journeyId);
        const next = after.journeys.get(journeyId);
        if (previous === next) continue;
        const was = before && statusBodyOf(before, journeyId);
        const is = statusBodyOf(after, journeyId);
        if (is === undefined) {
          // Erased: compaction removes the journey from journey.status; every reader drops it on the tombstone.
          context.publish({ topic: topics.status, key: journeyId, record: STATUS_RECORD, value: null });
          changed += 1;
          continue;
        }
        if (was && JSON.stringify(was) === JSON.stringify(is)) continue;
        context.publish({
          topic: topics.status,
          key: journeyId,
          record: STATUS_RECORD,
          value: statusEventOf(is, cause, now),
        });
        changed += 1;
      }
      if (changed > 0) context.log.debug({ journeys: changed, eventId: cause.eventId }, 'journey statuses published');
    },
  });
}
