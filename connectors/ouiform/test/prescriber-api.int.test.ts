import type { RunningService } from '@passerelle/runtime';
import { waitFor } from '@passerelle/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook, WEBHOOK_HEADERS } from '../src/webhooks/signature.js';
import type { WebhookPayload } from '../src/webhooks/webhook-delivery.js';
import {
  Api,
  account,
  connectorEnv,
  PlayedKairos,
  prescriptionBody,
  startOuiform,
  topicPrefix,
  WebhookReceiver,
  webhookOf,
} from './harness.js';

const missionLocale = account('ML-NANTES', 'MISSION_LOCALE');
const agency = account('FT-NANTES-EST', 'FRANCE_TRAVAIL');
const observer = account('ML-NANTES', 'MISSION_LOCALE', ['observer']);
const WEBHOOK_SECRET = 'ml-nantes-webhook-secret-0001';

describe('the prescriber API on the real broker', () => {
  const prefix = topicPrefix();
  const kairos = new PlayedKairos(prefix);
  const receiver = new WebhookReceiver();
  let env: Record<string, string>;
  let service: RunningService;
  let ml: Api;
  let ft: Api;

  beforeAll(async () => {
    await kairos.start();
    await receiver.start();
    env = connectorEnv(
      prefix,
      [missionLocale, agency, observer],
      webhookOf('ml-nantes', missionLocale, receiver, WEBHOOK_SECRET),
    );
    service = await startOuiform(env);
    ml = new Api(service.url, missionLocale.token);
    ft = new Api(service.url, agency.token);
  });

  afterAll(async () => {
    await service?.stop();
    await receiver.stop();
    await kairos.stop();
  });

  it('when a prescriber positions a DE and the OF moves him on, then the feed and the webhook show each step in order, signed, a failing receiver retried', async () => {
    // Act: the prescription, answered by (played) Kairos within the wait.
    const created = await ml.post('/prescriptions', prescriptionBody('2345678B', { prescriptionId: 'PRES-ML-1' }));

    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/prescriptions/PRES-ML-1');
    expect(created.body).toMatchObject({
      prescriptionId: 'PRES-ML-1',
      status: 'INSCRIT',
      label: 'Inscrit',
      decision: { stage: 'POSITIONING', status: 'INSCRIT' },
    });
    const request = await kairos.request(created.body.requestId as string);
    expect(request).toMatchObject({
      origin: 'PRESCRIBER',
      channel: 'OUIFORM',
      prescription: { prescriptionId: 'PRES-ML-1', organisation: 'ML-NANTES', network: 'MISSION_LOCALE' },
    });
    const journeyId = request.journeyId;
    // The first webhook attempts of the next step fail: the delivery retries it, and keeps the order.
    await waitFor(() => receiver.accepted().length === 1, { description: 'the decision delivered' });
    receiver.failNext = 2;
    for (const [name, fields] of [
      ['PresenceRecorded', { registrationId: `REG-${request.requestId}` }],
      [
        'RecruitmentResultRecorded',
        { registrationId: `REG-${request.requestId}`, result: 'RETENU', status: 'RETENU', sourceLabel: 'Retenu' },
      ],
      ['EnrolmentOpened', {}],
      ['EntryRecorded', {}],
      ['InterruptionStarted', {}],
      ['InterruptionEnded', {}],
      ['ExitRecorded', {}],
    ] as const) {
      await kairos.publish(name, journeyId, fields);
    }

    const expected = [
      'INSCRIT',
      'PRESENT',
      'RETENU',
      'INSCRIT_EN_FORMATION',
      'ENTRE_EN_FORMATION',
      'EN_INTERRUPTION',
      'ENTRE_EN_FORMATION',
      'SORTI',
    ];
    const feed = await waitFor(
      async () => {
        const items = await ml.wholeFeed();
        return items.length === expected.length ? items : undefined;
      },
      { description: 'the whole journey in the feed' },
    );
    expect(feed.map((item) => item.status)).toEqual(expected);
    expect(new Set(feed.map((item) => item.prescriptionId))).toEqual(new Set(['PRES-ML-1']));

    const delivered = await waitFor(
      () => (receiver.accepted().length === expected.length ? receiver.accepted() : undefined),
      {
        description: 'every step delivered by webhook',
      },
    );
    const payloads = delivered.map((delivery) => JSON.parse(delivery.body) as WebhookPayload);
    expect(payloads.map((payload) => payload.item.status)).toEqual(expected);
    expect(payloads.map((payload) => payload.item.eventId)).toEqual(feed.map((item) => item.eventId));
    for (const delivery of receiver.attempts) {
      expect(
        verifyWebhook({
          secret: WEBHOOK_SECRET,
          body: delivery.body,
          timestamp: delivery.headers[WEBHOOK_HEADERS.timestamp] as string,
          signature: delivery.headers[WEBHOOK_HEADERS.signature] as string,
        }),
      ).toBe(true);
      expect(delivery.headers[WEBHOOK_HEADERS.id]).toBe((JSON.parse(delivery.body) as WebhookPayload).item.eventId);
    }
    const presence = payloads[1]?.item.eventId;
    expect(
      receiver.attempts.filter((attempt) => attempt.headers[WEBHOOK_HEADERS.id] === presence).map((a) => a.status),
    ).toEqual([503, 503, 204]);

    // A retried POST (same reference) is the same prescription: its answer, nothing published again.
    const retried = await ml.post('/prescriptions', prescriptionBody('2345678B', { prescriptionId: 'PRES-ML-1' }));
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ requestId: request.requestId, decision: { status: 'INSCRIT' } });
    expect(kairos.requests.filter((candidate) => candidate.requestId === request.requestId)).toHaveLength(1);

    // The prescription itself tells the whole story.
    const followed = await ml.get('/prescriptions/PRES-ML-1');
    expect(followed.status).toBe(200);
    expect(followed.body).toMatchObject({ status: 'SORTI', label: 'Sorti', withdrawn: false });
    expect((followed.body.steps as unknown[]).length).toBe(expected.length);
  });

  it('when Kairos has not decided within the wait, then 202 with a Location, where the decision shows once made', async () => {
    kairos.answering = false;
    try {
      const accepted = await ml.post(
        '/prescriptions',
        prescriptionBody('3456789C', {
          prescriptionId: 'PRES-ML-2',
          target: { sessionKey: '14_AF_0000011111|14_SE_0000102222|SE_0000102222', modalityKind: 'CANDIDATURE_WINDOW' },
        }),
      );
      expect(accepted.status).toBe(202);
      expect(accepted.body).toMatchObject({ prescriptionId: 'PRES-ML-2', status: 'POSITIONNE', decision: null });
      const location = accepted.headers.get('location') as string;

      const request = await kairos.request(accepted.body.requestId as string);
      await kairos.publish('CandidatureReceived', request.journeyId, {
        requestId: request.requestId,
        causationId: request.envelope.eventId,
        de: request.de,
      });
      const decided = await waitFor(async () => {
        const view = await ml.get(location);
        return view.body.decision ? view : undefined;
      });
      expect(decided.body).toMatchObject({ status: 'CANDIDATURE_RECUE', decision: { status: 'CANDIDATURE_RECUE' } });
    } finally {
      kairos.answering = true;
    }
  });

  it('when a prescriber withdraws a prescription, then Kairos is told and the cancellation reaches the feed', async () => {
    const created = await ml.post('/prescriptions', prescriptionBody('4567890D', { prescriptionId: 'PRES-ML-3' }));
    expect(created.status).toBe(201);

    const withdrawn = await ml.delete('/prescriptions/PRES-ML-3');

    expect(withdrawn.status).toBe(202);
    expect(withdrawn.body).toMatchObject({ prescriptionId: 'PRES-ML-3', withdrawn: true });
    await waitFor(() => kairos.withdrawals.includes(created.body.requestId as string), {
      description: 'PositioningWithdrawn on the broker',
    });
    const request = await kairos.request(created.body.requestId as string);
    await kairos.publish('RegistrationCancelled', request.journeyId, {
      registrationId: `REG-${request.requestId}`,
      reason: 'Prescription retirée par le prescripteur',
    });
    const view = await waitFor(async () => {
      const found = await ml.get('/prescriptions/PRES-ML-3');
      return found.body.status === 'RDV_ANNULE' ? found : undefined;
    });
    expect(view.body).toMatchObject({ withdrawn: true, label: 'RDV annulé' });
  });

  it('when another organisation asks for a prescription, then 403 with nothing of it, and its feed stays empty', async () => {
    const asked = await ft.get('/prescriptions/PRES-ML-1');
    const withdrawn = await ft.delete('/prescriptions/PRES-ML-1');
    const reused = await ft.post('/prescriptions', prescriptionBody('5678901E', { prescriptionId: 'PRES-ML-1' }));

    for (const answer of [asked, withdrawn, reused]) {
      expect(answer.status).toBe(403);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.stringify(answer.body)).not.toMatch(/INSCRIT|SORTI|2345678B|REG-|journey/i);
    }
    expect(await ft.wholeFeed()).toEqual([]);
    expect((await ml.get('/prescriptions/PRES-ML-1')).body.withdrawn).toBe(false);
  });

  it('when an integrator reads the OpenAPI document, then it has every route and the webhook with its headers', async () => {
    const document = await new Api(service.url, null).get('/openapi.json');
    expect(document.status).toBe(200);
    expect(Object.keys(document.body.paths as object).sort()).toEqual([
      '/feed',
      '/prescriptions',
      '/prescriptions/{prescriptionId}',
      '/sessions',
      '/webhooks/subscriptions',
      '/webhooks/subscriptions/{subscriptionId}',
      '/webhooks/subscriptions/{subscriptionId}/deliveries',
      '/webhooks/subscriptions/{subscriptionId}/resume',
      '/webhooks/subscriptions/{subscriptionId}/rotate-secret',
    ]);
    const webhook = (document.body.webhooks as { followUp: { post: { parameters: { name: string }[] } } }).followUp;
    expect(webhook.post.parameters.map((parameter) => parameter.name)).toEqual(Object.values(WEBHOOK_HEADERS));
  });

  it('when a token is missing, unknown or lacks the role, then 401 or 403; an observer still follows', async () => {
    expect((await new Api(service.url, null).get('/feed')).status).toBe(401);
    expect((await new Api(service.url, 'not-a-token-of-anyone').post('/prescriptions', {})).status).toBe(401);
    const mirror = new Api(service.url, observer.token);
    expect((await mirror.post('/prescriptions', prescriptionBody('6789012F'))).status).toBe(403);
    expect((await mirror.get('/prescriptions/PRES-ML-1')).status).toBe(200);
    expect((await mirror.wholeFeed()).length).toBeGreaterThan(0);
  });

  it('when a body is invalid, then 400 problem+json naming the field; a prescription without a validated project is 422', async () => {
    const cases: [unknown, string][] = [
      [prescriptionBody('12'), 'body.de.ftId'],
      [
        { ...prescriptionBody('7890123G'), target: { sessionKey: 'not-a-session-key', modalityKind: 'ICO' } },
        'body.target.sessionKey',
      ],
      [
        { ...prescriptionBody('7890123G'), target: { sessionKey: '1|2|3', modalityKind: 'VISIO' } },
        'body.target.modalityKind',
      ],
      [{ ...prescriptionBody('7890123G'), de: { ftId: '7890123G', firstName: 'Camille' } }, 'body.de.lastName'],
      [{ ...prescriptionBody('7890123G'), fundingHint: 'region' }, 'body.fundingHint'],
      [{ ...prescriptionBody('7890123G'), projectValidated: undefined }, 'body.projectValidated'],
    ];
    for (const [body, field] of cases) {
      const refused = await ml.post('/prescriptions', body);
      expect(refused.status, field).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.errors?.map((error) => error.field)).toContain(field);
    }
    const unvalidated = await ml.post('/prescriptions', prescriptionBody('7890123G', { projectValidated: false }));
    expect(unvalidated.status).toBe(422);
    expect(unvalidated.body.errors?.map((error) => error.field)).toEqual(['body.projectValidated']);
    expect((await ml.get('/feed?after=garbage!')).status).toBe(400);
    expect(kairos.requests.some((request) => request.de.deIdentifier === '7890123G')).toBe(false);
  });

  it('when the connector restarts, then the feed is rebuilt from Kafka and webhooks resume without replaying', async () => {
    const before = await ml.wholeFeed();
    const deliveredBefore = receiver.accepted().length;
    const attemptsBefore = receiver.attempts.length;
    await service.stop();
    service = await startOuiform(env);
    ml = new Api(service.url, missionLocale.token);

    expect(await ml.wholeFeed()).toEqual(before);
    const request = kairos.requests.find((candidate) => candidate.prescription?.prescriptionId === 'PRES-ML-1');
    await kairos.publish('EndOfTrainingReportRecorded', request?.journeyId as string);
    await waitFor(() => receiver.accepted().length === deliveredBefore + 1, { description: 'the new step delivered' });
    const last = JSON.parse(receiver.accepted().at(-1)?.body as string) as WebhookPayload;
    expect(last.item).toMatchObject({ prescriptionId: 'PRES-ML-1', stage: 'EXIT', detail: { report: true } });
    expect(receiver.attempts.length).toBe(attemptsBefore + 1);
    expect((await ml.wholeFeed()).length).toBe(before.length + 1);
  });
});
