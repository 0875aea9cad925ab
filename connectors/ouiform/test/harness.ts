import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bus, type RunningService, startService } from '@passerelle/bus';
import type { EventRecordName, PositioningRequested, RecordTypes } from '@passerelle/schemas';
import { fixtures } from '@passerelle/schemas/fixtures';
import { createLogger, Metrics } from '@passerelle/service-kit';
import { patience, testStack, uniqueName, waitFor } from '@passerelle/test-kit';
import { ouiformConnector } from '../src/connector.js';
import { type OuiformTopics, ouiformContracts, ouiformTopics } from '../src/topics.js';

export const JOURNEY_SECRET = 'integration-journey-secret';
export const SESSION_KEY = '14_AF_0000011111|14_SE_0000102222|SE_0000102222';

export interface PrescriberAccount {
  token: string;
  organisation: string;
  network: 'MISSION_LOCALE' | 'FRANCE_TRAVAIL' | 'CAP_EMPLOI';
  roles: ('prescriber' | 'observer')[];
}

export const account = (
  organisation: string,
  network: PrescriberAccount['network'],
  roles: PrescriberAccount['roles'] = ['prescriber'],
): PrescriberAccount => ({ token: randomBytes(18).toString('base64url'), organisation, network, roles });

export const topicPrefix = () => `${uniqueName('ouiform')}.`;

/** The environment of a connector instance on the file's own topics and groups. */
export function connectorEnv(
  prefix: string,
  accounts: readonly PrescriberAccount[],
  extra: Record<string, string> = {},
): Record<string, string> {
  const stack = testStack();
  return {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    KAFKA_CLIENT_ID: uniqueName('ouiform'),
    OUIFORM_TOPIC_PREFIX: prefix,
    OUIFORM_GROUP_PREFIX: `${prefix}connector-ouiform`,
    OUIFORM_TOKENS: JSON.stringify(Object.fromEntries(accounts.map(({ token, ...grant }) => [token, grant]))),
    JOURNEY_SECRET,
    SCHEMAS_REGISTER_ON_START: 'true',
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // How long a prescription waits for Kairos's decision before a 202: the tests that expect the decision in the
    // answer wait on the system through it, so it scales like their other deadlines.
    OUIFORM_DECISION_TIMEOUT_MS: String(patience(4000)),
    OUIFORM_WEBHOOK_RETRY_BASE_MS: '50',
    OUIFORM_WEBHOOK_RETRY_MAX_MS: '200',
    ...extra,
  };
}

export async function startOuiform(env: Record<string, string>): Promise<RunningService> {
  return startService(ouiformConnector({ env }), env);
}

export interface Response {
  status: number;
  body: Record<string, unknown> & { errors?: { field: string }[] };
  headers: Headers;
}

