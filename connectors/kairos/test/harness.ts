import { randomBytes } from 'node:crypto';
import { Bus, type ConsumedEvent, type RunningService, startService } from '@passerelle/bus';
import type { KairosCommand, OfferSession, PositioningRequested } from '@passerelle/schemas';
import { journeyIdFor } from '@passerelle/schemas';
import { offerSession } from '@passerelle/schemas/fixtures';
import { createLogger, Metrics } from '@passerelle/service-kit';
import { patience, testStack, uniqueName, waitFor } from '@passerelle/test-kit';
import { kairosConnector } from '../src/connector.js';
import type { SessionAggregate } from '../src/domain/state.js';
import { type KairosTopics, kairosContracts, kairosTopics } from '../src/topics.js';

export const RESPONSIBLE = offerSession.formation.responsibleOrganisation.siret;
export const OTHER_OF = '11111111100011';
export const TOKEN = randomBytes(18).toString('base64url');
export const OTHER_TOKEN = randomBytes(18).toString('base64url');
export const JOURNEY_SECRET = 'integration-journey-secret';

/** A movable clock shared by every instance of a test file (decisions are taken "now" by the writer). */
export class TestClock {
  offsetMs = 0;
  readonly now = () => new Date(Date.now() + this.offsetMs);
  /** Moves the clock so that it reads `iso` now. */
  set(iso: string) {
    this.offsetMs = new Date(iso).getTime() - Date.now();
  }
}

export interface KairosInstance {
  service: RunningService;
  api: Api;
  other: Api;
}

/** One connector instance on the test stack, on the file's own topics and group (instances of a test share them). */
export async function startKairos(
  prefix: string,
  clock: TestClock,
  env: Record<string, string> = {},
): Promise<KairosInstance> {
  const stack = testStack();
  const fullEnv = {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    KAFKA_CLIENT_ID: uniqueName('kairos'),
    KAIROS_TOPIC_PREFIX: prefix,
    KAIROS_GROUP_ID: `${prefix}connector-kairos`,
    KAIROS_TOKENS: JSON.stringify({ [TOKEN]: [RESPONSIBLE], [OTHER_TOKEN]: [OTHER_OF] }),
    JOURNEY_SECRET,
    SCHEMAS_REGISTER_ON_START: 'true',
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // The wait for the writer's outcome before a 202 (default 5 s): tests that expect the outcome in the answer wait
    // on the system through it, so it scales like their other deadlines.
    KAIROS_COMMAND_TIMEOUT_MS: String(patience(5000)),
    ...env,
  };
  const service = await startService(kairosConnector({ env: fullEnv, clock: clock.now }), fullEnv);
  return { service, api: new Api(service.url, TOKEN), other: new Api(service.url, OTHER_TOKEN) };
}

export const topicPrefix = () => `${uniqueName('kairos')}.`;

export interface Response {
  status: number;
  body: Record<string, unknown> & { eventIds?: string[]; rule?: string; errors?: { field: string }[] };
  headers: Headers;
  text: string;
  bytes: Buffer;
}

/** The OF API as a client sees it. */
export class Api {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    token: string | null = this.token,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    const json = response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {};
    return { status: response.status, body: json, headers: response.headers, text, bytes };
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
    const stack = testStack();
    this.topics = kairosTopics(prefix);
    this.bus = new Bus({
      config: {
        KAFKA_BROKERS: stack.kafkaBrokers,
        SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
        KAFKA_CLIENT_ID: uniqueName('kairos-test'),
      },
      contracts: kairosContracts(prefix),
      log: createLogger({ service: 'kairos-test', level: 'silent' }),
      metrics: new Metrics({ defaultMetrics: false }),
    });
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

  /**
   * Creates the topics and waits for their partition leaders before following them: right after creation the
   * broker answers offset requests with NOT_LEADER for a moment, which fails a follower's start (see report).
   */
  /** Commands the instances routed, by command id. */
  readonly commands = new Map<string, KairosCommand>();

  async start() {
    await this.bus.registerSchemas();
    await this.bus.ensureTopics();
    const admin = await this.bus.admin();
    for (const topic of Object.values(this.topics))
      await waitFor(async () => (await admin.fetchTopicOffsets(topic)).length > 0, {
        description: `the leaders of ${topic}`,
      });
    await this.bus.start();
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
  const numero = `SE_${randomBytes(5).toString('hex')}`;
  const sessionKey = `14_AF_TEST|14_SE_${numero}|${numero}`;
  return {
    ...offerSession,
    sessionKey,
    session: { ...offerSession.session, numero, start, end, capacity, recruitmentState: 'OPEN', expired: false },
  };
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
