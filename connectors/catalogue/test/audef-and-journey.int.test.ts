import { randomBytes } from 'node:crypto';
import type { Bus } from '@passerelle/bus';
import { kairosConnector, kairosContracts } from '@passerelle/connector-kairos';
import { type RunningService, startService } from '@passerelle/runtime';
import { journeyIdFor } from '@passerelle/schemas';
import { offerSession } from '@passerelle/schemas/fixtures';
import { patience, waitFor } from '@passerelle/test-kit';
import { prepareBus, runnableEnv, TestClock, testBus, waitForLeaders } from '@passerelle/test-kit/runnable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Broker,
  call,
  DE_IDENTIFIER,
  DE_TOKEN,
  JOURNEY_SECRET,
  offerWith,
  SEARCH_TOKEN,
  sessionPath,
  startCatalogue,
  topicPrefix,
} from './harness.js';
import { me, positionings } from './self-registration-play.js';

// The Kairos connector itself decides here, on the real broker: a France Travail adviser positions a DE from AUDEF
// (read back on another catalogue instance), and a DE who registered himself from TMF follows his journey on his
// positioning as the OF records presence, result and entry through Kairos's HTTP acts.

const OF_TOKEN = randomBytes(18).toString('base64url');
const FT_ADVISER = randomBytes(18).toString('base64url');
const OTHER_FT_AGENCY = randomBytes(18).toString('base64url');
const ML_ADVISER = randomBytes(18).toString('base64url');
const ADVISED_DE = '2233445B';

const adviser = (organisation: string, prescriberNetwork = 'FRANCE_TRAVAIL') => ({
  role: 'PRESCRIBER',
  prescriberNetwork,
  organisation,
});

