import type { Contracts } from '@passerelle/bus';
import { contracts } from '@passerelle/schemas';

/** The topics the journey service reads and writes, by role. */
export interface JourneyTopics {
  offer: string;
  positioning: string;
  sessionEvents: string;
  reviews: string;
  erasures: string;
  status: string;
}

export const DEFAULT_TOPICS: JourneyTopics = {
  offer: 'offer.sessions.v1',
  positioning: 'positioning.requests.v1',
  sessionEvents: 'kairos.session-events.v1',
  reviews: 'journey.vigilance-reviews.v1',
  erasures: 'journey.erasures.v1',
  status: 'journey.status.v1',
};

/** The catalogue's names behind a prefix (tests and rehearsals run on their own topics); unchanged when empty. */
export function journeyTopics(prefix = ''): JourneyTopics {
  return Object.fromEntries(
    Object.entries(DEFAULT_TOPICS).map(([role, name]) => [role, `${prefix}${name}`]),
  ) as unknown as JourneyTopics;
}

/** The catalogue's contracts with the service's topics renamed by `prefix` (only those, when a prefix is set). */
export function journeyContracts(prefix = ''): Contracts {
  if (prefix === '') return contracts;
  const own = new Set(Object.values(DEFAULT_TOPICS));
  return {
    ...contracts,
    topics: contracts.topics
      .filter((topic) => own.has(topic.name))
      .map((topic) => ({ ...topic, name: `${prefix}${topic.name}` })),
  };
}
