import { type RunnableTopics, runnableContracts, runnableTopics } from '@passerelle/schemas';

/**
 * The topics of the Ouiform connector by role, derived from the catalogue's producers and consumers (which also
 * name offer.sessions and journey.status for it, though it reads the OUIFORM listing and Kairos's events instead).
 */
export type OuiformTopics = RunnableTopics<'connector-ouiform'>;

export const ouiformTopics = (prefix = ''): OuiformTopics => runnableTopics('connector-ouiform', prefix);

export const DEFAULT_TOPICS: OuiformTopics = ouiformTopics();

export const ouiformContracts = (prefix = '') => runnableContracts('connector-ouiform', prefix);
