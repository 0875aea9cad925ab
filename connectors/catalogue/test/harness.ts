import { randomBytes } from 'node:crypto';
import type { Bus, ConsumedEvent } from '@passerelle/bus';
import { type RunningService, type StartOptions, startService } from '@passerelle/runtime';
import type {
  EventEnvelope,
  ListingPublished,
  OfferSession,
  PositioningRequested,
  PositioningWithdrawn,
  RecordTypes,
  RecruitmentModality,
} from '@passerelle/schemas';
import { journeyIdFor } from '@passerelle/schemas';
import { fixtures, offerSession, offerSessionWith } from '@passerelle/schemas/fixtures';
import { waitFor } from '@passerelle/test-kit';
import {
  type HttpResponse,
  httpCall,
  later,
  topicPrefix as prefixFor,
  runnableEnv,
  startFollowing,
  testBus,
} from '@passerelle/test-kit/runnable';
import { afterAll, beforeAll } from 'vitest';
import { catalogueConnector } from '../src/connector.js';
import { type CatalogueTopics, catalogueContracts, catalogueTopics } from '../src/topics.js';

export const SEARCH_TOKEN = randomBytes(18).toString('base64url');
export const DE_TOKEN = randomBytes(18).toString('base64url');
export const OTHER_DE_TOKEN = randomBytes(18).toString('base64url');
export const DE_IDENTIFIER = '3012345C';
export const OTHER_DE_IDENTIFIER = '3098765D';
export const JOURNEY_SECRET = 'integration-journey-secret';
/** Key of the signed DE tokens, as the channels' identity layer and the connector share it. */
export const DE_TOKEN_KEY = randomBytes(32).toString('base64url');

export const topicPrefix = () => prefixFor('catalogue');

/** The environment of a connector instance on the test's own topics and group. */
export const catalogueEnv = (prefix: string, env: Record<string, string> = {}) =>
  runnableEnv('catalogue', {
    CATALOGUE_TOPIC_PREFIX: prefix,
    CATALOGUE_GROUP_ID: `${prefix}connector-catalogue`,
    CATALOGUE_TOKENS: JSON.stringify({
      [SEARCH_TOKEN]: { role: 'SEARCH' },
      [DE_TOKEN]: { role: 'DE', deIdentifier: DE_IDENTIFIER },
      [OTHER_DE_TOKEN]: { role: 'DE', deIdentifier: OTHER_DE_IDENTIFIER },
    }),
    JOURNEY_SECRET,
    CATALOGUE_DE_TOKEN_KEY: DE_TOKEN_KEY,
    ...env,
  });

