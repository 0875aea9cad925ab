import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bus } from '@passerelle/bus';
import { type RunningService, type StartOptions, startService } from '@passerelle/runtime';
import type { EventRecordName, PositioningRequested, RecordTypes } from '@passerelle/schemas';
import { fixtures } from '@passerelle/schemas/fixtures';
import { patience, waitFor } from '@passerelle/test-kit';
import {
  type HttpResponse,
  httpCall,
  topicPrefix as prefixFor,
  runnableEnv,
  startFollowing,
  testBus,
} from '@passerelle/test-kit/runnable';
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

export const topicPrefix = () => prefixFor('ouiform');

/** The environment of a connector instance on the file's own topics and groups. */
export function connectorEnv(
  prefix: string,
  accounts: readonly PrescriberAccount[],
  extra: Record<string, string> = {},
): Record<string, string> {
  return runnableEnv('ouiform', {
    OUIFORM_TOPIC_PREFIX: prefix,
    OUIFORM_GROUP_PREFIX: `${prefix}connector-ouiform`,
    OUIFORM_TOKENS: JSON.stringify(Object.fromEntries(accounts.map(({ token, ...grant }) => [token, grant]))),
    JOURNEY_SECRET,
    // How long a prescription waits for Kairos's decision before a 202: the tests that expect the decision in the
    // answer wait on the system through it, so it scales like their other deadlines.
    OUIFORM_DECISION_TIMEOUT_MS: String(patience(4000)),
    OUIFORM_WEBHOOK_SECRET_KEY: 'integration-webhook-secret-key-0000000000',
    OUIFORM_WEBHOOK_ALLOW_LOOPBACK: 'true',
    OUIFORM_WEBHOOK_RETRY_BASE_MS: '50',
    OUIFORM_WEBHOOK_RETRY_MAX_MS: '200',
    ...extra,
  });
}

/** The setting subscribing `account`'s organisation to the follow-up on `receiver` (`id`: the subscription's). */
export const webhookOf = (id: string, account: PrescriberAccount, receiver: WebhookReceiver, secret: string) => ({
  OUIFORM_WEBHOOKS: JSON.stringify([
    { id, organisation: account.organisation, network: account.network, url: receiver.url, secret },
  ]),
});

export async function startOuiform(env: Record<string, string>, options: StartOptions = {}): Promise<RunningService> {
  return startService(ouiformConnector({ env }), env, options);
}

export type Response = HttpResponse<Record<string, unknown> & { errors?: { field: string }[] }>;

/** The prescriber API as a client sees it. */
export class Api {
  constructor(
    readonly url: string,
    readonly token: string | null,
  ) {}

  request(method: string, path: string, body?: unknown): Promise<Response> {
    return httpCall(this.url, method, path, { token: this.token, body }, {});
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
    this.topics = ouiformTopics(prefix);
    this.bus = testBus('ouiform-played-kairos', ouiformContracts(prefix));
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
  start() {
    return startFollowing(this.bus, Object.values(this.topics));
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
