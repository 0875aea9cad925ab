import { deadLetterTopicFor } from '@passerelle/bus';
import type { RunningService } from '@passerelle/runtime';
import { waitFor } from '@passerelle/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_HEADERS } from '../src/webhooks/signature.js';
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

const capEmploi = account('CE-44', 'CAP_EMPLOI');

describe('webhook delivery across two instances', () => {
  const prefix = topicPrefix();
  const kairos = new PlayedKairos(prefix);
  const receiver = new WebhookReceiver();
  const instances: RunningService[] = [];

  beforeAll(async () => {
    await kairos.start();
    await receiver.start();
    const env = connectorEnv(prefix, [capEmploi], {
      ...webhookOf('ce-44', capEmploi, receiver, 'ce-44-webhook-secret-0001'),
      OUIFORM_WEBHOOK_MAX_RETRIES: '2',
      OUIFORM_WEBHOOK_RETRY_BASE_MS: '20',
      OUIFORM_WEBHOOK_RETRY_MAX_MS: '50',
    });
    instances.push(await startOuiform(env), await startOuiform(env));
  });

  afterAll(async () => {
    for (const instance of instances) await instance.stop();
    await receiver.stop();
    await kairos.stop();
  });

  it('when two instances share the subscription, then each step is delivered once; one the receiver always refuses goes to the dead-letter topic after its retries and delivery goes on', async () => {
    const [first, second] = instances.map((instance) => new Api(instance.url, capEmploi.token)) as [Api, Api];
    receiver.refuses = (body) => (JSON.parse(body) as WebhookPayload).item.status === 'ABSENT';
    const journeys: string[] = [];
    for (const [index, ftId] of ['1000001A', '1000002B', '1000003C'].entries()) {
      const api = index % 2 === 0 ? first : second;
      const created = await api.post('/prescriptions', prescriptionBody(ftId, { prescriptionId: `PRES-CE-${index}` }));
      expect(created.status).toBe(201);
      journeys.push((await kairos.request(created.body.requestId as string)).journeyId);
    }
    const [one, two, three] = journeys as [string, string, string];
    await kairos.publish('PresenceRecorded', one, { presence: 'ABSENT', status: 'ABSENT', sourceLabel: 'Absent' });
    await kairos.publish('PresenceRecorded', two);
    await kairos.publish('PresenceRecorded', three);
    await kairos.publish('RegistrationCancelled', one);

    // Every instance serves every prescription and the same feed.
    expect((await second.get('/prescriptions/PRES-CE-0')).status).toBe(200);
    const feed = await waitFor(
      async () => {
        const items = await first.wholeFeed();
        return items.length === 7 ? items : undefined;
      },
      { description: 'seven steps in the feed' },
    );
    expect(await second.wholeFeed()).toEqual(feed);

    const delivered = await waitFor(() => (receiver.accepted().length === 6 ? receiver.accepted() : undefined), {
      description: 'six steps delivered',
    });
    const idsOf = (status: number) =>
      receiver.attempts
        .filter((attempt) => attempt.status === status)
        .map((attempt) => attempt.headers[WEBHOOK_HEADERS.id]);
    expect(new Set(idsOf(204)).size).toBe(idsOf(204).length);
    const absent = feed.find((item) => item.status === 'ABSENT')?.eventId;
    expect(idsOf(500)).toEqual([absent, absent, absent]);
    const afterRefusal = delivered.map((delivery) => (JSON.parse(delivery.body) as WebhookPayload).item);
    expect(afterRefusal.filter((item) => item.prescriptionId === 'PRES-CE-0').map((item) => item.status)).toEqual([
      'INSCRIT',
      'RDV_ANNULE',
    ]);

    const deadLetters: unknown[] = [];
    await waitFor(
      async () => {
        deadLetters.length = 0;
        await kairos.bus.readToEnd(deadLetterTopicFor(`${prefix}connector-ouiform.webhook.ce-44`), (event) =>
          deadLetters.push(event.value),
        );
        return deadLetters.length === 1;
      },
      { description: 'the refused step dead-lettered' },
    );
    expect(deadLetters[0]).toMatchObject({ envelope: { eventId: absent } });
  });
});
