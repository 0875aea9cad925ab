import type { RunningService } from '@passerelle/bus';
import { inspectPdf } from '@passerelle/documents';
import type { PositioningRequested } from '@passerelle/schemas';
import { journeyIdFor } from '@passerelle/schemas';
import { patience, waitFor, waitForReady, waitForSettledGroups } from '@passerelle/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDeToken } from '../src/index.js';
import { parisToday } from '../src/time.js';
import {
  Broker,
  call,
  candidatureWindow,
  DE_IDENTIFIER,
  DE_TOKEN,
  DE_TOKEN_KEY,
  ico,
  JOURNEY_SECRET,
  OTHER_DE_TOKEN,
  offerWith,
  type Response,
  SEARCH_TOKEN,
  sessionPath,
  startCatalogue,
  topicPrefix,
  trainee,
} from './harness.js';

// DE self-registration from TMF and Ma Formation against the real broker: the request goes out on
// positioning.requests; the test plays Kairos (the connector that decides) by publishing its answer on
// kairos.session-events with the request id and causation id of the contract.

// How long the connector waits for Kairos's answer before a 202: the tests that expect the decision in the answer
// wait on the system (the test's follower, its answer, the connector's follower), so it scales like any deadline.
// (Tests get the default timeout, patience(60 s): the slowest waits out that timeout four times.)
const DECISION_TIMEOUT_MS = patience(4000);
let broker: Broker;
let service: RunningService;
let prefix: string;

beforeAll(async () => {
  prefix = topicPrefix();
  broker = new Broker(prefix);
  await broker.start();
  service = await startCatalogue(prefix, { CATALOGUE_DECISION_TIMEOUT_MS: String(DECISION_TIMEOUT_MS) });
});

afterAll(async () => {
  await service?.stop();
  await broker?.bus.stop();
});

/** The channels a DE registers from, where these tests POST. */
const DE_CHANNELS = ['TMF', 'MA_FORMATION'] as const;

/**
 * A new session with an ICO and a candidature window, once both DE channels show it with them. Each channel's
 * listing is a record of its own (keyed `channel|session`, so often on another partition), and the connector's
 * follower may show TMF's a moment before MA_FORMATION's: waiting on TMF alone let a POST on MA_FORMATION meet a
 * listing without its window yet (400, nothing published).
 */
async function listedSession(title: string) {
  const offer = offerWith(title);
  await broker.publishOffer('fr.passerelle.offer.SessionPublished', offer);
  await broker.schedule(offer.sessionKey, ico('ICO-1', 10));
  await broker.schedule(offer.sessionKey, candidatureWindow('WIN-1', 15));
  const shown: Record<string, number | undefined> = {};
  await waitFor(
    async () => {
      for (const channel of DE_CHANNELS)
        shown[channel] = (await call(service.url, sessionPath(channel, offer.sessionKey))).body?.modalities?.length;
      return DE_CHANNELS.every((channel) => shown[channel] === 2);
    },
    {
      description: () =>
        `the session and its two modalities on ${DE_CHANNELS.join(' and ')} (${JSON.stringify(shown)})`,
    },
  );
  return offer;
}

/** The request the connector published for this session (as committed on the broker). */
const publishedRequest = (sessionKey: string) =>
  waitFor(() => broker.positionings.find((request) => request.target.sessionKey === sessionKey), {
    description: `the positioning request on ${sessionKey}`,
  });

