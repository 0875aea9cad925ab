import type { Bus, ConsumedEvent, HandlerContext } from '@passerelle/bus';
import type { EventEnvelope } from '@passerelle/schemas';
import { type ListingCause, listingChanges } from '../projection/project-listings.js';
import { applySessionEvent, type CatalogueSession } from '../projection/session-state.js';
import type { CatalogueTopics } from '../topics.js';

const LISTING = 'fr.passerelle.catalogue.ListingPublished';

/**
 * The listing projector: one writer per session partition (group `connector-catalogue`) over the offer and Kairos's
 * session events, its state — each session's offer, modalities and place holders — rebuilt from those same input
 * topics up to the group's committed offset. For each event it publishes, in the transaction that commits the
 * event's offset, the listings it changed and the tombstones of the channels the session left.
 */
export function declareListingsProjector({
  bus,
  topics,
  groupId,
  clock,
}: {
  bus: Bus;
  topics: CatalogueTopics;
  groupId: string;
  clock: () => Date;
}) {
  return bus.consumer<CatalogueSession>({
    name: 'catalogue.listings-projector',
    groupId,
    topics: [topics.offer, topics.sessionEvents],
    state: { topics: [topics.offer, topics.sessionEvents], apply: applySessionEvent },
    handle(event: ConsumedEvent, context: HandlerContext<CatalogueSession>) {
      if (event.key === null) return;
      const before = context.state(event.key);
      const after = applySessionEvent(before, event);
      for (const change of listingChanges(before, after, causeOf(event), clock()))
        context.publish({ topic: topics.listings, key: change.key, record: LISTING, value: change.listing });
    },
  });
}

/** An event's own id and time; a tombstone has none, so its coordinates stand in (still deterministic). */
function causeOf(event: ConsumedEvent): ListingCause {
  const envelope = (event.value as { envelope?: EventEnvelope } | null)?.envelope;
  if (envelope) return envelope;
  return {
    eventId: `${event.topic}:${event.partition}:${event.offset}`,
    occurredAt: new Date(Number(event.timestamp)),
  };
}
