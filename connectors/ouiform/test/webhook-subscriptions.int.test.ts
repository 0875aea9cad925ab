import type { RunningService } from '@passerelle/runtime';
import { waitFor } from '@passerelle/test-kit';
import { httpCall } from '@passerelle/test-kit/runnable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook, WEBHOOK_HEADERS } from '../src/webhooks/signature.js';
import type { WebhookPayload } from '../src/webhooks/webhook-delivery.js';
import {
  Api,
  account,
  connectorEnv,
  type Delivery,
  PlayedKairos,
  prescriptionBody,
  type Response,
  startOuiform,
  topicPrefix,
  WebhookReceiver,
} from './harness.js';

const missionLocale = account('ML-NANTES', 'MISSION_LOCALE', ['observer']);
const prescriber = account('ML-NANTES', 'MISSION_LOCALE');
const otherOrganisation = account('FT-PARIS-15', 'FRANCE_TRAVAIL');
const BASE = '/webhooks/subscriptions';

const itemOf = (delivery: Delivery) => (JSON.parse(delivery.body) as WebhookPayload).item;
const deliveredIds = (receiver: WebhookReceiver) => receiver.accepted().map((delivery) => itemOf(delivery).eventId);
const attemptsOf = (receiver: WebhookReceiver, eventId: string) =>
  receiver.attempts.filter((attempt) => attempt.headers[WEBHOOK_HEADERS.id] === eventId);
const verifies = (delivery: Delivery, secret: string) =>
  verifyWebhook({
    secret,
    body: delivery.body,
    timestamp: delivery.headers[WEBHOOK_HEADERS.timestamp] as string,
    signature: delivery.headers[WEBHOOK_HEADERS.signature] as string,
  });

