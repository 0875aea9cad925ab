import { randomBytes } from 'node:crypto';
import type { Bus, ConsumedEvent } from '@passerelle/bus';
import { type RunningService, type StartOptions, startService } from '@passerelle/runtime';
import type { KairosCommand, OfferSession, PositioningRequested } from '@passerelle/schemas';
import { journeyIdFor } from '@passerelle/schemas';
import { offerSession, offerSessionWith } from '@passerelle/schemas/fixtures';
import { patience, uniqueName, waitFor, waitForSettledGroups } from '@passerelle/test-kit';
import {
  type HttpResponse,
  httpCall,
  later,
  topicPrefix as prefixFor,
  runnableEnv,
  startFollowing,
  TestClock,
  testBus,
} from '@passerelle/test-kit/runnable';
import { afterAll, beforeAll } from 'vitest';
import { kairosConnector } from '../src/connector.js';
import type { DeadlineSweep } from '../src/consumer/deadline-sweep.js';
import type { SessionAggregate } from '../src/domain/state.js';
import { type KairosTopics, kairosContracts, kairosTopics } from '../src/topics.js';

export { TestClock };

export const RESPONSIBLE = offerSession.formation.responsibleOrganisation.siret;
export const OTHER_OF = '11111111100011';
export const TOKEN = randomBytes(18).toString('base64url');
export const OTHER_TOKEN = randomBytes(18).toString('base64url');
/** A France Travail adviser's token (the AIF quote decision). */
export const ADVISER_TOKEN = randomBytes(18).toString('base64url');
export const JOURNEY_SECRET = 'integration-journey-secret';

export interface KairosInstance {
  service: RunningService;
  /** Its deadline sweep (tests run it after moving the clock; its own interval is an hour). */
  sweep: DeadlineSweep;
  api: Api;
  other: Api;
  /** The France Travail adviser's client (KAIROS_ADVISER_TOKENS). */
  adviser: Api;
}

