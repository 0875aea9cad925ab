import { type RunnableTopics, runnableContracts, runnableTopics } from '@passerelle/schemas';

/** The topics the Kairos connector reads and writes, by role: derived from the catalogue (schemas/src/catalogue.ts). */
export type KairosTopics = RunnableTopics<'connector-kairos'>;

/** Its topic names behind a prefix (tests and rehearsals run on their own topics); unchanged when empty. */
export const kairosTopics = (prefix = ''): KairosTopics => runnableTopics('connector-kairos', prefix);

export const DEFAULT_TOPICS: KairosTopics = kairosTopics();

/** The catalogue's contracts; with a prefix, only the connector's topics, renamed. */
export const kairosContracts = (prefix = '') => runnableContracts('connector-kairos', prefix);
