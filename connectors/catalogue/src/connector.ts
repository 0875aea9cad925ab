import type { ServiceDefinition } from '@passerelle/runtime';
import { journeyIdFor } from '@passerelle/schemas';
import { catalogueConfigSchema } from './config.js';
import { declareListingsProjector } from './consumer/listings-projector.js';
import { CatalogueTokens } from './http/auth.js';
import { registerCatalogueRoutes } from './http/routes.js';
import { SelfRegistrationGateway } from './positioning/gateway.js';
import { SelfRegistrations } from './positioning/self-registrations.js';
import { ChannelListings } from './search/channel-listings.js';
import { catalogueContracts, catalogueTopics } from './topics.js';

export interface CatalogueConnectorOptions {
  env?: NodeJS.ProcessEnv;
  /** The clock ("today" of the search, time of requests); tests move it. */
  clock?: () => Date;
}

/**
 * The catalogue channels connector as a runnable: the listing projector (one writer per session partition), the
 * channels' search served by every instance from a follower of the listings, and DE self-registration. Topic names
 * come from `CATALOGUE_TOPIC_PREFIX` in `env`, as the contracts must know them before start.
 */
export function catalogueConnector({
  env = process.env,
  clock = () => new Date(),
}: CatalogueConnectorOptions = {}): ServiceDefinition<typeof catalogueConfigSchema> {
  return {
    name: 'connector-catalogue',
    contracts: catalogueContracts(env.CATALOGUE_TOPIC_PREFIX ?? ''),
    configSchema: catalogueConfigSchema,
    setup({ config, bus, http }) {
      const topics = catalogueTopics(config.CATALOGUE_TOPIC_PREFIX);
      declareListingsProjector({ bus, topics, groupId: config.CATALOGUE_GROUP_ID, clock });
      const listings = new ChannelListings(bus, topics.listings);
      const registrations = new SelfRegistrations();
      registrations.follow(bus, topics);
      const gateway = new SelfRegistrationGateway({
        bus,
        topics,
        registrations,
        clock,
        journeyIdOf: (deIdentifier, sessionKey) => journeyIdFor(config.JOURNEY_SECRET, deIdentifier, sessionKey),
      });
      registerCatalogueRoutes(http, {
        tokens: new CatalogueTokens(config.CATALOGUE_TOKENS, { deTokenKey: config.CATALOGUE_DE_TOKEN_KEY, clock }),
        listings,
        gateway,
        decisionTimeoutMs: config.CATALOGUE_DECISION_TIMEOUT_MS,
        clock,
      });
    },
  };
}
