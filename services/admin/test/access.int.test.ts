import { randomBytes } from 'node:crypto';
import { issueToken } from '@passerelle/access';
import type { Bus } from '@passerelle/bus';
import { type RunningService, startService } from '@passerelle/runtime';
import { fixtures, journeyId, offerSession, sessionKey } from '@passerelle/schemas/fixtures';
import { journeyContracts, journeyService, journeyTopics } from '@passerelle/service-journey';
import { waitFor } from '@passerelle/test-kit';
import { httpCall, prepareBus, topicPrefix } from '@passerelle/test-kit/runnable';
import { LogCapture } from '@passerelle/test-kit/security';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, journeyEnv, startAdmin, testBus } from './fixtures.js';

// Access as data, end to end on the real broker: an account manager grants and revokes through the admin, two
// journey instances follow access.grants.v1 and open or refuse a signed token's subject within a second, without
// restart. The keys: two kids, as during a rotation.

const prefix = topicPrefix('access');
const topics = journeyTopics(prefix);
const KEY_1 = { kid: 'k-1', secret: randomBytes(32).toString('base64url') };
const KEY_2 = { kid: 'k-2', secret: randomBytes(32).toString('base64url') };
const RGC_TOKEN = randomBytes(18).toString('base64url');
const DEV_TOKEN = randomBytes(18).toString('base64url');
const SIRET = offerSession.formation.responsibleOrganisation.siret;
const OTHER_SIRET = '11111111100011';
const SUBJECT = 'of-44';
const claims = { subject: SUBJECT, issuer: 'passerelle-access', audience: 'service-journey', expiresInSeconds: 600 };
const logs = new LogCapture();

let producer: Bus;
let admin: RunningService;
const journeys: RunningService[] = [];
let token: string;

beforeAll(async () => {
  producer = testBus(journeyContracts(prefix));
  await prepareBus(producer);
  const env = journeyEnv(prefix, DEV_TOKEN, { ACCESS_JWT_KEYS: JSON.stringify([KEY_1, KEY_2]), LOG_LEVEL: 'debug' });
  for (let i = 0; i < 2; i++)
    journeys.push(await startService(journeyService({ env }), env, { logDestination: logs.stream }));
  const adminEnv = {
    ADMIN_TOPIC_PREFIX: prefix,
    ADMIN_ACCOUNT_MANAGERS: JSON.stringify({ [RGC_TOKEN]: 'rgc-pdl-07' }),
  };
  admin = await startAdmin({}, { ...adminEnv, LOG_LEVEL: 'debug' }, { logDestination: logs.stream });
  token = await issueToken(KEY_1, claims);
  // A journey on a session of SIRET: what the OF granted may read.
  await producer.publish([
    {
      topic: topics.offer,
      key: sessionKey,
      record: 'fr.passerelle.offer.SessionPublished',
      value: fixtures['fr.passerelle.offer.SessionPublished'],
    },
    {
      topic: topics.sessionEvents,
      key: sessionKey,
      record: 'fr.passerelle.kairos.RegistrationRecorded',
      value: fixtures['fr.passerelle.kairos.RegistrationRecorded'],
    },
  ]);
  for (const journey of journeys)
    await waitFor(
      async () => (await httpCall(journey.url, 'GET', `/journeys/${journeyId}`, { token: DEV_TOKEN })).status === 200,
      { description: 'the journey folded on each instance', timeoutMs: 30_000 },
    );
});

afterAll(async () => {
  await admin?.stop();
  await Promise.all(journeys.map((journey) => journey.stop()));
  await producer?.stop();
});

const rgc = (method: string, path: string, body?: unknown, as = RGC_TOKEN) =>
  httpCall<{ type?: string; errors?: Array<{ field: string }> } & Record<string, unknown>>(
    admin.url,
    method,
    `/api/access/grants${path}`,
    { token: as, body },
  );
const statusesOn = async (path: string, bearer = token) =>
  Promise.all(journeys.map(async (journey) => (await httpCall(journey.url, 'GET', path, { token: bearer })).status));
/** Within a second (scaled by the test-kit's patience on a slow machine) on both instances, polled, never slept. */
const onBoth = (path: string, status: number, description: string, bearer = token) =>
  waitFor(async () => (await statusesOn(path, bearer)).every((found) => found === status), {
    description,
    timeoutMs: 1_000,
    intervalMs: 20,
  });

