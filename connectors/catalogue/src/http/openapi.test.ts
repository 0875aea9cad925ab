import type { ListingQuery } from '@passerelle/listing-index';
import { createHttpServer, createLogger, servedOpenApiProblems } from '@passerelle/service-kit';
import { describe, expect, it } from 'vitest';
import type { SelfRegistrationGateway } from '../positioning/gateway.js';
import type { ChannelListings } from '../search/channel-listings.js';
import { CatalogueTokens } from './auth.js';
import { registerCatalogueRoutes } from './routes.js';

const TOKEN = 'catalogue-contract-test-token';

function catalogue() {
  const http = createHttpServer({ log: createLogger({ service: 'test', level: 'silent' }) });
  const queries: ListingQuery[] = [];
  const listings = {
    ready: true,
    search: (_channel: string, query: ListingQuery) => {
      queries.push(query);
      return { total: 0, page: 1, pageSize: 20, hits: [] };
    },
  } as unknown as ChannelListings;
  // Registering routes touches none of their dependencies: the contract is read without a broker.
  registerCatalogueRoutes(http, {
    tokens: new CatalogueTokens(new Map([[TOKEN, { role: 'SEARCH' }]])),
    listings,
    gateway: {} as SelfRegistrationGateway,
    decisionTimeoutMs: 1,
    clock: () => new Date('2026-12-04T10:00:00Z'),
  });
  const search = (query: string) =>
    http.inject({
      method: 'GET',
      url: `/channels/TMF/sessions?${query}`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
  return { http, queries, search };
}

describe('catalogue HTTP contract', () => {
  it('when /openapi.json is fetched, then it is OpenAPI 3.1 with every route the server registered', async () => {
    expect(await servedOpenApiProblems(catalogue().http)).toEqual([]);
  });

  it('when searching, then the shared contract holds: two-digit funders, a point with a default radius', async () => {
    const { queries, search } = catalogue();

    expect((await search('funder=4,16')).statusCode).toBe(200);
    expect(queries.at(-1)?.funders).toEqual([4, 16]);
    const refused = await search('funder=100');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors.map((error: { field: string }) => error.field)).toEqual(['querystring.funder']);
    expect((await search('lat=47.2&lon=-1.6')).statusCode).toBe(200);
    expect(queries.at(-1)?.near).toEqual({ latitude: 47.2, longitude: -1.6, radiusKm: 30 });
  });
});