/** Kairos's answer to a request (the test plays Kairos): same requestId, causationId = the request's eventId. */
async function answerAsKairos(request: PositioningRequested, answer: 'CANDIDATURE' | 'REGISTRATION' | 'REFUSAL') {
  const sessionKey = request.target.sessionKey;
  const common = { ...trainee(sessionKey, DE_IDENTIFIER), journeyId: request.journeyId };
  const envelope = {
    eventId: `kairos:${request.requestId}:answer`,
    occurredAt: new Date(),
    recordedAt: new Date(),
    actor: {
      kind: 'SYSTEM' as const,
      siret: null,
      organisationName: null,
      prescriberNetwork: null,
      channel: 'KAIROS' as const,
    },
    sourceSystem: 'KAIROS' as const,
    correlationId: request.journeyId,
    causationId: request.envelope.eventId,
  };
  const event =
    answer === 'CANDIDATURE'
      ? {
          record: 'fr.passerelle.kairos.CandidatureReceived',
          value: {
            envelope,
            ...common,
            candidatureId: `CAND-${request.requestId}`,
            windowId: request.target.modalityId ?? 'WIN-1',
            requestId: request.requestId,
            de: request.de,
            status: 'CANDIDATURE_RECUE',
            sourceLabel: 'À contacter',
          },
        }
      : answer === 'REGISTRATION'
        ? {
            record: 'fr.passerelle.kairos.RegistrationRecorded',
            value: {
              envelope,
              ...common,
              registrationId: `REG-${request.requestId}`,
              modalityId: request.target.modalityId ?? 'ICO-1',
              modalityKind: 'ICO',
              requestId: request.requestId,
              de: request.de,
              status: 'INSCRIT',
              sourceLabel: 'Inscrit',
            },
          }
        : {
            record: 'fr.passerelle.kairos.RegistrationRefused',
            value: {
              envelope,
              ...common,
              requestId: request.requestId,
              modalityId: request.target.modalityId,
              reason: 'NO_PLACE',
              message: "Il n'y a plus de place disponible sur ce rendez-vous.",
            },
          };
  await broker.bus.publish([{ topic: broker.topics.sessionEvents, key: sessionKey, ...event }]);
}

/**
 * Makes a self-registration while playing Kairos for the request it publishes. A POST answered without publishing
 * (a 4xx) fails at once with its answer, rather than leaving the test waiting for a request that never comes.
 */
async function registerAnsweredAs(
  sessionKey: string,
  answer: 'CANDIDATURE' | 'REGISTRATION' | 'REFUSAL',
  post: () => Promise<Response>,
): Promise<Response> {
  const answering = publishedRequest(sessionKey).then((request) => answerAsKairos(request, answer));
  // Observed at once: if the POST fails first, this wait's own failure must not surface as an unhandled rejection.
  answering.catch(() => undefined);
  const response = await post();
  if (response.status >= 400)
    throw new Error(
      `The POST answered ${response.status} ${JSON.stringify(response.body)}: nothing for Kairos to answer`,
    );
  await answering;
  return response;
}

const positionings = (channel: string, sessionKey: string) => `${sessionPath(channel, sessionKey)}/positionings`;
const me = { firstName: 'Camille', lastName: 'Lefèvre', email: 'camille@example.org', phone: '+33 6 00 00 00 00' };