describe('access as data — grants through the admin, signed tokens on two journey instances', () => {
  it('when an account manager grants then revokes of-44, then both instances open then refuse its token within a second', async () => {
    expect(await statusesOn(`/journeys/${journeyId}`)).toEqual([403, 403]);

    const granted = await rgc('PUT', `/${SUBJECT}`, { role: 'OF', sirets: [SIRET] });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ subject: SUBJECT, role: 'OF', sirets: [SIRET], grantedBy: 'rgc-pdl-07' });
    await onBoth(`/journeys/${journeyId}`, 200, 'the journey of SIRET open to of-44 on both instances');
    expect(await statusesOn(`/organisations/${SIRET}/vigilance`)).toEqual([200, 200]);
    expect(await statusesOn(`/organisations/${OTHER_SIRET}/vigilance`)).toEqual([403, 403]);

    // Idempotent: the same grant again publishes nothing new (same grantedAt), and the list shows it.
    const again = await rgc('PUT', `/${SUBJECT}`, { role: 'OF', sirets: [SIRET] });
    expect(again.body.grantedAt).toBe(granted.body.grantedAt);
    const listed = await rgc('GET', '');
    expect(listed.body).toEqual(expect.arrayContaining([expect.objectContaining({ subject: SUBJECT, inForce: true })]));

    expect((await rgc('DELETE', `/${SUBJECT}`)).status).toBe(204);
    await onBoth(`/journeys/${journeyId}`, 403, 'of-44 refused on both instances');
    expect((await rgc('DELETE', `/${SUBJECT}`)).status).toBe(204);
    expect(((await rgc('GET', '')).body as unknown as Array<{ subject: string }>).map((g) => g.subject)).not.toContain(
      SUBJECT,
    );
  });

  it('when a token is expired, signed with an unknown kid or tampered with, then both instances answer 401 problem+json', async () => {
    expect((await rgc('PUT', `/${SUBJECT}`, { role: 'OF', sirets: [SIRET] })).status).toBe(200);
    await onBoth(`/journeys/${journeyId}`, 200, 'of-44 granted again');
    const expired = await issueToken(KEY_1, { ...claims, now: new Date(Date.now() - 3600_000), expiresInSeconds: 60 });
    const unknownKid = await issueToken({ kid: 'k-9', secret: randomBytes(32).toString('base64url') }, claims);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...body, sub: 'ops-1' })).toString('base64url')}.${signature}`;
    for (const bad of [expired, unknownKid, tampered])
      for (const journey of journeys) {
        const answer = await httpCall<{ status: number }>(journey.url, 'GET', `/journeys/${journeyId}`, { token: bad });
        expect(answer.status).toBe(401);
        expect(answer.type).toContain('application/problem+json');
        expect(answer.body.status).toBe(401);
      }
  });

  it('when a token is signed with the second kid while both are configured, then it opens like the first', async () => {
    expect((await rgc('PUT', `/${SUBJECT}`, { role: 'OF', sirets: [SIRET] })).status).toBe(200);
    await onBoth(`/journeys/${journeyId}`, 200, 'second kid accepted', await issueToken(KEY_2, claims));
  });

  it('when an instance starts after the grant, then it opens the token from its first answer (the topic replayed)', async () => {
    expect((await rgc('PUT', `/${SUBJECT}`, { role: 'OF', sirets: [SIRET] })).status).toBe(200);
    const env = journeyEnv(prefix, DEV_TOKEN, { ACCESS_JWT_KEYS: JSON.stringify([KEY_2]) });
    const late = await startService(journeyService({ env }), env, { logDestination: logs.stream });
    try {
      // Only KEY_2 here: the old kid already removed from this instance, as at the end of a rotation.
      expect((await httpCall(late.url, 'GET', `/organisations/${SIRET}/vigilance`, { token })).status).toBe(401);
      const fresh = await issueToken(KEY_2, claims);
      expect((await httpCall(late.url, 'GET', `/organisations/${SIRET}/vigilance`, { token: fresh })).status).toBe(200);
    } finally {
      await late.stop();
    }
  });

  it('when a grant is malformed or expires in the past, then it is a 400 naming the field and nothing changes', async () => {
    const past = await rgc('PUT', '/of-45', { role: 'OF', sirets: [SIRET], expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.type).toContain('application/problem+json');
    expect(past.body.errors?.map((error) => error.field)).toEqual(['body.expiresAt']);
    const cases: Array<[unknown, string]> = [
      [{ role: 'OF' }, 'body.sirets'],
      [{ role: 'PRESCRIBER' }, 'body.structure'],
      [{ role: 'OF', sirets: ['123'] }, 'body.sirets.0'],
      [{ role: 'KING', sirets: [SIRET] }, 'body.role'],
    ];
    for (const [body, field] of cases) {
      const answer = await rgc('PUT', '/of-45', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.errors?.map((error) => error.field)).toContain(field);
    }
    expect((await rgc('PUT', '/jean.dupont@example.org', { role: 'OPS' })).status).toBe(400);
    expect(((await rgc('GET', '')).body as unknown as Array<{ subject: string }>).map((g) => g.subject)).not.toContain(
      'of-45',
    );
  });

  it('when an account manager’s token reaches outside /api/access, or no token is given, then it is a 401', async () => {
    expect((await httpCall(admin.url, 'GET', '/api/topics', { token: RGC_TOKEN })).status).toBe(401);
    expect((await rgc('GET', '', undefined, 'not-a-token-of-anyone-000')).status).toBe(401);
    expect((await httpCall(admin.url, 'GET', '/api/access/grants', { token: ADMIN_TOKEN })).status).toBe(200);
  });

  it('when all this was logged at debug, then no token, key, JWT or dev token is in the logs', () => {
    expect(logs.text).toContain('bearer token refused');
    for (const secret of [token, KEY_1.secret, KEY_2.secret, RGC_TOKEN, DEV_TOKEN, token.split('.')[2] as string])
      expect(logs.text).not.toContain(secret);
  });
});
