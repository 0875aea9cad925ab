import { type RunnableTopics, runnableContracts, runnableTopics } from '@passerelle/schemas';

/** What the journey service reads and writes, by role: the catalogue's topics naming service-journey. */
export type JourneyTopics = RunnableTopics<'service-journey'>;

export const journeyTopics = (prefix = ''): JourneyTopics => runnableTopics('service-journey', prefix);

export const DEFAULT_TOPICS: JourneyTopics = journeyTopics();

export const journeyContracts = (prefix = '') => runnableContracts('service-journey', prefix);
