import { inspectPdf } from '@passerelle/documents';
import { journeyIdFor } from '@passerelle/schemas';
import { waitFor } from '@passerelle/test-kit';
import { describe, expect, it } from 'vitest';
import { parisToday } from '../src/time.js';
import {
  call,
  DE_IDENTIFIER,
  DE_TOKEN,
  ico,
  JOURNEY_SECRET,
  OTHER_DE_TOKEN,
  SEARCH_TOKEN,
  sessionPath,
  trainee,
} from './harness.js';
import { me, positionings, useSelfRegistration } from './self-registration-play.js';

// DE self-registration from TMF and Ma Formation against the real broker: the request goes out on
// positioning.requests; the test plays Kairos (the connector that decides) by publishing its answer on
// kairos.session-events with the request id and causation id of the contract.

const { broker, service, listedSession, publishedRequest, answerAsKairos, registerAnsweredAs } = useSelfRegistration();

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

  it('when Kairos issues the invitation letter and then reschedules, then the DE’s page shows the convocation and its update', async () => {
    const offer = await listedSession('Cuisinier en restauration collective');
    const response = await registerAnsweredAs(offer.sessionKey, 'REGISTRATION', () =>
      call(service.url, positionings('TMF', offer.sessionKey), {
        token: DE_TOKEN,
        method: 'POST',
        body: { modalityId: 'ICO-1', ...me },
      }),
    );
    expect(response.body).toMatchObject({ status: 'ACCEPTED', invitation: null });
    const registrationId = (response.body.decision as { registrationId: string }).registrationId;
    const letter = (version: number, date: string, time: string) =>
      broker.kairos(offer.sessionKey, 'fr.passerelle.kairos.InvitationIssued', {
        ...trainee(offer.sessionKey, DE_IDENTIFIER),
        registrationId,
        modalityId: 'ICO-1',
        modalityKind: 'ICO',
        version,
        date,
        time,
        endTime: null,
        place: 'Nantes',
        remoteLink: null,
        whatToBring: 'Votre CV',
      });
    const page = (version: number) =>
      waitFor(
        async () => {
          const body = (await call(service.url, response.body.links.self, { token: DE_TOKEN })).body;
          return body.invitation?.version === version ? body : undefined;
        },
        { description: `the convocation version ${version} on the DE's page` },
      );

    await letter(1, '2030-06-15', '09:30');
    expect((await page(1)).invitation).toMatchObject({
      label: 'Convocation',
      date: '2030-06-15',
      time: '09:30',
      place: 'Nantes',
      whatToBring: 'Votre CV',
    });
    await letter(2, '2030-06-18', '14:00');
    expect((await page(2)).invitation).toMatchObject({
      label: 'Convocation mise à jour',
      date: '2030-06-18',
      time: '14:00',
    });
    // The convocation is the DE's own: another DE does not see it.
    expect((await call(service.url, response.body.links.self, { token: OTHER_DE_TOKEN })).status).toBe(403);
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
