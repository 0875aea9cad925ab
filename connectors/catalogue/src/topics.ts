import type { Contracts } from '@passerelle/bus';
import { contracts } from '@passerelle/schemas';

/** The topics the catalogue connector reads and writes, by role. */
export interface CatalogueTopics {
  offer: string;
  sessionEvents: string;
  positioning: string;
  listings: string;
}

export const DEFAULT_TOPICS: CatalogueTopics = {
  offer: 'offer.sessions.v1',
  sessionEvents: 'kairos.session-events.v1',
  positioning: 'positioning.requests.v1',
  listings: 'catalogue.listings.v1',
};

/** The catalogue's names behind a prefix (tests and rehearsals run on their own topics); unchanged when empty. */
export function catalogueTopics(prefix = ''): CatalogueTopics {
  return {
    offer: `${prefix}${DEFAULT_TOPICS.offer}`,
    sessionEvents: `${prefix}${DEFAULT_TOPICS.sessionEvents}`,
    positioning: `${prefix}${DEFAULT_TOPICS.positioning}`,
    listings: `${prefix}${DEFAULT_TOPICS.listings}`,
  };
}

/** The contracts with the connector's topics renamed by `prefix` (only those topics, so only those get created). */
export function catalogueContracts(prefix = ''): Contracts {
  if (prefix === '') return contracts;
  const own = new Set(Object.values(DEFAULT_TOPICS));
  return {
    ...contracts,
    topics: contracts.topics
      .filter((topic) => own.has(topic.name))
      .map((topic) => ({ ...topic, name: `${prefix}${topic.name}` })),
  };
}