describe('AUDEF positionings and the DE journey, with the Kairos connector on the real broker', () => {
  const prefix = topicPrefix();
  /** Kairos's "now": moved past the ICO for presence and result, then to the session's start for the entry. */
  const clock = new TestClock();
  const offer = offerWith('Soudeur TIG', { start: '2027-03-01', end: '2027-09-30', capacity: 20 });
  const kairosPath = `/sessions/${encodeURIComponent(offer.sessionKey)}`;
  let broker: Broker;
  let topicsBus: Bus;
  let kairos: RunningService;
  let first: RunningService;
  let second: RunningService;
  let modalityId: string;

  const of = (method: string, path: string, body?: unknown) =>
    call(kairos.url, `${kairosPath}${path}`, { token: OF_TOKEN, method, body });

  beforeAll(async () => {
    clock.set('2027-01-05T10:00:00Z');
    const contracts = kairosContracts(prefix);
    topicsBus = testBus('catalogue-audef-topics', contracts);
    await prepareBus(topicsBus);
    await waitForLeaders(
      topicsBus,
      contracts.topics.map((topic) => topic.name),
    );
    broker = new Broker(prefix);
    await broker.start();

    const kairosEnv = runnableEnv('kairos', {
      KAIROS_TOPIC_PREFIX: prefix,
      KAIROS_GROUP_ID: `${prefix}connector-kairos`,
      KAIROS_TOKENS: JSON.stringify({ [OF_TOKEN]: [offerSession.formation.responsibleOrganisation.siret] }),
      JOURNEY_SECRET,
      KAIROS_COMMAND_TIMEOUT_MS: String(patience(5000)),
    });
    kairos = await startService(kairosConnector({ env: kairosEnv, clock: clock.now }), kairosEnv);
    const catalogueEnv = {
      CATALOGUE_DECISION_TIMEOUT_MS: String(patience(10_000)),
      CATALOGUE_TOKENS: JSON.stringify({
        [SEARCH_TOKEN]: { role: 'SEARCH' },
        [DE_TOKEN]: { role: 'DE', deIdentifier: DE_IDENTIFIER },
        [FT_ADVISER]: adviser('FT-NANTES-EST'),
        [OTHER_FT_AGENCY]: adviser('FT-BREST'),
        [ML_ADVISER]: adviser('ML-SAINT-NAZAIRE', 'MISSION_LOCALE'),
      }),
    };
    first = await startCatalogue(prefix, catalogueEnv);
    second = await startCatalogue(prefix, catalogueEnv);

    await broker.publishOffer('fr.passerelle.offer.SessionPublished', offer);
    const scheduled = await waitFor(
      async () => {
        const answer = await of('POST', '/modalities', {
          kind: 'ICO',
          date: '2027-02-10',
          startTime: '09:30',
          endTime: '11:30',
          place: 'Nantes',
          capacity: 10,
        });
        return answer.status === 201 || answer.status === 200 ? answer : undefined;
      },
      { description: 'the ICO scheduled once Kairos knows the session' },
    );
    modalityId = scheduled.body.modalityId;
    for (const instance of [first, second])
      for (const channel of ['AUDEF', 'TMF'])
        await waitFor(
          async () => (await call(instance.url, sessionPath(channel, offer.sessionKey))).body?.modalities?.length === 1,
          { description: `the ICO on ${channel}` },
        );
  });

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await kairos?.stop();
    await broker?.bus.stop();
    await topicsBus?.stop();
  });

  it('when a France Travail adviser positions a DE from AUDEF, then Kairos decides and any instance answers it', async () => {
    const path = positionings('AUDEF', offer.sessionKey);
    const body = {
      modalityId,
      deIdentifier: ADVISED_DE,
      firstName: 'Yanis',
      lastName: 'Berthelot',
      advisorId: 'ADV-0042',
      projectValidated: true,
      eligibilityChecks: ['PRIORITY_PUBLIC'],
      fundingHint: 2,
    };
    const headers = { 'idempotency-key': 'audef-prescription-1' };
    const created = await call(first.url, path, { token: FT_ADVISER, method: 'POST', body, headers });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      status: 'ACCEPTED',
      channel: 'AUDEF',
      origin: 'PRESCRIBER',
      decision: { outcome: 'REGISTERED', modalityId, modalityKind: 'ICO' },
      journey: { status: 'INSCRIT', label: 'Inscrit' },
    });
    const location = created.headers.get('location') as string;

    // Read-your-writes: the other instance answers the Location at once, never 404.
    const read = await call(second.url, location, { token: FT_ADVISER });
    expect(read.status).toBe(200);
    expect(read.body.requestId).toBe(created.body.requestId);
    // The decision itself reaches the other instance once its follower of Kairos's events has read it (PENDING until
    // then, on a busy machine): the Location answers at once, the decision follows.
    await waitFor(async () => (await call(second.url, location, { token: FT_ADVISER })).body?.status === 'ACCEPTED', {
      description: 'the decision on the other instance',
    });
    // A retry on the other instance is the same prescription.
    const retried = await call(second.url, path, { token: FT_ADVISER, method: 'POST', body, headers });
    expect(retried.status).toBe(200);
    expect(retried.body.requestId).toBe(created.body.requestId);

    await waitFor(() => broker.positionings.some((request) => request.requestId === created.body.requestId), {
      description: 'the AUDEF positioning on the broker',
    });
    const published = broker.positioningsOn(offer.sessionKey);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      requestId: created.body.requestId,
      origin: 'PRESCRIBER',
      channel: 'AUDEF',
      journeyId: journeyIdFor(JOURNEY_SECRET, ADVISED_DE, offer.sessionKey),
      de: { deIdentifier: ADVISED_DE },
      prescription: { network: 'FRANCE_TRAVAIL', organisation: 'FT-NANTES-EST', advisorId: 'ADV-0042' },
      envelope: { actor: { kind: 'PRESCRIBER', channel: 'AUDEF' }, sourceSystem: 'AUDEF' },
    });

    // Another agency does not read it; a Mission Locale adviser, a DE or no token do not position from AUDEF.
    expect((await call(second.url, location, { token: OTHER_FT_AGENCY })).status).toBe(403);
    for (const [token, status] of [
      [DE_TOKEN, 403],
      [ML_ADVISER, 403],
      [SEARCH_TOKEN, 403],
      [null, 401],
    ] as const) {
      const refused = await call(first.url, path, { token, method: 'POST', body: { ...body, advisorId: 'X' } });
      expect(refused.status, String(token)).toBe(status);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    // An adviser names the DE and validates his project; a DE names nobody.
    const unnamed = await call(first.url, path, { token: FT_ADVISER, method: 'POST', body: { modalityId, ...me } });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.errors[0].field).toBe('body.deIdentifier');
    const unvalidated = await call(first.url, path, {
      token: FT_ADVISER,
      method: 'POST',
      body: { ...body, projectValidated: false },
    });
    expect(unvalidated.status).toBe(422);
    expect(unvalidated.body.errors[0].field).toBe('body.projectValidated');
    const naming = await call(first.url, positionings('TMF', offer.sessionKey), {
      token: DE_TOKEN,
      method: 'POST',
      body: { modalityId, ...me, deIdentifier: ADVISED_DE },
    });
    expect(naming.status).toBe(400);
    expect(naming.body.errors[0].field).toBe('body.deIdentifier');
  });

  it('when the OF records presence, result, enrolment and entry in Kairos, then the DE sees his status move on his positioning', async () => {
    const registered = await call(first.url, positionings('TMF', offer.sessionKey), {
      token: DE_TOKEN,
      method: 'POST',
      body: { modalityId, ...me },
    });
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({ status: 'ACCEPTED', journey: { status: 'INSCRIT' } });
    const self = registered.body.links.self as string;
    const registration = encodeURIComponent(registered.body.decision.registrationId);

    /** The DE's positioning, on the other instance, once his journey reached `status`. */
    const journeyAt = (status: string) =>
      waitFor(
        async () => {
          const view = (await call(second.url, self, { token: DE_TOKEN })).body;
          return view.journey?.status === status ? view.journey : undefined;
        },
        { description: `the DE's journey at ${status}` },
      );

    clock.set('2027-02-10T14:00:00Z');
    expect((await of('POST', `/registrations/${registration}/presence`, { presence: 'PRESENT' })).status).toBe(200);
    expect((await journeyAt('PRESENT')).label).toBe('Présent');
    expect((await of('POST', `/registrations/${registration}/result`, { result: 'RETENU' })).status).toBe(200);
    // A retained result opens the enrolment (Kairos, E1): the DE sees it without another act.
    const enrolled = await journeyAt('INSCRIT_EN_FORMATION');
    const enrolment = enrolled.steps.find((step: { subject: string }) => step.subject === 'ENROLMENT');
    clock.set('2027-03-01T09:00:00Z');
    const entry = await of('POST', `/enrolments/${encodeURIComponent(enrolment.subjectId)}/entry`, {
      entryDate: '2027-03-01',
    });
    expect(entry.status).toBe(200);
    const entered = await journeyAt('ENTRE_EN_FORMATION');
    expect(entered.label).toBe('Entrée effective');
    expect(entered.steps.map((step: { status: string; label: string; date: string | null }) => step.status)).toEqual([
      'INSCRIT',
      'PRESENT',
      'RETENU',
      'INSCRIT_EN_FORMATION',
      'ENTRE_EN_FORMATION',
    ]);
    expect(entered.steps.at(-1).date).toBe('2027-03-01');
    expect(entered.steps.every((step: { at: string }) => typeof step.at === 'string')).toBe(true);

    // The adviser's prescription on the same session is another journey: none of this DE's steps show on it.
    const prescribed = broker.positioningsOn(offer.sessionKey).find((request) => request.channel === 'AUDEF');
    const adviserView = await call(first.url, `${positionings('AUDEF', offer.sessionKey)}/${prescribed?.requestId}`, {
      token: FT_ADVISER,
    });
    expect(adviserView.body.journey.steps.map((step: { status: string }) => step.status)).toEqual(['INSCRIT']);
  });
});
