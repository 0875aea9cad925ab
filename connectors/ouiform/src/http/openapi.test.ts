import type { Bus, Follower, Replies } from '@passerelle/bus';
import { createHttpServer, createLogger, servedOpenApiProblems } from '@passerelle/service-kit';
import { describe, expect, it, vi } from 'vitest';
import type { FollowUpStore } from '../follow-up/follow-up-store.js';
import { OuiformListing } from '../sessions/session-search.js';
import type { OuiformTopics } from '../topics.js';
import type { SubscriptionChanges } from '../webhooks/subscription-changes.js';
import { WebhookSubscriptions } from '../webhooks/subscriptions.js';
import { PrescriberTokens } from './prescriber-tokens.js';
import { registerOuiformRoutes } from './routes.js';
import { registerWebhookSubscriptionRoutes } from './webhook-routes.js';

const TOKEN = 'ouiform-contract-test-token';

function ouiform() {
  const http = createHttpServer({ log: createLogger({ service: 'test', level: 'silent' }) });
  const listing = new OuiformListing();
  const tokens = new PrescriberTokens(
    new Map([[TOKEN, { network: 'MISSION_LOCALE', organisation: 'ML Nantes', roles: ['prescriber'] }]]),
  );
  // Registering routes touches none of their dependencies: the contract is read without a broker.
  registerWebhookSubscriptionRoutes(http, {
    subscriptions: new WebhookSubscriptions(),
    follower: {} as Follower,
    changes: {} as SubscriptionChanges,
    tokens,
    secretKey: 'unused',
    allowLoopback: false,
  });
  registerOuiformRoutes(http, {
    bus: {} as Bus,
    store: {} as FollowUpStore,
    prescriptions: {} as Follower,
    listing,
    replies: {} as Replies,
    tokens,
    topics: {} as OuiformTopics,
    journeySecret: 'unused',
    decisionTimeoutMs: 1,
  });
  const search = (query: string) =>
    http.inject({ method: 'GET', url: `/sessions?${query}`, headers: { authorization: `Bearer ${TOKEN}` } });
  return { http, listing, search };
}

describe('Ouiform HTTP contract', () => {
  it('when /openapi.json is fetched, then it is OpenAPI 3.1 with every route the server registered and the webhook', async () => {
    const { http } = ouiform();

    expect(await servedOpenApiProblems(http)).toEqual([]);
    const document = (await http.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(document.webhooks)).toEqual(['followUp']);
  });

  it('when searching, then the shared contract holds: two-digit funders, a point with a default radius', async () => {
    const { listing, search } = ouiform();
    const queries = vi.spyOn(listing.index, 'search');

    expect((await search('funder=4,16')).statusCode).toBe(200);
    const refused = await search('funder=100');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors.map((error: { field: string }) => error.field)).toEqual(['querystring.funder']);
    expect((await search('lat=47.2')).json().errors).toEqual([
      { field: 'querystring.lon', message: 'lat and lon go together' },
    ]);
    expect((await search('lat=47.2&lon=-1.6')).statusCode).toBe(200);
    expect(queries.mock.calls.at(-1)?.[0].near).toEqual({ latitude: 47.2, longitude: -1.6, radiusKm: 30 });
  });
});
