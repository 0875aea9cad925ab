import { waitFor, waitForSettledGroups } from '@passerelle/test-kit';
import { describe, expect, it } from 'vitest';
import { type KairosInstance, newDe, sessionPath, startKairos, useKairos } from './harness.js';

// One connector instance for the file, on its own topics. Each test drives OF acts through the HTTP API and checks
// the answer and what was committed on kairos.session-events.

const { broker, clock, kairos, newSession, prefix } = useKairos();

const ico = (capacity: number, date = '2026-12-10') => ({
  kind: 'ICO',
  date,
  startTime: '09:30',
  endTime: '11:30',
  place: '11 rue Étienne Coutan, Nantes',
  capacity,
});

describe('the OF API — recruitment modalities and registrations', () => {
  it('when an ICO is scheduled and a DE registered, then 201 answers and the events are on the broker', async () => {
    const { path } = await newSession();
    const scheduled = await kairos.api.post(`${path}/modalities`, ico(2));
    expect(scheduled.status).toBe(201);
    expect(await broker.recordNames(scheduled.body.eventIds)).toEqual(['RecruitmentModalityScheduled']);
    const modalityId = scheduled.body.modalityId as string;

    const de = newDe();
    const registered = await kairos.api.post(`${path}/modalities/${modalityId}/registrations`, { de });
    expect(registered.status).toBe(201);
    // The routed command keeps the DE in its DePersonalData field, out of the JSON body.
    const command = await waitFor(() => broker.commands.get(registered.body.commandId as string));
    expect(command).toMatchObject({ type: 'registration.register', de: { deIdentifier: de.deIdentifier } });
    expect(command.body).not.toContain(de.deIdentifier);
    expect(command.body).not.toContain(de.lastName);
    expect(registered.body).toMatchObject({ registrationId: expect.any(String), journeyId: expect.any(String) });
    const [event] = await broker.recorded(registered.body.eventIds);
    expect(event?.record).toBe('fr.passerelle.kairos.RegistrationRecorded');
    expect(event?.key).toBe(decodeURIComponent(path.slice('/sessions/'.length)));

    const list = await kairos.api.get(`${path}/modalities/${modalityId}/registrants`);
    expect(list.body).toMatchObject({ capacity: 2, placesAvailable: 1, waitlisted: 0 });
  });

  it('when a request body is invalid, then 400 problem+json naming the field, and nothing is published', async () => {
    const { path, session } = await newSession();
    const sessionEvents = () => broker.sessionEvents.filter((event) => event.key === session.sessionKey).length;
    const before = sessionEvents();
    const invalid = await kairos.api.post(`${path}/modalities`, { ...ico(2), date: '10/12/2026' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    expect(invalid.body.errors?.map((error) => error.field)).toContain('body.date');
    const missing = await kairos.api.post(`${path}/modalities`, { kind: 'ICO', date: '2026-12-10' });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ rule: 'MISSING_FIELD', errors: [{ field: 'startTime' }] });
    expect(sessionEvents()).toBe(before);
  });

  it("when no or a wrong token is presented, or the session is not the OF's, then 401 / 403 with nothing leaked", async () => {
    const { path } = await newSession();
    const scheduled = await kairos.api.post(`${path}/modalities`, ico(2));
    const modalityId = scheduled.body.modalityId as string;
    const anonymous = await kairos.api.request('GET', path, undefined, null);
    expect(anonymous.status).toBe(401);
    expect((await kairos.api.request('GET', path, undefined, 'not-a-real-token-at-all')).status).toBe(401);

    const foreignRead = await kairos.other.get(path);
    const unknownRead = await kairos.other.get(sessionPath('14_AF_X|14_SE_X|SE_X'));
    expect(foreignRead.status).toBe(403);
    expect(foreignRead.body).toMatchObject({ rule: 'FORBIDDEN_SESSION' });
    expect({ ...foreignRead.body, instance: undefined }).toEqual({ ...unknownRead.body, instance: undefined });
    const foreignAct = await kairos.other.post(`${path}/modalities/${modalityId}/registrations`, { de: newDe() });
    expect(foreignAct.status).toBe(403);
    expect(foreignAct.body).toMatchObject({ rule: 'FORBIDDEN_SESSION' });
    expect(JSON.stringify(foreignAct.body)).not.toContain(modalityId);
    expect((await kairos.other.get('/sessions')).body).toEqual({ sessions: [] });
  });

  it('when an act is retried with the same Idempotency-Key, on this instance or another, then it is done once and answered alike', async () => {
    const { path } = await newSession();
    const modalityId = (await kairos.api.post(`${path}/modalities`, ico(5))).body.modalityId as string;
    const registrations = `${path}/modalities/${modalityId}/registrations`;
    const de = newDe();
    const retry = (api: KairosInstance['api'], key: string, body: unknown = { de }) =>
      api.request('POST', registrations, body, undefined, { 'idempotency-key': key });

    const first = await retry(kairos.api, 'retry-0001');
    const again = await retry(kairos.api, 'retry-0001');
    // A second instance has never seen the answer: the session's writer answers the known command again. The retry
    // goes once the group has settled with both: sent in the middle of the rebalance, it would meet a writer
    // changing hands, and its answer could outlast the instance's wait for it (a 202, not the registration).
    const second = await startKairos(prefix, clock);
    try {
      await waitForSettledGroups([kairos.service.url, second.service.url], { description: 'both Kairos instances' });
      const elsewhere = await retry(second.api, 'retry-0001');
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(elsewhere.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(elsewhere.body.registrationId).toBe(first.body.registrationId);
      expect(elsewhere.body.eventIds).toEqual(first.body.eventIds);
    } finally {
      await second.service.stop();
    }
    const list = await kairos.api.get(`${path}/modalities/${modalityId}/registrants`);
    expect(list.body).toMatchObject({ capacity: 5, placesAvailable: 4 });
    expect(await broker.recordNames(first.body.eventIds)).toEqual(['RegistrationRecorded', 'InvitationIssued']);

    const invalid = await retry(kairos.api, 'not a key', { de: newDe() });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.map((error) => error.field)).toEqual(['headers.idempotency-key']);
  });

  it('when the ICO is full, then 409 NO_PLACE_LEFT names the rule and nothing is recorded', async () => {
    const { path, session } = await newSession();
    // This session's events only, counted once the first registration's are in: the follower trails the commit.
    const sessionEvents = () => broker.sessionEvents.filter((event) => event.key === session.sessionKey).length;
    const modalityId = (await kairos.api.post(`${path}/modalities`, ico(1))).body.modalityId as string;
    const first = await kairos.api.post(`${path}/modalities/${modalityId}/registrations`, { de: newDe() });
    expect(first.status).toBe(201);
    await broker.recorded(first.body.eventIds);
    const before = sessionEvents();
    const full = await kairos.api.post(`${path}/modalities/${modalityId}/registrations`, { de: newDe() });
    expect(full.status).toBe(409);
    expect(full.body).toMatchObject({ type: 'urn:passerelle:problem:kairos:no-place-left', rule: 'NO_PLACE_LEFT' });
    expect(sessionEvents()).toBe(before);
  });

  it('R1–R9 through HTTP: cancel, transfer, presence after the RDV only, results, waitlist — each on the broker', async () => {
    clock.set('2026-12-01T10:00:00Z');
    const { path } = await newSession(1);
    const first = (await kairos.api.post(`${path}/modalities`, ico(3))).body.modalityId as string;
    const second = (await kairos.api.post(`${path}/modalities`, ico(3, '2026-12-11'))).body.modalityId as string;
    const register = async () =>
      (await kairos.api.post(`${path}/modalities/${first}/registrations`, { de: newDe() })).body
        .registrationId as string;
    const [a, b, c] = [await register(), await register(), await register()];

    const cancelled = await kairos.api.post(`${path}/registrations/${a}/cancel`, { reason: 'Demande du DE' });
    expect(cancelled.status).toBe(200);
    expect(await broker.recordNames(cancelled.body.eventIds)).toEqual(['RegistrationCancelled']);

    const transferred = await kairos.api.post(`${path}/registrations/${b}/transfer`, { toModalityId: second });
    expect(await broker.recordNames(transferred.body.eventIds)).toEqual([
      'RegistrationTransferred',
      'RegistrationRecorded',
      'InvitationIssued',
    ]);

    const tooEarly = await kairos.api.post(`${path}/registrations/${c}/presence`, { presence: 'PRESENT' });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.rule).toBe('APPOINTMENT_NOT_PAST');

    clock.set('2026-12-10T12:00:00Z');
    const present = await kairos.api.post(`${path}/registrations/${c}/presence`, { presence: 'PRESENT' });
    expect(await broker.recordNames(present.body.eventIds)).toEqual(['PresenceRecorded']);
    const invalid = await kairos.api.post(`${path}/registrations/${a}/presence`, { presence: 'PRESENT' });
    expect(invalid.status).toBe(409);
    expect(invalid.body.rule).toBe('INVALID_TRANSITION');

    const waitlisted = await kairos.api.post(`${path}/registrations/${c}/result`, { result: 'RETENU_EN_ATTENTE' });
    expect(await broker.recordNames(waitlisted.body.eventIds)).toEqual(['RecruitmentResultRecorded']);
    expect((await kairos.api.get(`${path}/modalities/${first}/registrants`)).body).toMatchObject({ waitlisted: 1 });
    const retained = await kairos.api.post(`${path}/registrations/${c}/waitlist`, { decision: 'RETENU' });
    expect(await broker.recordNames(retained.body.eventIds)).toEqual(['WaitlistDecisionRecorded', 'EnrolmentOpened']);
    expect(retained.body.enrolmentId).toEqual(expect.any(String));

    const csv = await kairos.api.get(`${path}/modalities/${first}/registrants.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.replace('\uFEFF', '').trim().split('\r\n');
    expect(lines[0]).toBe('"N° DE";"Nom – Prénom";"Présence";"Résultat";"Statut"');
    expect(lines.slice(1, 4).map((line) => line.split(';').at(-1))).toEqual([
      '"RDV annulé"',
      '"Transféré"',
      '"Retenu"',
    ]);
    expect(lines.at(-1)).toContain('Places disponibles: 2');
    clock.set('2026-12-01T10:00:00Z');
  });

  it('when a modality is modified, duplicated, deleted with its registrants, or a window adjusted, then the events follow', async () => {
    const { path } = await newSession();
    const modalityId = (await kairos.api.post(`${path}/modalities`, ico(3))).body.modalityId as string;
    await kairos.api.post(`${path}/modalities/${modalityId}/registrations`, { de: newDe() });
    const modified = await kairos.api.patch(`${path}/modalities/${modalityId}`, { startTime: '10:00', capacity: 4 });
    expect(await broker.recordNames(modified.body.eventIds)).toEqual([
      'RecruitmentModalityRescheduled',
      'InvitationIssued',
      'RecruitmentModalityAdjusted',
    ]);
    const below = await kairos.api.patch(`${path}/modalities/${modalityId}`, { capacity: 0 });
    expect(below.status).toBe(400);
    const duplicated = await kairos.api.post(`${path}/modalities/${modalityId}/duplicate`, { date: '2026-12-17' });
    expect(duplicated.status).toBe(201);
    expect(await broker.recordNames(duplicated.body.eventIds)).toEqual(['RecruitmentModalityDuplicated']);
    const withoutFate = await kairos.api.delete(`${path}/modalities/${modalityId}`, {});
    expect(withoutFate.status).toBe(409);
    expect(withoutFate.body.rule).toBe('REGISTRANTS_FATE_REQUIRED');
    const deleted = await kairos.api.delete(`${path}/modalities/${modalityId}`, {
      registrants: { action: 'transfer', toModalityId: duplicated.body.modalityId },
    });
    expect(await broker.recordNames(deleted.body.eventIds)).toEqual([
      'RegistrationTransferred',
      'RegistrationRecorded',
      'InvitationIssued',
      'RecruitmentModalityCancelled',
    ]);
    const spare = (await kairos.api.post(`${path}/modalities`, ico(2, '2026-12-18'))).body.modalityId as string;
    const bodiless = await kairos.api.delete(`${path}/modalities/${spare}`);
    expect(bodiless.status).toBe(200);
    expect(await broker.recordNames(bodiless.body.eventIds)).toEqual(['RecruitmentModalityCancelled']);
    const window = await kairos.api.post(`${path}/modalities`, {
      kind: 'CANDIDATURE_WINDOW',
      receptionStart: '2026-11-20',
      receptionEnd: '2026-12-20',
      capacity: 5,
    });
    const adjusted = await kairos.api.patch(`${path}/modalities/${window.body.modalityId}/window`, { capacity: 8 });
    expect(await broker.recordNames(adjusted.body.eventIds)).toEqual(['RecruitmentModalityAdjusted']);
    expect(adjusted.body).toMatchObject({ capacity: 8, placesAvailable: 8 });
  });
});