/** The prescriber API as a client sees it. */
export class Api {
  constructor(
    readonly url: string,
    readonly token: string | null,
  ) {}

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(this.token === null ? {} : { authorization: `Bearer ${this.token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {},
      headers: response.headers,
    };
  }

  post = (path: string, body: unknown) => this.request('POST', path, body);
  get = (path: string) => this.request('GET', path);
  delete = (path: string) => this.request('DELETE', path);

  /** Every feed item from the start, page after page (small pages on purpose). */
  async wholeFeed(): Promise<Array<{ eventId: string; status: string; prescriptionId: string; stage: string }>> {
    const items: Array<{ eventId: string; status: string; prescriptionId: string; stage: string }> = [];
    let after = '';
    for (;;) {
      const page = await this.get(`/feed?limit=2&after=${after}`);
      if (page.status !== 200) throw new Error(`feed answered ${page.status}`);
      const pageItems = page.body.items as typeof items;
      items.push(...pageItems);
      if (pageItems.length === 0) return items;
      after = page.body.next as string;
    }
  }
}

export const prescriptionBody = (ftId: string, overrides: Record<string, unknown> = {}) => ({
  de: { ftId, lastName: 'Martin', firstName: 'Camille', email: 'camille.martin@example.org', phone: '0601020304' },
  target: { sessionKey: SESSION_KEY, modalityKind: 'ICO', modalityId: 'ICO-2026-0042' },
  advisorId: 'ADV-4471',
  projectValidated: true,
  eligibilityChecks: ['PRIORITY_PUBLIC', 'PREREQUISITES'],
  fundingHint: 2,
  comment: 'Projet validé en entretien.',
  ...overrides,
});

/**
 * The test plays Kairos on the real broker: it reads the positioning requests the connector publishes and
 * publishes what Kairos would — the answer to a request (same requestId, causationId = the request's event id),
 * then the OF's acts on that DE — on the file's kairos.session-events topic.
 */
export class PlayedKairos {
  readonly bus: Bus;
  readonly topics: OuiformTopics;
  readonly requests: PositioningRequested[] = [];
  readonly withdrawals: string[] = [];
  /** Answer every positioning request at once with a registration (true) or stay silent (false). */
  answering = true;
  #sequence = 0;
  readonly #failures: unknown[] = [];

  constructor(prefix: string) {
    const stack = testStack();
    this.topics = ouiformTopics(prefix);
    this.bus = new Bus({
      config: {
        KAFKA_BROKERS: stack.kafkaBrokers,
        SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
        KAFKA_CLIENT_ID: uniqueName('ouiform-played-kairos'),
      },
      contracts: ouiformContracts(prefix),
      log: createLogger({ service: 'played-kairos', level: 'silent' }),
      metrics: new Metrics({ defaultMetrics: false }),
    });
    this.bus.follow({
      name: 'played-kairos.positioning',
      topics: [this.topics.positioning],
      fromBeginning: true,
      onEvent: (event) => {
        if (event.record === 'fr.passerelle.positioning.PositioningWithdrawn') {
          this.withdrawals.push((event.value as { requestId: string }).requestId);
          return;
        }
        const request = event.value as PositioningRequested;
        this.requests.push(request);
        if (this.answering) this.answer(request).catch((error) => this.#failures.push(error));
      },
    });
  }

  /** Topics created and their leaders elected before anyone follows them (a fresh topic answers NOT_LEADER a moment). */
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

  async stop() {
    await this.bus.stop();
    if (this.#failures.length > 0) throw new Error(`played Kairos failed: ${String(this.#failures[0])}`);
  }

  request(requestId: string): Promise<PositioningRequested> {
    return waitFor(() => this.requests.find((request) => request.requestId === requestId), {
      description: `positioning request ${requestId}`,
    });
  }

  /** Kairos's answer: the DE is registered on the ICO (RegistrationRecorded answering the request). */
  answer(request: PositioningRequested, name: 'RegistrationRecorded' | 'RegistrationRefused' = 'RegistrationRecorded') {
    return this.publish(name, request.journeyId, {
      requestId: request.requestId,
      causationId: request.envelope.eventId,
      ...(name === 'RegistrationRecorded' ? { registrationId: `REG-${request.requestId}`, de: request.de } : {}),
    });
  }

  /** One of the OF's acts on a DE, from the schema's example of that record, for this journey. */
  async publish(
    name: string,
    journeyId: string,
    overrides: Record<string, unknown> & { causationId?: string } = {},
  ): Promise<string> {
    const record = `fr.passerelle.kairos.${name}` as EventRecordName;
    const example = fixtures[record] as RecordTypes[typeof record] & {
      envelope: RecordTypes['fr.passerelle.kairos.RegistrationRecorded']['envelope'];
    };
    this.#sequence += 1;
    const { causationId = null, ...fields } = overrides;
    const eventId = `played-kairos:${name}:${journeyId.slice(0, 8)}:${this.#sequence}:${randomBytes(3).toString('hex')}`;
    const now = new Date();
    await this.bus.publish([
      {
        topic: this.topics.sessionEvents,
        key: SESSION_KEY,
        record,
        value: {
          ...example,
          sessionKey: SESSION_KEY,
          journeyId,
          ...fields,
          envelope: {
            ...example.envelope,
            eventId,
            occurredAt: now,
            recordedAt: now,
            correlationId: journeyId,
            causationId,
          },
        },
      },
    ]);
    return eventId;
  }
}

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A prescriber's webhook endpoint: records every attempt; answers 503 while `failNext` > 0. */
export class WebhookReceiver {
  readonly attempts: Delivery[] = [];
  failNext = 0;
  /** Deliveries this receiver always refuses (500), e.g. a payload it cannot store. */
  refuses: (body: string) => boolean = () => false;
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = this.refuses(body) ? 500 : this.failNext > 0 ? 503 : 204;
        if (status === 503) this.failNext -= 1;
        this.attempts.push({ headers: request.headers, body, status });
        response.statusCode = status;
        response.end();
      });
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/ouiform`;
  }

  /** What a receiver keeps: the accepted deliveries, each event id once (deliveries are at-least-once). */
  accepted(): Delivery[] {
    const seen = new Set<string>();
    return this.attempts.filter((attempt) => {
      const id = String(attempt.headers['passerelle-webhook-id']);
      if (attempt.status >= 300 || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}