/** One connector instance on the test stack, on the file's own topics and group (instances of a test share them). */
export async function startKairos(
  prefix: string,
  clock: TestClock,
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<KairosInstance> {
  const fullEnv = runnableEnv('kairos', {
    KAIROS_TOPIC_PREFIX: prefix,
    KAIROS_GROUP_ID: `${prefix}connector-kairos`,
    KAIROS_TOKENS: JSON.stringify({ [TOKEN]: [RESPONSIBLE], [OTHER_TOKEN]: [OTHER_OF] }),
    KAIROS_ADVISER_TOKENS: JSON.stringify({ [ADVISER_TOKEN]: 'France Travail Nantes Est' }),
    JOURNEY_SECRET,
    // The wait for the writer's outcome before a 202 (default 5 s): tests that expect the outcome in the answer wait
    // on the system through it, so it scales like their other deadlines.
    KAIROS_COMMAND_TIMEOUT_MS: String(patience(5000)),
    // Tests move the clock past starts and ends: time-driven acts happen only when a test runs the sweep.
    KAIROS_DEADLINE_SWEEP_INTERVAL_MS: '3600000',
    ...env,
  });
  let sweep: DeadlineSweep | undefined;
  const service = await startService(
    kairosConnector({ env: fullEnv, clock: clock.now, onSweep: (created) => (sweep = created) }),
    fullEnv,
    options,
  );
  if (!sweep) throw new Error('the connector declared no deadline sweep');
  return {
    service,
    sweep,
    api: new Api(service.url, TOKEN),
    other: new Api(service.url, OTHER_TOKEN),
    adviser: new Api(service.url, ADVISER_TOKEN),
  };
}

export const topicPrefix = () => prefixFor('kairos');

export type Response = HttpResponse<
  Record<string, unknown> & { eventIds?: string[]; rule?: string; errors?: { field: string }[] }
>;

/** The OF API as a client sees it. */
export class Api {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  request(
    method: string,
    path: string,
    body?: unknown,
    token: string | null = this.token,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return httpCall(this.url, method, path, { token, body, headers }, {});
  }

  post = (path: string, body: unknown = {}) => this.request('POST', path, body);
  patch = (path: string, body: unknown) => this.request('PATCH', path, body);
  delete = (path: string, body?: unknown) => this.request('DELETE', path, body);
  get = (path: string) => this.request('GET', path);
}

export const sessionPath = (sessionKey: string) => `/sessions/${encodeURIComponent(sessionKey)}`;

/**
 * The test's own view of the broker: a separate bus following the connector's topics from the beginning, so a test
 * checks what was really committed (read-committed) on kairos.session-events, and publishes the inputs the
 * connector consumes (offer snapshots, positioning requests).
 */
export class Broker {
  readonly bus: Bus;
  readonly topics: KairosTopics;
  readonly events = new Map<string, ConsumedEvent>();
  readonly sessionEvents: ConsumedEvent[] = [];

  constructor(prefix: string) {
    this.topics = kairosTopics(prefix);
    this.bus = testBus('kairos-test', kairosContracts(prefix));
    this.bus.follow({
      name: 'kairos-test.commands',
      topics: [this.topics.commands],
      fromBeginning: true,
      onEvent: (event) => {
        const command = event.value as KairosCommand;
        this.commands.set(command.commandId, command);
      },
    });
    this.bus.follow({
      name: 'kairos-test.session-events',
      topics: [this.topics.sessionEvents],
      fromBeginning: true,
      onEvent: (event) => {
        const eventId = (event.value as { envelope: { eventId: string } }).envelope.eventId;
        this.events.set(eventId, event);
        this.sessionEvents.push(event);
      },
    });
  }

  /** Commands the instances routed, by command id. */
  readonly commands = new Map<string, KairosCommand>();

  /** Creates the topics, waits for their leaders, then follows them. */
  start() {
    return startFollowing(this.bus, Object.values(this.topics));
  }

  /** The committed events with these ids, in order (waits for them: the follower trails the commit slightly). */
  async recorded(eventIds: readonly string[] | undefined): Promise<ConsumedEvent[]> {
    const ids = eventIds ?? [];
    return waitFor(() => (ids.every((id) => this.events.has(id)) ? ids.map((id) => this.events.get(id)) : undefined), {
      description: `events ${ids.join(', ')} on the broker`,
    }) as Promise<ConsumedEvent[]>;
  }

  /** Record short names of committed events. */
  async recordNames(eventIds: readonly string[] | undefined): Promise<string[]> {
    return (await this.recorded(eventIds)).map((event) => event.record?.split('.').at(-1) ?? '');
  }

  /** Committed events answering a positioning request. */
  answersTo(requestId: string): ConsumedEvent[] {
    return this.sessionEvents.filter((event) => (event.value as { requestId?: string | null }).requestId === requestId);
  }

  async publishSession(session: OfferSession): Promise<void> {
    await this.bus.publish([
      {
        topic: this.topics.offer,
        key: session.sessionKey,
        record: 'fr.passerelle.offer.SessionPublished',
        value: {
          envelope: envelope(`sofi:${session.sessionKey}:${session.contentHash}`),
          sessionKey: session.sessionKey,
          session,
        },
      },
    ]);
  }

  async withdrawSession(session: OfferSession): Promise<void> {
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

  positioningRequest(
    sessionKey: string,
    de: PositioningRequested['de'],
    target: Partial<PositioningRequested['target']> = {},
  ): PositioningRequested {
    const requestId = uniqueName('req');
    return {
      envelope: envelope(`ouiform:${requestId}`),
      requestId,
      journeyId: journeyIdFor(JOURNEY_SECRET, de.deIdentifier, sessionKey),
      origin: 'PRESCRIBER',
      channel: 'OUIFORM',
      target: { sessionKey, modalityKind: 'ICO', modalityId: null, ...target },
      de,
      prescription: null,
    };
  }

  async position(requests: readonly PositioningRequested[]): Promise<void> {
    await this.bus.publish(
      requests.map((request) => ({
        topic: this.topics.positioning,
        key: request.target.sessionKey,
        record: 'fr.passerelle.positioning.PositioningRequested',
        value: request,
      })),
    );
  }

  async withdrawPositioning(request: PositioningRequested): Promise<void> {
    await this.bus.publish([
      {
        topic: this.topics.positioning,
        key: request.target.sessionKey,
        record: 'fr.passerelle.positioning.PositioningWithdrawn',
        value: {
          envelope: envelope(`ouiform:${request.requestId}:withdrawn`),
          requestId: request.requestId,
          journeyId: request.journeyId,
          sessionKey: request.target.sessionKey,
          reason: 'Prescription retirée',
        },
      },
    ]);
  }
}

/** A session of the offer with its own key, starting `start`, ending `end`, with `capacity` training places. */
export function offerWith(start: string, end: string, capacity: number | null = 20): OfferSession {
  return offerSessionWith({ session: { start, end, capacity, recruitmentState: 'OPEN', expired: false } });
}

let deCounter = 0;
export const newDe = () => {
  deCounter += 1;
  return {
    deIdentifier: `${2000000 + deCounter}B`,
    lastName: `Durand${deCounter}`,
    firstName: `Alex${deCounter}`,
    email: null,
    phone: null,
  };
};

/** Waits until the writer owning the session (any of the instances) knows it from the offer. */
export async function writerKnows(instances: readonly KairosInstance[], sessionKey: string) {
  await waitFor(
    () =>
      instances.some((instance) =>
        instance.service.bus
          .consumers()
          .some(
            (consumer) => (consumer.states?.get(sessionKey) as SessionAggregate | undefined)?.session !== undefined,
          ),
      ),
    { description: `the session ${sessionKey} known to its writer`, timeoutMs: 60_000 },
  );
}

export interface KairosFile {
  clock: TestClock;
  prefix: string;
  broker: Broker;
  /** The file's instances, in the order they started. */
  instances: KairosInstance[];
  /** The first instance (usable once the file's set-up ran). */
  kairos: KairosInstance;
  /** A session of its own, 2027-01-11 to 2027-06-30, published and known to its writer; and its API path. */
  newSession(capacity?: number | null): Promise<{ session: OfferSession; path: string }>;
}

/**
 * A test file's Kairos: its own topics, the test's view of the broker, a clock reading 2026-12-01T10:00Z and one
 * instance per entry of `instances` (with those settings) in one consumer group, settled before the file's tests and
 * stopped after them; `sessions` published and known to their writers first.
 */
export function useKairos({
  instances: settings = [{}],
  sessions = [],
  start = {},
}: {
  instances?: Record<string, string>[];
  sessions?: OfferSession[];
  /** How the instances start (where their logs go). */
  start?: StartOptions;
} = {}): KairosFile {
  const clock = new TestClock();
  const prefix = topicPrefix();
  const broker = new Broker(prefix);
  const instances: KairosInstance[] = [];
  beforeAll(async () => {
    clock.set('2026-12-01T10:00:00Z');
    await broker.start();
    for (const env of settings) instances.push(await startKairos(prefix, clock, env, start));
    // Each instance owns some of the six partitions, and none is still claimed by two (the rebalances done): a
    // session is decided by one of them, answered by all.
    if (instances.length > 1)
      await waitForSettledGroups(
        instances.map((instance) => instance.service.url),
        { description: 'both instances in the group', timeoutMs: 60_000 },
      );
    for (const session of sessions) {
      await broker.publishSession(session);
      await writerKnows(instances, session.sessionKey);
    }
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.service.stop()));
    await broker.bus.stop();
  });
  const kairos = later(() => instances[0], 'The first Kairos instance');
  return {
    clock,
    prefix,
    broker,
    instances,
    kairos,
    async newSession(capacity: number | null = 20) {
      const session = offerWith('2027-01-11', '2027-06-30', capacity);
      await broker.publishSession(session);
      await writerKnows([kairos], session.sessionKey);
      return { session, path: sessionPath(session.sessionKey) };
    },
  };
}

function envelope(eventId: string) {
  const now = new Date();
  return {
    eventId,
    occurredAt: now,
    recordedAt: now,
    actor: { kind: 'SYSTEM' as const, siret: null, organisationName: null, prescriberNetwork: null, channel: null },
    sourceSystem: 'PASSERELLE' as const,
    correlationId: eventId,
    causationId: null,
  };
}