describe('DE self-registration (the test plays Kairos)', () => {
  it('when a DE sends a contact request on a window from Ma Formation and Kairos receives it, then he is accepted and gets his letter', async () => {
    const offer = await listedSession('Conducteur de bus urbain');

    const response = await registerAnsweredAs(offer.sessionKey, 'CANDIDATURE', () =>
      call(service.url, positionings('MA_FORMATION', offer.sessionKey), {
        token: DE_TOKEN,
        method: 'POST',
        body: { modalityId: 'WIN-1', ...me },
      }),
    );

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ACCEPTED',
      channel: 'MA_FORMATION',
      modalityKind: 'CANDIDATURE_WINDOW',
      decision: { outcome: 'CANDIDATURE_RECEIVED', modalityId: 'WIN-1' },
    });
    expect(response.headers.get('location')).toBe(response.body.links.self);

    const request = await publishedRequest(offer.sessionKey);
    expect(request).toMatchObject({
      requestId: response.body.requestId,
      origin: 'CHANNEL',
      channel: 'MA_FORMATION',
      journeyId: journeyIdFor(JOURNEY_SECRET, DE_IDENTIFIER, offer.sessionKey),
      target: { sessionKey: offer.sessionKey, modalityKind: 'CANDIDATURE_WINDOW', modalityId: 'WIN-1' },
      de: { deIdentifier: DE_IDENTIFIER, lastName: 'Lefèvre', email: 'camille@example.org' },
      envelope: { actor: { kind: 'DE', channel: 'MA_FORMATION' }, sourceSystem: 'MA_FORMATION' },
    });

    const letter = await call(service.url, response.body.links.letter, { token: DE_TOKEN });
    expect(letter.status).toBe(200);
    expect(letter.headers.get('content-type')).toBe('application/pdf');
    const pdf = await inspectPdf(letter.bytes);
    expect(pdf.title).toBe('Confirmation de votre demande de contact');
    const text = pdf.pages.join('\n');
    expect(text).toContain('Bonjour Camille Lefèvre,');
    expect(text).toContain(
      "L'organisme de formation vous recontactera pour fixer la date et la modalité de votre entretien",
    );
    expect(text).toContain('Conducteur de bus urbain');
    expect(text).toContain('du 01/01/2026 au 31/12/2030');

    // Another DE, or a search token, gets neither the positioning nor the letter.
    expect((await call(service.url, response.body.links.self, { token: OTHER_DE_TOKEN })).status).toBe(403);
    expect((await call(service.url, response.body.links.letter, { token: OTHER_DE_TOKEN })).status).toBe(403);
    expect((await call(service.url, response.body.links.letter, { token: SEARCH_TOKEN })).status).toBe(403);
    expect((await call(service.url, response.body.links.self, { token: DE_TOKEN })).body.status).toBe('ACCEPTED');

    // He changes his mind (G4): only he may withdraw; the withdrawal goes to Kairos and the letter is no more.
    expect(
      (await call(service.url, response.body.links.self, { token: OTHER_DE_TOKEN, method: 'DELETE' })).status,
    ).toBe(403);
    const withdrawn = await call(service.url, response.body.links.self, { token: DE_TOKEN, method: 'DELETE' });
    expect(withdrawn.status).toBe(202);
    expect(withdrawn.body.status).toBe('WITHDRAWN');
    const withdrawal = await waitFor(() => broker.withdrawals.find((w) => w.requestId === response.body.requestId), {
      description: 'the PositioningWithdrawn on the broker',
    });
    expect(withdrawal).toMatchObject({ sessionKey: offer.sessionKey, journeyId: request.journeyId });
    expect(withdrawal.envelope.causationId).toBe(request.envelope.eventId);
    expect((await call(service.url, response.body.links.letter, { token: DE_TOKEN })).status).toBe(409);
  });

  it('when the appointment is today, then the DE can no longer cancel his registration from the catalogue', async () => {
    const offer = await listedSession('Jardinier paysagiste');
    await broker.schedule(offer.sessionKey, ico('ICO-TODAY', 10, parisToday(new Date())));
    await waitFor(
      async () => (await call(service.url, sessionPath('TMF', offer.sessionKey))).body?.modalities?.length === 3,
      { description: 'the ICO of today on TMF' },
    );
    const response = await registerAnsweredAs(offer.sessionKey, 'REGISTRATION', () =>
      call(service.url, positionings('TMF', offer.sessionKey), {
        token: DE_TOKEN,
        method: 'POST',
        body: { modalityId: 'ICO-TODAY', ...me },
      }),
    );
    expect(response.body.status).toBe('ACCEPTED');
    const refused = await call(service.url, response.body.links.self, { token: DE_TOKEN, method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('day before the appointment');
  });

  it('when a DE registers on an ICO from TMF and Kairos refuses, then he is told why, and there is no letter', async () => {
    const offer = await listedSession('Électricien bâtiment');
    const response = await registerAnsweredAs(offer.sessionKey, 'REFUSAL', () =>
      call(service.url, positionings('TMF', offer.sessionKey), {
        token: DE_TOKEN,
        method: 'POST',
        body: { modalityKind: 'ICO', ...me },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'REFUSED',
      decision: {
        outcome: 'REFUSED',
        reason: 'NO_PLACE',
        message: "Il n'y a plus de place disponible sur ce rendez-vous.",
      },
    });
    expect(response.body.links.letter).toBeUndefined();
    expect((await call(service.url, `${response.body.links.self}/letter`, { token: DE_TOKEN })).status).toBe(409);
  });

  it('when Kairos has not decided in time, then 202 with a link, and polling shows the decision once it comes', async () => {
    const offer = await listedSession('Agent de maintenance des bâtiments');
    const response = await call(service.url, positionings('TMF', offer.sessionKey), {
      token: DE_TOKEN,
      method: 'POST',
      body: { modalityId: 'ICO-1', firstName: 'Camille', lastName: 'Lefèvre' },
    });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'PENDING', decision: null });
    const poll = response.headers.get('location') as string;
    expect((await call(service.url, poll, { token: DE_TOKEN })).body.status).toBe('PENDING');

    await answerAsKairos(await publishedRequest(offer.sessionKey), 'REGISTRATION');
    const decided = await waitFor(
      async () => {
        const body = (await call(service.url, poll, { token: DE_TOKEN })).body;
        return body.status === 'ACCEPTED' ? body : undefined;
      },
      { description: 'the decision on the poll link' },
    );
    expect(decided.decision).toMatchObject({ outcome: 'REGISTERED', modalityId: 'ICO-1', modalityKind: 'ICO' });
  });

  it('when the request is not one a DE may make there, then 401, 403, 404 or 400 naming the field, and nothing is published', async () => {
    const offer = await listedSession('Peintre en bâtiment');
    const path = positionings('TMF', offer.sessionKey);
    const post = (body: unknown, token: string | null = DE_TOKEN, target = path) =>
      call(service.url, target, { token, method: 'POST', body });
    expect((await post({ modalityId: 'ICO-1', ...me }, null)).status).toBe(401);
    expect((await post({ modalityId: 'ICO-1', ...me }, SEARCH_TOKEN)).status).toBe(403);
    expect(
      (await post({ modalityId: 'ICO-1', ...me }, DE_TOKEN, positionings('OUIFORM', offer.sessionKey))).status,
    ).toBe(403);
    expect((await post({ modalityId: 'ICO-1', ...me }, DE_TOKEN, positionings('TMF', 'NO|SUCH|SESSION'))).status).toBe(
      404,
    );
    for (const [body, field] of [
      [{ modalityId: 'ICO-404', ...me }, 'body.modalityId'],
      [{ modalityId: 'ICO-1', modalityKind: 'RDVI', ...me }, 'body.modalityKind'],
      [{ ...me }, 'body.modalityId'],
      [{ modalityId: 'ICO-1', firstName: 'Camille' }, 'body.lastName'],
      [{ modalityId: 'ICO-1', ...me, email: 'not-an-email' }, 'body.email'],
    ] as const) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
    // A marker request is published after them: once it is on the broker, nothing before it was.
    await post({ modalityId: 'ICO-1', ...me }, DE_TOKEN).catch(() => undefined);
    const requests = await waitFor(
      () => {
        const found = broker.positionings.filter((request) => request.target.sessionKey === offer.sessionKey);
        return found.length > 0 ? found : undefined;
      },
      { description: 'the marker request' },
    );
    expect(requests).toHaveLength(1);
  });
});

