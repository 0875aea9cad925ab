import type { Contracts } from '@passerelle/bus';
import { contracts } from '@passerelle/schemas';

/** The topics the Kairos connector reads and writes, by role. */
export interface KairosTopics {
  offer: string;
  positioning: string;
  sessionEvents: string;
  commands: string;
  outcomes: string;
}

export const DEFAULT_TOPICS: KairosTopics = {
  offer: 'offer.sessions.v1',
  positioning: 'positioning.requests.v1',
  sessionEvents: 'kairos.session-events.v1',
  commands: 'kairos.commands.v1',
  outcomes: 'kairos.command-outcomes.v1',
};

/** The catalogue's names behind a prefix (tests and rehearsals run on their own topics); unchanged when empty. */
export function kairosTopics(prefix = ''): KairosTopics {
  return Object.fromEntries(
    Object.entries(DEFAULT_TOPICS).map(([role, name]) => [role, `${prefix}${name}`]),
  ) as unknown as KairosTopics;
}

/** The catalogue's contracts with the connector's topics renamed by `prefix` (the others untouched). */
export function kairosContracts(prefix = ''): Contracts {
  if (prefix === '') return contracts;
  const own = new Set(Object.values(DEFAULT_TOPICS));
  return {
    ...contracts,
    topics: contracts.topics
      .filter((topic) => own.has(topic.name))
      .map((topic) => ({ ...topic, name: `${prefix}${topic.name}` })),
  };
}
