import { type RunnableTopics, runnableContracts, runnableTopics } from '@passerelle/schemas';

/** The topics the catalogue connector reads and writes, by role, as schemas/src/catalogue.ts declares them. */
export type CatalogueTopics = RunnableTopics<'connector-catalogue'>;

export const catalogueTopics = (prefix = ''): CatalogueTopics => runnableTopics('connector-catalogue', prefix);

export const DEFAULT_TOPICS: CatalogueTopics = catalogueTopics();

export const catalogueContracts = (prefix = '') => runnableContracts('connector-catalogue', prefix);
