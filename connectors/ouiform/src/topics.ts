import type { Contracts } from '@passerelle/bus';
import { contracts } from '@passerelle/schemas';

/** The topics the Ouiform connector reads and writes, by role. */
export interface OuiformTopics {
  positioning: string;
  sessionEvents: string;
  listings: string;
}

export const DEFAULT_TOPICS: OuiformTopics = {
  positioning: 'positioning.requests.v1',
  sessionEvents: 'kairos.session-events.v1',
  listings: 'catalogue.listings.v1',
};

/** The catalogue's names behind a prefix (tests and rehearsals run on their own topics); unchanged when empty. */
export function ouiformTopics(prefix = ''): OuiformTopics {
  return {
    positioning: `${prefix}${DEFAULT_TOPICS.positioning}`,
    sessionEvents: `${prefix}${DEFAULT_TOPICS.sessionEvents}`,
    listings: `${prefix}${DEFAULT_TOPICS.listings}`,
  };
}

/** The catalogue's contracts with the connector's topics renamed by `prefix` (only those, when prefixed). */
export function ouiformContracts(prefix = ''): Contracts {
  if (prefix === '') return contracts;
  const own = new Set(Object.values(DEFAULT_TOPICS));
  return {
    ...contracts,
    topics: contracts.topics
      .filter((topic) => own.has(topic.name))
      .map((topic) => ({ ...topic, name: `${prefix}${topic.name}` })),
  };
}
