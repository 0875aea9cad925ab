import type { Contracts } from '@passerelle/bus';
import { contracts } from '@passerelle/schemas';
import { OFFER_TOPIC } from './import/offer-importer.js';

/**
 * The catalogue's contracts with the offer topic renamed (tests and staging imports use their own topic, set by
 * `SOFI_OFFER_TOPIC`); the catalogue unchanged when `topic` is the default.
 */
export function offerContracts(topic: string = OFFER_TOPIC): Contracts {
  if (topic === OFFER_TOPIC) return contracts;
  return {
    ...contracts,
    topics: contracts.topics.map((spec) => (spec.name === OFFER_TOPIC ? { ...spec, name: topic } : spec)),
  };
}