describe('DE self-registration with a signed DE token and retries (the test plays Kairos)', () => {
  const inAnHour = () => new Date(Date.now() + 3_600_000);

  it('when a DE logged in on TMF registers with the token the identity layer signed, then he is registered as the DE it names, on that channel only', async () => {
    const offer = await listedSession('Boulanger');
    const deIdentifier = '7012345e';
    const token = signDeToken(DE_TOKEN_KEY, { deIdentifier, channels: ['TMF'], expiresAt: inAnHour() });

    const response = await registerAnsweredAs(offer.sessionKey, 'REGISTRATION', () =>
      call(service.url, positionings('TMF', offer.sessionKey), {
        token,
        method: 'POST',
        body: { modalityId: 'ICO-1', ...me },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ACCEPTED', decision: { outcome: 'REGISTERED' } });
    const request = await publishedRequest(offer.sessionKey);
    expect(request).toMatchObject({
      requestId: response.body.requestId,
      journeyId: journeyIdFor(JOURNEY_SECRET, '7012345E', offer.sessionKey),
      de: { deIdentifier: '7012345E' },
    });
    // His poll works with his token; not with another DE's, nor on a channel his token does not name.
    expect((await call(service.url, response.body.links.self, { token })).body.status).toBe('ACCEPTED');
    expect((await call(service.url, response.body.links.self, { token: DE_TOKEN })).status).toBe(403);
    const onMaFormation = await call(service.url, positionings('MA_FORMATION', offer.sessionKey), {
      token,
      method: 'POST',
      body: { modalityId: 'ICO-1', ...me },
    });
    expect(onMaFormation.status).toBe(403);
    // Expired, or signed with another key: 401, and nothing more is published for the session.
    const expired = signDeToken(DE_TOKEN_KEY, { deIdentifier, expiresAt: new Date(Date.now() - 1000) });
    const forged = signDeToken('a-key-that-is-not-the-catalogue-one-000000', { deIdentifier, expiresAt: inAnHour() });
    for (const refused of [expired, forged]) {
      const answer = await call(service.url, positionings('TMF', offer.sessionKey), {
        token: refused,
        method: 'POST',
        body: { modalityId: 'ICO-1', ...me },
      });
      expect(answer.status).toBe(401);
    }
    expect(
      (await call(service.url, positionings('TMF', offer.sessionKey), { token: expired, method: 'POST', body: me }))
        .body.detail,
    ).toContain('expired');
    expect(broker.positionings.filter((r) => r.target.sessionKey === offer.sessionKey)).toHaveLength(1);
  });

  it('when a front end retries a self-registration with the same Idempotency-Key, then one request id, one decision, one request on the broker', async () => {
    const offer = await listedSession('Plombier chauffagiste');
    const token = signDeToken(DE_TOKEN_KEY, { deIdentifier: '7099999F', expiresAt: inAnHour() });
    const post = (body: unknown, key?: string) =>
      call(service.url, positionings('TMF', offer.sessionKey), {
        token,
        method: 'POST',
        body,
        headers: key === undefined ? {} : { 'idempotency-key': key },
      });
    const key = 'tmf-retry-0001';

    // First attempt: Kairos is slow, the front end gets 202 (and, say, loses it); it retries while still pending.
    const first = await post({ modalityId: 'ICO-1', ...me }, key);
    expect(first.status).toBe(202);
    const pendingRetry = await post({ modalityId: 'ICO-1', ...me }, key);
    expect(pendingRetry.body).toMatchObject({ requestId: first.body.requestId, status: 'PENDING' });

    await answerAsKairos(await publishedRequest(offer.sessionKey), 'REGISTRATION');
    const retry = await post({ modalityId: 'ICO-1', ...me }, key);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ requestId: first.body.requestId, status: 'ACCEPTED' });
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    const again = await post({ modalityId: 'ICO-1', ...me }, key);
    expect(again.body.decision).toEqual(retry.body.decision);

    // The same key for another modality is a mistake named as such; a bad key is a 400 naming the header.
    const reused = await post({ modalityId: 'WIN-1', ...me }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.errors[0].field).toBe('headers.idempotency-key');
    for (const bad of ['x'.repeat(201), 'with space', 'clé'])
      expect((await post({ modalityId: 'ICO-1', ...me }, bad)).body.errors?.[0]?.field, bad).toBe(
        'headers.idempotency-key',
      );

    // Without a key, a POST is a new request: published after the retries, it shows they published nothing.
    const marker = await post({ modalityId: 'WIN-1', ...me });
    expect(marker.body.requestId).not.toBe(first.body.requestId);
    const requests = await waitFor(
      () => {
        const found = broker.positionings.filter((request) => request.target.sessionKey === offer.sessionKey);
        return found.some((request) => request.requestId === marker.body.requestId) ? found : undefined;
      },
      { description: 'the request made without a key' },
    );
    expect(requests.map((request) => request.requestId)).toEqual([first.body.requestId, marker.body.requestId]);

    // Withdrawing twice: the second DELETE answers the withdrawn request and publishes nothing.
    expect((await call(service.url, first.body.links.self, { token, method: 'DELETE' })).status).toBe(202);
    const second = await call(service.url, first.body.links.self, { token, method: 'DELETE' });
    expect(second).toMatchObject({ status: 202, body: { status: 'WITHDRAWN' } });
    await waitFor(() => broker.withdrawals.some((w) => w.requestId === first.body.requestId), {
      description: 'the withdrawal on the broker',
    });
    await call(service.url, marker.body.links.self, { token, method: 'DELETE' });
    await waitFor(() => broker.withdrawals.some((w) => w.requestId === marker.body.requestId), {
      description: 'the marker withdrawal after it',
    });
    expect(broker.withdrawals.filter((w) => w.requestId === first.body.requestId)).toHaveLength(1);
  });

  it('when the retry reaches an instance started after the first attempt (a crash, a restart), then it answers the same registration and publishes nothing', async () => {
    const offer = await listedSession('Soudeur');
    const token = signDeToken(DE_TOKEN_KEY, { deIdentifier: '7055555G', expiresAt: inAnHour() });
    const post = (url: string, body: unknown, key?: string) =>
      call(url, positionings('MA_FORMATION', offer.sessionKey), {
        token,
        method: 'POST',
        body,
        headers: key === undefined ? {} : { 'idempotency-key': key },
      });
    const first = await registerAnsweredAs(offer.sessionKey, 'CANDIDATURE', () =>
      post(service.url, { modalityId: 'WIN-1', ...me }, 'app-7f3a'),
    );
    expect(first.body.status).toBe('ACCEPTED');

    const other = await startCatalogue(prefix, { CATALOGUE_DECISION_TIMEOUT_MS: String(DECISION_TIMEOUT_MS) });
    try {
      // The conditions of "an instance started after the first attempt", not a retry loop on the request under
      // test: it is ready (it listens once it has read the self-registrations made before it started), and the
      // group's rebalance is over, so the retry meets the steady two-instance deployment a client would.
      await waitForReady(other.url, { description: 'the instance started after the first attempt' });
      await waitForSettledGroups([service.url, other.url], { description: 'the connector group of both instances' });
      const retry = await post(other.url, { modalityId: 'WIN-1', ...me }, 'app-7f3a');
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({
        requestId: first.body.requestId,
        status: 'ACCEPTED',
        decision: first.body.decision,
      });

      // A request without a key after it, answered by Kairos: once it is on the broker, the retry published nothing.
      const markerAnswered = waitFor(
        () =>
          broker.positionings.find(
            (r) => r.target.sessionKey === offer.sessionKey && r.requestId !== retry.body.requestId,
          ),
        { description: 'the marker request on the broker' },
      ).then((request) => answerAsKairos(request, 'CANDIDATURE'));
      markerAnswered.catch(() => undefined);
      const marker = await post(other.url, { modalityId: 'WIN-1', ...me });
      expect(marker.status, JSON.stringify(marker.body)).toBeLessThan(300);
      await markerAnswered;
      const requestIds = broker.positionings
        .filter((request) => request.target.sessionKey === offer.sessionKey)
        .map((request) => request.requestId);
      expect(requestIds).toEqual([first.body.requestId, marker.body.requestId]);
    } finally {
      await other.stop();
    }
  });
});
