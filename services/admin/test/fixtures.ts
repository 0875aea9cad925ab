import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Bus, Contracts } from '@passerelle/bus';
import { type RunningService, type ServiceDefinition, type StartOptions, startService } from '@passerelle/runtime';
import { NonRetriableError, z } from '@passerelle/service-kit';
import { httpCall, testBus as kitTestBus, runnableEnv } from '@passerelle/test-kit/runnable';
import avro from 'avsc';
import { adminService } from '../src/index.js';

export const ADMIN_TOKEN = 'admin-token-for-the-tests-0001';
export const OPS_TOKEN = 'ops-token-for-the-admin-tests-01';
export const JOURNEY_TOKEN = 'journey-ops-token-for-the-tests';

export const APPLICATION = 'fr.passerelle.test.admin.ApplicationSent';
export const ACCEPTED = 'fr.passerelle.test.admin.ApplicationAccepted';

/** An application carrying a DE's identity (personal data), as positioning requests do. */
const schemas = {
  [APPLICATION]: {
    type: 'record',
    name: 'ApplicationSent',
    namespace: 'fr.passerelle.test.admin',
    fields: [
      { name: 'requestId', type: 'string' },
      { name: 'sessionKey', type: 'string' },
      {
        name: 'de',
        type: {
          type: 'record',
          name: 'Applicant',
          fields: [
            { name: 'deIdentifier', type: 'string' },
            { name: 'lastName', type: 'string' },
            { name: 'email', type: ['null', 'string'], default: null },
          ],
        },
      },
    ],
  },
  [ACCEPTED]: {
    type: 'record',
    name: 'ApplicationAccepted',
    namespace: 'fr.passerelle.test.admin',
    fields: [
      { name: 'requestId', type: 'string' },
      { name: 'sessionKey', type: 'string' },
    ],
  },
};

export interface Application {
  requestId: string;
  sessionKey: string;
  de: { deIdentifier: string; lastName: string; email: string | null };
}

export function workerContracts(prefix: string) {
  const applications = `${prefix}.applications`;
  const accepted = `${prefix}.accepted`;
  const contracts: Contracts = {
    topics: [
      { name: applications, partitions: 2, cleanupPolicy: 'delete', retentionMs: 86_400_000, records: [APPLICATION] },
      { name: accepted, partitions: 2, cleanupPolicy: 'delete', retentionMs: 86_400_000, records: [ACCEPTED] },
    ],
    records: new Map(
      Object.entries(schemas).map(([fullName, schema]) => [
        fullName,
        { fullName, schema, type: avro.Type.forSchema(schema as avro.Schema) },
      ]),
    ),
  };
  return { contracts, applications, accepted };
}

/**
 * A worker runnable: accepts applications to the sessions it knows, refuses (dead-letters) the others — the
 * "cause" a test fixes by adding the session before replaying.
 */
export function workerService(
  prefix: string,
  groupId: string,
  knownSessions: Set<string>,
): ServiceDefinition<z.ZodObject> {
  const { contracts, applications, accepted } = workerContracts(prefix);
  return {
    name: 'admin-test-worker',
    contracts,
    configSchema: z.object({}),
    setup({ bus }) {
      bus.consumer({
        name: `applications.${groupId}`,
        groupId,
        topics: [applications],
        maxWaitTimeInMs: 50,
        handle(event, context) {
          const application = event.value as Application;
          if (!knownSessions.has(application.sessionKey))
            throw new NonRetriableError('TEST_UNKNOWN_SESSION', `no session ${application.sessionKey}`);
          context.publish({
            topic: accepted,
            key: event.key as string,
            record: ACCEPTED,
            value: { requestId: application.requestId, sessionKey: application.sessionKey },
          });
        },
      });
    },
  };
}

export const stackEnv = (extra: Record<string, string> = {}) => runnableEnv('admin-test', extra);

/**
 * The environment of a real journey service on the test's own topics (`prefix`), its group `<prefix>service-journey`,
 * with `journeyToken` as its ops token (the one the admin proxies lookups with).
 */