describe('webhook subscriptions by API, on two instances', () => {
  const prefix = topicPrefix();
  const kairos = new PlayedKairos(prefix);
  const receivers = { main: new WebhookReceiver(), deleted: new WebhookReceiver(), failing: new WebhookReceiver() };
  const instances: RunningService[] = [];
  let first: Api;
  let second: Api;
  let journeyId = '';

  const create = (api: Api, url: string, idempotencyKey?: string): Promise<Response> =>
    httpCall(
      api.url,
      'POST',
      BASE,
      { token: api.token, body: { url }, headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {} },
      {},
    );
  /** The delivery consumer of a subscription runs on no instance any more (paused or deleted). */
  const stoppedEverywhere = (id: string) =>
    waitFor(
      () => instances.every((instance) => !instance.bus.statuses().some((s) => s.name === `ouiform.webhook.${id}`)),
      { description: `the deliveries of ${id} stopped on both instances` },
    );
  const delivered = (receiver: WebhookReceiver, eventId: string) =>
    waitFor(() => receiver.accepted().find((delivery) => itemOf(delivery).eventId === eventId), {
      description: `step ${eventId} delivered`,
    });

  beforeAll(async () => {
    await kairos.start();
    for (const receiver of Object.values(receivers)) await receiver.start();
    const env = connectorEnv(prefix, [missionLocale, prescriber, otherOrganisation], {
      OUIFORM_WEBHOOK_PAUSE_AFTER: '3',
      OUIFORM_WEBHOOK_MAX_RETRIES: '10',
      OUIFORM_WEBHOOK_RETRY_BASE_MS: '20',
      OUIFORM_WEBHOOK_RETRY_MAX_MS: '50',
      OUIFORM_WEBHOOK_ROTATION_GRACE_MS: String(3600_000),
    });
    instances.push(await startOuiform(env), await startOuiform(env));
    first = new Api(instances[0]?.url as string, missionLocale.token);
    second = new Api(instances[1]?.url as string, missionLocale.token);
  });

  afterAll(async () => {
    for (const instance of instances) await instance.stop();
    for (const receiver of Object.values(receivers)) await receiver.stop();
    await kairos.stop();
  });

  let main: { id: string; secret: string; location: string };

  it('when created on one instance, then the other serves and lists it; a retry with the same Idempotency-Key is the same subscription; another organisation neither sees nor touches it', async () => {
    const created = await create(first, receivers.main.url, 'ml-nantes-si-2026');
    expect(created.status).toBe(201);
    const { id, secret } = created.body as { id: string; secret: string };
    expect(secret).toMatch(/^whsec_/);
    const location = created.headers.get('location') as string;
    expect(location).toBe(`${BASE}/${id}`);
    main = { id, secret, location };

    const retried = await create(first, receivers.main.url, 'ml-nantes-si-2026');
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id, secret });

    const served = await second.get(location);
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ id, url: receivers.main.url, state: 'ACTIVE' });
    expect(served.body).not.toHaveProperty('secret');
    const listed = await waitFor(
      async () => {
        const list = await second.get(BASE);
        return (list.body.items as { id: string }[]).some((item) => item.id === id) && list;
      },
      { description: 'the subscription listed by the other instance' },
    );
    expect(listed.status).toBe(200);

    const other = new Api(second.url, otherOrganisation.token);
    for (const [method, path] of [
      ['GET', location],
      ['DELETE', location],
      ['POST', `${location}/rotate-secret`],
      ['POST', `${location}/resume`],
      ['GET', `${location}/deliveries`],
    ] as const) {
      const refused = await other.request(method, path);
      expect(refused.status, `${method} ${path}`).toBe(404);
      expect(refused.type).toContain('application/problem+json');
    }
    expect((await other.get(BASE)).body.items).toEqual([]);
    expect((await second.get(location)).body).toMatchObject({ state: 'ACTIVE' });
  });

  it('when the body is bad, then a 400 problem names the field; an Idempotency-Key reused for another URL is a 422', async () => {
    const fieldsOf = async (body: unknown) => {
      const answer = await first.post(BASE, body);
      expect(answer.status).toBe(400);
      expect(answer.type).toContain('application/problem+json');
      return answer.body.errors?.map((error) => error.field);
    };
    expect(await fieldsOf({})).toEqual(['body.url']);
    expect(await fieldsOf({ url: 'http://ouiform-receiver.example.org/hooks' })).toEqual(['body.url']);
    expect(await fieldsOf({ url: 'not a url' })).toEqual(['body.url']);
    expect(await fieldsOf({ url: receivers.main.url, eventTypes: ['prescription.deleted'] })).toEqual([
      'body.eventTypes.0',
    ]);
    const reused = await create(first, receivers.deleted.url, 'ml-nantes-si-2026');
    expect(reused.status).toBe(422);
    expect(reused.body.errors?.map((error) => error.field)).toEqual(['headers.idempotency-key']);
  });

  it('when a step happens, then it is delivered signed with the secret given at creation; after a rotation, the new secret verifies and the previous one still does during the grace period', async () => {
    const prescriptions = new Api(first.url, prescriber.token);
    const prescribed = await prescriptions.post(
      '/prescriptions',
      prescriptionBody('2000001A', { prescriptionId: 'PRES-WH-1' }),
    );
    expect(prescribed.status).toBe(201);
    journeyId = (await kairos.request(prescribed.body.requestId as string)).journeyId;
    const decision = (prescribed.body.decision as { eventId: string }).eventId;
    const first_ = await delivered(receivers.main, decision);
    expect(verifies(first_, main.secret)).toBe(true);
    expect(itemOf(first_)).toMatchObject({ prescriptionId: 'PRES-WH-1', status: 'INSCRIT' });

    const rotated = await second.post(`${main.location}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(main.secret);
    expect(Date.parse(rotated.body.previousSecretValidUntil as string)).toBeGreaterThan(Date.now());

    const presence = await kairos.publish('PresenceRecorded', journeyId);
    const afterRotation = await delivered(receivers.main, presence);
    expect(verifies(afterRotation, newSecret)).toBe(true);
    expect(verifies(afterRotation, main.secret)).toBe(true);
    expect(verifies(afterRotation, `${newSecret}x`)).toBe(false);
    main.secret = newSecret;
  });

  it('when deleted, then it is gone on every instance and delivered to no more', async () => {
    const created = await create(first, receivers.deleted.url);
    expect(created.status).toBe(201);
    const location = created.headers.get('location') as string;
    const id = created.body.id as string;
    const before = await kairos.publish('PresenceRecorded', journeyId);
    await delivered(receivers.deleted, before);

    expect((await first.delete(location)).status).toBe(204);
    expect((await second.delete(location)).status).toBe(204);
    const gone = await second.get(location);
    expect(gone.status).toBe(404);
    expect(gone.type).toContain('application/problem+json');
    expect((await second.get(BASE)).body.items).toEqual([expect.objectContaining({ id: main.id })]);
    await stoppedEverywhere(id);

    const after = await kairos.publish('PresenceRecorded', journeyId);
    await delivered(receivers.main, after);
    expect(attemptsOf(receivers.deleted, after)).toEqual([]);
    expect(deliveredIds(receivers.deleted)).toEqual([before]);
  });

  it('when the receiver keeps answering 500, then it is retried, paused (GET, delivery log) and sent nothing more; resumed, it gets the step it failed on, then what happened meanwhile', async () => {
    receivers.failing.refuses = () => true;
    const created = await create(first, receivers.failing.url);
    const location = created.headers.get('location') as string;
    const id = created.body.id as string;

    const failedOn = await kairos.publish('PresenceRecorded', journeyId);
    const paused = await waitFor(
      async () => {
        const answer = await second.get(location);
        return answer.body.state === 'PAUSED' && answer;
      },
      { description: 'the failing subscription paused' },
    );
    expect(paused.body.pausedReason).toBe('OUIFORM_WEBHOOK_REFUSED after 3 consecutive failed attempts');
    const log = await waitFor(
      async () => {
        const items = (await first.get(`${location}/deliveries`)).body.items as Record<string, unknown>[];
        return items.length === 3 && items;
      },
      { description: 'three attempts in the delivery log' },
    );
    expect(log.map((attempt) => [attempt.webhookId, attempt.attempt, attempt.outcome, attempt.statusCode])).toEqual([
      [failedOn, 3, 'PAUSED', 500],
      [failedOn, 2, 'FAILED', 500],
      [failedOn, 1, 'FAILED', 500],
    ]);
    expect(log[0]?.nextRetryBefore).toBeNull();
    expect(Date.parse(log[1]?.nextRetryBefore as string)).toBeGreaterThan(Date.parse(log[1]?.attemptedAt as string));
    for (const attempt of log) {
      expect(Object.keys(attempt).sort()).toEqual(
        [
          'attempt',
          'attemptedAt',
          'errorCode',
          'latencyMs',
          'nextRetryBefore',
          'outcome',
          'statusCode',
          'webhookId',
        ].sort(),
      );
    }
    await stoppedEverywhere(id);
    await delivered(receivers.main, failedOn);

    const meanwhile = await kairos.publish('PresenceRecorded', journeyId);
    await delivered(receivers.main, meanwhile);
    expect(receivers.failing.attempts).toHaveLength(3);

    receivers.failing.refuses = () => false;
    const resumed = await second.post(`${location}/resume`, {});
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ state: 'ACTIVE', pausedReason: null });
    await waitFor(() => deliveredIds(receivers.failing).length === 2, {
      description: 'both steps delivered after resuming',
    });
    expect(deliveredIds(receivers.failing)).toEqual([failedOn, meanwhile]);
    expect((await first.get(location)).body.state).toBe('ACTIVE');
  });

  it('when an instance starts after the subscriptions were made, then it delivers the live ones from where they are, alone once the others stop', async () => {
    const env = connectorEnv(prefix, [missionLocale, prescriber, otherOrganisation], {
      OUIFORM_WEBHOOK_RETRY_BASE_MS: '20',
      OUIFORM_WEBHOOK_RETRY_MAX_MS: '50',
    });
    const late = await startOuiform(env);
    instances.push(late);
    const names = () => late.bus.statuses().map((status) => status.name);
    const live = (await new Api(late.url, missionLocale.token).get(BASE)).body.items as { id: string }[];
    expect(live.map((item) => item.id)).toHaveLength(2);
    await waitFor(() => live.every((item) => names().includes(`ouiform.webhook.${item.id}`)), {
      description: 'the late instance delivering both live subscriptions',
    });
    for (const instance of instances.splice(0, 2)) await instance.stop();

    const alone = await kairos.publish('PresenceRecorded', journeyId);
    await delivered(receivers.main, alone);
    await delivered(receivers.failing, alone);
    expect(attemptsOf(receivers.deleted, alone)).toEqual([]);
  });
});
