import { randomBytes } from 'node:crypto';
import type { Bus } from '@passerelle/bus';
import { kairosConnector, kairosContracts, kairosTopics } from '@passerelle/connector-kairos';
import { type RunningService, startService } from '@passerelle/runtime';
import { offerSession, offerSessionWith } from '@passerelle/schemas/fixtures';
import { patience, waitFor } from '@passerelle/test-kit';
import { prepareBus, runnableEnv, TestClock, testBus, waitForLeaders } from '@passerelle/test-kit/runnable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ouiformContracts } from '../src/topics.js';
import { Api, account, connectorEnv, JOURNEY_SECRET, prescriptionBody, startOuiform, topicPrefix } from './harness.js';

// The Kairos connector itself answers the prescriptions and records the OF's acts: the contract between the two
// (request ids, answers, journey ids, withdrawal) checked end to end on the real broker.

const OF_TOKEN = randomBytes(18).toString('base64url');
const prescriber = account('ML-SAINT-NAZAIRE', 'MISSION_LOCALE');

describe('with the Kairos connector on the real broker', () => {
  const prefix = topicPrefix();
  /** Kairos decides "now" by this clock: moved to put the ICO in the past, then into the training. */
  const clock = new TestClock();
  const session = offerSessionWith(
    { session: { start: '2027-01-11', end: '2027-06-30', capacity: 20, recruitmentState: 'OPEN', expired: false } },
    'OUIFORM',
  );
  const path = `/sessions/${encodeURIComponent(session.sessionKey)}`;
  let offerBus: Bus;
  let kairos: RunningService;
  let ouiform: RunningService;
  let of: Api;
  let ml: Api;

  beforeAll(async () => {
    clock.set('2026-12-01T10:00:00Z');
    const topics = new Map(
      [...kairosContracts(prefix).topics, ...ouiformContracts(prefix).topics].map((topic) => [topic.name, topic]),
    );
    offerBus = testBus('ouiform-offer', { ...kairosContracts(prefix), topics: [...topics.values()] });
    await prepareBus(offerBus);
    await waitForLeaders(offerBus, topics.keys());

    const kairosEnv = runnableEnv('kairos', {
      KAIROS_TOPIC_PREFIX: prefix,
      KAIROS_GROUP_ID: `${prefix}connector-kairos`,
      KAIROS_TOKENS: JSON.stringify({ [OF_TOKEN]: [offerSession.formation.responsibleOrganisation.siret] }),
      JOURNEY_SECRET,
      // The OF's acts answer once the writer decided: a wait on the system, scaled like the test's others.
      KAIROS_COMMAND_TIMEOUT_MS: String(patience(5000)),
    });
    kairos = await startService(kairosConnector({ env: kairosEnv, clock: clock.now }), kairosEnv);
    ouiform = await startOuiform(
      connectorEnv(prefix, [prescriber], { OUIFORM_DECISION_TIMEOUT_MS: String(patience(10_000)) }),
    );
    of = new Api(kairos.url, OF_TOKEN);
    ml = new Api(ouiform.url, prescriber.token);
  });

  afterAll(async () => {
    await ouiform?.stop();
    await kairos?.stop();
    await offerBus?.stop();
  });

  it('when a prescriber positions a DE on an ICO and the OF retains him, then the prescriber follows each step to the exit', async () => {
    await offerBus.publish([
      {
        topic: kairosTopics(prefix).offer,
        key: session.sessionKey,
        record: 'fr.passerelle.offer.SessionPublished',
        value: {
          envelope: {
            eventId: `sofi:${session.sessionKey}`,
            occurredAt: new Date(),
            recordedAt: new Date(),
            actor: { kind: 'SYSTEM', siret: null, organisationName: null, prescriberNetwork: null, channel: null },
            sourceSystem: 'SOFI',
            correlationId: session.sessionKey,
            causationId: null,
          },
          sessionKey: session.sessionKey,
          session,
        },
      },
    ]);
    const ico = {
      kind: 'ICO',
      date: '2026-12-10',
      startTime: '09:30',
      endTime: '11:30',
      place: 'Saint-Nazaire',
      capacity: 10,
    };
    const scheduled = await waitFor(
      async () => {
        const answer = await of.post(`${path}/modalities`, ico);
        return answer.status === 201 || answer.status === 200 ? answer : undefined;
      },
      { description: 'the ICO scheduled once Kairos knows the session', timeoutMs: 60_000 },
    );
    const modalityId = scheduled.body.modalityId as string;

    const created = await ml.post(
      '/prescriptions',
      prescriptionBody('1357913K', { target: { sessionKey: session.sessionKey, modalityKind: 'ICO', modalityId } }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'INSCRIT', decision: { detail: { modalityId } } });
    const registration = encodeURIComponent(
      (created.body.decision as { detail: { registrationId: string } }).detail.registrationId,
    );

    clock.set('2026-12-10T14:00:00Z');
    expect((await of.post(`${path}/registrations/${registration}/presence`, { presence: 'PRESENT' })).status).toBe(200);
    expect((await of.post(`${path}/registrations/${registration}/result`, { result: 'RETENU' })).status).toBe(200);
    const enrolled = await waitFor(
      async () => {
        const items = await ml.wholeFeed();
        return items.find((item) => item.status === 'INSCRIT_EN_FORMATION') as
          | { detail?: { enrolmentId: string } }
          | undefined;
      },
      { description: 'the enrolment in the feed' },
    );
    const enrolment = `${path}/enrolments/${encodeURIComponent(enrolled.detail?.enrolmentId as string)}`;
    clock.set('2027-01-11T09:00:00Z');
    expect((await of.post(`${enrolment}/entry`, { entryDate: '2027-01-11' })).status).toBe(200);
    clock.set('2027-06-30T18:00:00Z');
    expect((await of.post(`${enrolment}/exit`, { date: '2027-06-30', reason: 'END_OF_TRAINING' })).status).toBe(200);

    // The registration, then its invitation letter (annex 7.2: same status), then each act.
    const expected = ['INSCRIT', 'INSCRIT', 'PRESENT', 'RETENU', 'INSCRIT_EN_FORMATION', 'ENTRE_EN_FORMATION', 'SORTI'];
    const feed = await waitFor(
      async () => {
        const items = await ml.wholeFeed();
        return items.length === expected.length ? items : undefined;
      },
      { description: 'the whole journey in the feed' },
    );
    expect(feed.map((item) => item.status)).toEqual(expected);
    expect(feed.map((item) => item.stage)).toEqual([
      'POSITIONING',
      'INVITATION',
      'PRESENCE',
      'RESULT',
      'ENROLMENT',
      'ENTRY',
      'EXIT',
    ]);
  });

  it('when a prescriber withdraws a prescription, then Kairos cancels the registration and the feed says so', async () => {
    clock.set('2026-12-01T10:00:00Z');
    const ico = {
      kind: 'ICO',
      date: '2026-12-17',
      startTime: '09:30',
      endTime: '11:30',
      place: 'Saint-Nazaire',
      capacity: 10,
    };
    const modalityId = (await of.post(`${path}/modalities`, ico)).body.modalityId as string;
    const created = await ml.post(
      '/prescriptions',
      prescriptionBody('2468024L', { target: { sessionKey: session.sessionKey, modalityKind: 'ICO', modalityId } }),
    );
    expect(created.status).toBe(201);

    expect((await ml.delete(`/prescriptions/${created.body.prescriptionId}`)).status).toBe(202);

    const cancelled = await waitFor(
      async () => {
        const view = await ml.get(`/prescriptions/${created.body.prescriptionId}`);
        return view.body.status === 'RDV_ANNULE' ? view : undefined;
      },
      { description: 'the cancellation followed' },
    );
    expect(cancelled.body).toMatchObject({ withdrawn: true, label: 'RDV annulé' });
  });

  it('when the OF reschedules the ICO, then the prescriber’s feed shows the updated convocation (version 2, new date)', async () => {
    clock.set('2026-12-01T10:00:00Z');
    const ico = {
      kind: 'ICO',
      date: '2026-12-18',
      startTime: '09:30',
      endTime: '11:30',
      place: 'Saint-Nazaire',
      capacity: 10,
      whatToBring: 'Votre CV',
    };
    const modalityId = (await of.post(`${path}/modalities`, ico)).body.modalityId as string;
    const created = await ml.post(
      '/prescriptions',
      prescriptionBody('3579135M', { target: { sessionKey: session.sessionKey, modalityKind: 'ICO', modalityId } }),
    );
    expect(created.status).toBe(201);
    const prescriptionId = created.body.prescriptionId as string;
    type Item = { prescriptionId: string; stage: string; sourceLabel: string | null; detail: Record<string, unknown> };
    const letters = async () =>
      ((await ml.wholeFeed()) as unknown as Item[]).filter(
        (item) => item.prescriptionId === prescriptionId && item.stage === 'INVITATION',
      );
    const first = await waitFor(async () => (await letters())[0], { description: 'the first convocation in the feed' });
    expect(first).toMatchObject({
      sourceLabel: 'Convocation',
      detail: { version: 1, date: '2026-12-18', time: '09:30', place: 'Saint-Nazaire', whatToBring: 'Votre CV' },
    });

    const moved = await of.request('PATCH', `${path}/modalities/${encodeURIComponent(modalityId)}`, {
      date: '2026-12-21',
      startTime: '14:00',
      endTime: '16:00',
    });
    expect(moved.status).toBe(200);
    const updated = await waitFor(async () => (await letters()).find((item) => item.detail.version === 2), {
      description: 'the updated convocation in the feed',
    });
    expect(updated).toMatchObject({
      sourceLabel: 'Convocation mise à jour',
      detail: { date: '2026-12-21', time: '14:00', endTime: '16:00', place: 'Saint-Nazaire' },
    });
    const view = await ml.get(`/prescriptions/${prescriptionId}`);
    expect(view.body).toMatchObject({ status: 'INSCRIT', label: 'Inscrit' });
  });
});