export function journeyEnv(prefix: string, journeyToken: string, extra: Record<string, string> = {}) {
  return stackEnv({
    JOURNEY_TOPIC_PREFIX: prefix,
    JOURNEY_GROUP_ID: `${prefix}service-journey`,
    JOURNEY_TOKENS: JSON.stringify({ [journeyToken]: { role: 'ops' } }),
    // Only erasure uses it (the events carry their journey id).
    JOURNEY_SECRET: randomBytes(18).toString('base64url'),
    JOURNEY_SWEEP_INTERVAL_MS: '3600000',
    OPS_TOKEN,
    ...extra,
  });
}

export function startWorker(prefix: string, groupId: string, knownSessions: Set<string>) {
  return startService(workerService(prefix, groupId, knownSessions), stackEnv({ OPS_TOKEN }));
}

export function startAdmin(
  targets: Record<string, string>,
  extra: Record<string, string> = {},
  options: StartOptions = {},
) {
  const env = stackEnv({
    ADMIN_TOKEN,
    OPS_TOKEN,
    ADMIN_TARGETS: Object.entries(targets)
      .map(([name, url]) => `${name}=${url}`)
      .join(','),
    ADMIN_METRICS_REFRESH_MS: '0',
    ADMIN_JOURNEY_TOKEN: JOURNEY_TOKEN,
    ...extra,
  });
  // The env twice: the grants topic's prefix (ADMIN_TOPIC_PREFIX) is part of the contracts, known before start.
  return startService(adminService({ env }), env, options);
}

/** The test's own connection, to publish inputs and read outputs. */
export const testBus = (contracts: Contracts): Bus => kitTestBus('admin-test-client', contracts);

/** A client of the admin API with a token (the right one by default), or none (`null`). */
export function adminClient(admin: RunningService, token: string | null = ADMIN_TOKEN) {
  const call = <T>(method: string, path: string, body?: unknown) =>
    httpCall<T>(admin.url, method, `/api${path}`, { token: token || null, body });
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body?: unknown) => call<T>('POST', path, body),
  };
}

const step = (record: string, sourceLabel: string, occurredAt: string, kind: string) => ({
  eventId: `${record}-${occurredAt}`,
  record,
  sourceLabel,
  occurredAt,
  actor: { kind, organisationName: kind === 'OF' ? 'AFPA Laon' : null, channel: 'KAIROS' },
  anomaly: null,
  anomalyDetail: null,
});

/**
 * A stand-in for services/journey's `GET /journeys/{id}` (its own tests cover it): the admin test checks the
 * proxying, not the journey logic.
 */
export function fakeJourneyService(): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url?.startsWith('/journeys/') && request.headers.authorization !== `Bearer ${JOURNEY_TOKEN}`)
      return response.writeHead(401, { 'content-type': 'application/problem+json' }).end('{"status":401}');
    if (request.url === '/healthz') return response.writeHead(200).end('{"status":"ok"}');
    if (request.url === '/readyz') return response.writeHead(200).end('{"status":"ready"}');
    if (request.url === '/status/consumers') return response.writeHead(200).end('[]');
    if (request.url === '/journeys/J-42') {
      return response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          journeyId: 'J-42',
          sessionKey: 'F1|A1|S1',
          status: 'ENTRE_EN_FORMATION',
          sourceLabel: 'Entrée effective',
          statusSince: '2026-09-15T08:00:00.000Z',
          vigilance: [],
          timeline: [
            step('PositioningRequested', 'Positionné', '2026-09-01T08:00:00.000Z', 'PRESCRIBER'),
            step('RegistrationRecorded', 'Inscrit', '2026-09-03T09:30:00.000Z', 'OF'),
            { ...step('PresenceRecorded', 'Présent', '2026-09-02T10:00:00.000Z', 'OF'), anomaly: 'OUT_OF_ORDER' },
            step('EnrolmentOpened', 'Entrée effective', '2026-09-15T08:00:00.000Z', 'OF'),
          ],
        }),
      );
    }
    response
      .writeHead(404, { 'content-type': 'application/problem+json' })
      .end(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404 }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