/** One connector instance on the test's own topics and group. */
export async function startCatalogue(
  prefix: string,
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<RunningService> {
  const fullEnv = catalogueEnv(prefix, env);
  return startService(catalogueConnector({ env: fullEnv }), fullEnv, options);
}

export interface CatalogueFile {
  prefix: string;
  broker: Broker;
  /** The file's instance (usable once the file's set-up ran). */
  service: RunningService;
}

/**
 * A test file's catalogue connector: its own topics, the test's side of the broker and one instance with `env`,
 * started before the file's tests and stopped after them.
 */
export function useCatalogue(env: Record<string, string> = {}, options: StartOptions = {}): CatalogueFile {
  const prefix = topicPrefix();
  const broker = new Broker(prefix);
  let service: RunningService | undefined;
  beforeAll(async () => {
    await broker.start();
    service = await startCatalogue(prefix, env, options);
  });
  afterAll(async () => {
    await service?.stop();
    await broker.bus.stop();
  });
  return { prefix, broker, service: later(() => service, 'The catalogue instance') };
}

// biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON the API answers
export type Response = HttpResponse<any>;

export function call(
  url: string,
  path: string,
  {
    token = SEARCH_TOKEN,
    method = 'GET',
    body,
    headers = {},
  }: { token?: string | null; method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return httpCall(url, method, path, { token, body, headers });
}

export const sessionsPath = (channel: string, query = '') => `/channels/${channel}/sessions${query ? `?${query}` : ''}`;
export const sessionPath = (channel: string, sessionKey: string) =>
  `/channels/${channel}/sessions/${encodeURIComponent(sessionKey)}`;

let sequence = 0;
const envelope = (
  eventId: string,
  actor: EventEnvelope['actor'] = fixtures['fr.passerelle.kairos.RecruitmentModalityScheduled'].envelope.actor,
): EventEnvelope => ({
  eventId,
  occurredAt: new Date(),
  recordedAt: new Date(),
  actor,
  sourceSystem: 'KAIROS',
  correlationId: 'test',
  causationId: null,
});

/**
 * The test's side of the broker: publishes what SOFI and Kairos would (offer snapshots, modality and registration
 * events — the test plays Kairos where it says so) and follows what the connector commits on catalogue.listings
 * and positioning.requests.
 */
export class Broker {
  readonly bus: Bus;
  readonly topics: CatalogueTopics;
  /** Latest listing (null: tombstone) per key, as committed. */
  readonly listings = new Map<string, ListingPublished | null>();
  readonly listingEvents: ConsumedEvent[] = [];
  readonly positionings: PositioningRequested[] = [];
  readonly withdrawals: PositioningWithdrawn[] = [];

  constructor(prefix: string) {
    this.topics = catalogueTopics(prefix);
    this.bus = testBus('catalogue-test', catalogueContracts(prefix));
    this.bus.follow({
      name: 'catalogue-test.listings',
      topics: [this.topics.listings],
      fromBeginning: true,
      onEvent: (event) => {
        this.listingEvents.push(event);
        if (event.key !== null) this.listings.set(event.key, event.value as ListingPublished | null);
      },
    });
    this.bus.follow({
      name: 'catalogue-test.positionings',
      topics: [this.topics.positioning],
      fromBeginning: true,
      onEvent: (event) => {
        if (event.record === 'fr.passerelle.positioning.PositioningRequested')
          this.positionings.push(event.value as PositioningRequested);
        if (event.record === 'fr.passerelle.positioning.PositioningWithdrawn')
          this.withdrawals.push(event.value as PositioningWithdrawn);
      },
    });
  }

  /** The positioning requests published on a session so far. */
  positioningsOn(sessionKey: string) {
    return this.positionings.filter((request) => request.target.sessionKey === sessionKey);
  }

  /** Creates the topics, waits for their leaders, then follows them. */
  start() {
    return startFollowing(this.bus, Object.values(this.topics));
  }

  async publishOffer(
    record: 'fr.passerelle.offer.SessionPublished' | 'fr.passerelle.offer.SessionUpdated',
    session: OfferSession,
  ) {
    sequence += 1;
    const value =
      record === 'fr.passerelle.offer.SessionPublished'
        ? { envelope: envelope(`sofi:${session.sessionKey}:${sequence}`), sessionKey: session.sessionKey, session }
        : {
            envelope: envelope(`sofi:${session.sessionKey}:${sequence}`),
            sessionKey: session.sessionKey,
            session,
            changedFields: ['session'],
          };
    await this.bus.publish([{ topic: this.topics.offer, key: session.sessionKey, record, value }]);
  }

  async withdraw(session: OfferSession) {
    await this.bus.publish([
      {
        topic: this.topics.offer,
        key: session.sessionKey,
        record: 'fr.passerelle.offer.SessionWithdrawn',
        value: {
          envelope: envelope(`sofi:${session.sessionKey}:withdrawn`),
          sessionKey: session.sessionKey,
          reason: 'ABSENT_FROM_EXPORT',
          lastKnown: session,
        },
      },
    ]);
  }

  /** Publishes Kairos session events (the test plays Kairos). */
  async kairos<Name extends keyof RecordTypes>(
    sessionKey: string,
    record: Name,
    value: Omit<RecordTypes[Name], 'envelope'>,
  ) {
    sequence += 1;
    await this.bus.publish([
      {
        topic: this.topics.sessionEvents,
        key: sessionKey,
        record,
        value: { envelope: envelope(`kairos:test:${sequence}`), ...value },
      },
    ]);
  }

  async schedule(sessionKey: string, modality: RecruitmentModality) {
    await this.kairos(sessionKey, 'fr.passerelle.kairos.RecruitmentModalityScheduled', { sessionKey, modality });
  }

  /** The listing of `channel|sessionKey` once it satisfies `check` (waits: the follower trails the commit). */
  listing(channel: string, sessionKey: string, check: (listing: ListingPublished | null | undefined) => boolean) {
    return waitFor(
      () => {
        const listing = this.listings.get(`${channel}|${sessionKey}`);
        return check(listing) ? (listing ?? null) : undefined;
      },
      { description: `the ${channel} listing of ${sessionKey}` },
    );
  }
}

/** A session of the offer with its own key and a title of its own (so a search finds exactly it). */
export function offerWith(title: string, overrides: Partial<OfferSession['session']> = {}): OfferSession {
  return offerSessionWith({
    formation: { title },
    session: { start: '2030-09-01', end: '2031-06-30', recruitmentState: 'OPEN', expired: false, ...overrides },
  });
}

export function ico(modalityId: string, capacity: number, date = '2030-06-15'): RecruitmentModality {
  return {
    ...fixtures['fr.passerelle.kairos.RecruitmentModalityScheduled'].modality,
    modalityId,
    date,
    capacity,
  };
}

export function candidatureWindow(modalityId: string, capacity: number): RecruitmentModality {
  return {
    ...fixtures['fr.passerelle.kairos.RecruitmentModalityAdjusted'].modality,
    modalityId,
    capacity,
    receptionStart: '2026-01-01',
    receptionEnd: '2030-12-31',
  };
}

export const trainee = (sessionKey: string, deIdentifier = '4000000Z') => ({
  sessionKey,
  journeyId: journeyIdFor(JOURNEY_SECRET, deIdentifier, sessionKey),
  siret: offerSession.formation.responsibleOrganisation.siret,
  deliveringSiret: null,
});
