import { journeyIdFor } from '@passerelle/schemas';
import { waitFor, waitForReady, waitForSettledGroups } from '@passerelle/test-kit';
import { describe, expect, it } from 'vitest';
import { signDeToken } from '../src/index.js';
import { call, DE_TOKEN, DE_TOKEN_KEY, JOURNEY_SECRET, startCatalogue } from './harness.js';
import { DECISION_TIMEOUT_MS, me, positionings, useSelfRegistration } from './self-registration-play.js';

// DE self-registration with the tokens the channels' identity layer signs, and the retries of a front end (the same
// Idempotency-Key, on the same instance or on one started after the first attempt). The test plays Kairos.

const { broker, service, prefix, listedSession, publishedRequest, answerAsKairos, registerAnsweredAs } =
  useSelfRegistration();

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
