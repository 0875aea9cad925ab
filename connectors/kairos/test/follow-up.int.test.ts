import { inspectPdf } from '@passerelle/documents';
import { waitFor } from '@passerelle/test-kit';
import { describe, expect, it } from 'vitest';
import { newDe, startKairos, useKairos } from './harness.js';

// Candidatures (Kairos NG), enrolment from entry to exit, positioning requests and their withdrawal, a session
// withdrawn from the offer, the dashboards and the OpenAPI document — one connector instance for the file.

const { broker, clock, kairos, newSession, prefix } = useKairos();

const answerTo = (requestId: string) =>
  waitFor(() => broker.answersTo(requestId)[0], { description: `the answer to ${requestId}` });

describe('candidatures (Kairos NG) through positioning requests and the OF API', () => {
  it('C1–C4: received on an open window, contacted, interviewed, present, retained → enrolled; a closed window refuses', async () => {
    clock.set('2026-12-01T10:00:00Z');
    const { session, path } = await newSession();
    const window = await kairos.api.post(`${path}/modalities`, {
      kind: 'CANDIDATURE_WINDOW',
      receptionStart: '2026-11-25',
      receptionEnd: '2026-12-15',
      capacity: 2,
    });
    const windowId = window.body.modalityId as string;
    const request = broker.positioningRequest(session.sessionKey, newDe(), { modalityKind: 'CANDIDATURE_WINDOW' });
    await broker.position([request]);
    const received = await answerTo(request.requestId);
    expect(received.record).toBe('fr.passerelle.kairos.CandidatureReceived');
    expect(received.value).toMatchObject({
      requestId: request.requestId,
      windowId,
      envelope: { causationId: request.envelope.eventId },
    });
    const candidatureId = (received.value as { candidatureId: string }).candidatureId;

    const list = await waitFor(async () => {
      const response = await kairos.api.get(`${path}/modalities/${windowId}/registrants`);
      return (response.body.candidatures as unknown[] | undefined)?.length === 1 ? response : undefined;
    });
    expect(list.body).toMatchObject({
      capacity: 2,
      placesAvailable: 1,
      candidatures: [{ candidatureId, status: 'CANDIDATURE_RECUE' }],
    });

    const contacted = await kairos.api.post(`${path}/candidatures/${encodeURIComponent(candidatureId)}/contact`, {
      outcome: 'CONTACTE',
      interview: { date: '2026-12-05', time: '14:00', modality: 'VIDEO' },
    });
    expect(await broker.recordNames(contacted.body.eventIds)).toEqual([
      'CandidateContactRecorded',
      'InterviewScheduled',
    ]);
    const early = await kairos.api.post(
      `${path}/candidatures/${encodeURIComponent(candidatureId)}/interview-presence`,
      {
        presence: 'PRESENT',
      },
    );
    expect(early.status).toBe(409);
    expect(early.body.rule).toBe('INTERVIEW_NOT_PAST');
    clock.set('2026-12-05T15:00:00Z');
    const rescheduled = await kairos.api.post(`${path}/candidatures/${encodeURIComponent(candidatureId)}/interview`, {
      date: '2026-12-05',
      time: '15:30',
      modality: 'PHONE',
    });
    expect(await broker.recordNames(rescheduled.body.eventIds)).toEqual(['InterviewScheduled']);
    const present = await kairos.api.post(
      `${path}/candidatures/${encodeURIComponent(candidatureId)}/interview-presence`,
      {
        presence: 'PRESENT',
      },
    );
    expect(await broker.recordNames(present.body.eventIds)).toEqual(['InterviewPresenceRecorded']);
    const retained = await kairos.api.post(`${path}/candidatures/${encodeURIComponent(candidatureId)}/result`, {
      result: 'RETENU',
    });
    expect(await broker.recordNames(retained.body.eventIds)).toEqual(['CandidatureResultRecorded', 'EnrolmentOpened']);

    clock.set('2026-12-20T10:00:00Z');
    const late = broker.positioningRequest(session.sessionKey, newDe(), { modalityId: windowId });
    await broker.position([late]);
    expect((await answerTo(late.requestId)).value).toMatchObject({
      reason: 'WINDOW_CLOSED',
      requestId: late.requestId,
    });
    clock.set('2026-12-01T10:00:00Z');
  });
});

describe('enrolment through the OF API (entry to end-of-training report)', () => {
  it('E1–E6: proposed, entered, interrupted, attended, out, reported — each event on the broker; wrong dates refused', async () => {
    clock.set('2026-12-01T10:00:00Z');
    const { path } = await newSession(2);
    const proposed = await kairos.api.post(`${path}/enrolments`, { de: newDe() });
    expect(proposed.status).toBe(201);
    expect(await broker.recordNames(proposed.body.eventIds)).toEqual(['EnrolmentOpened']);
    const enrolment = `${path}/enrolments/${encodeURIComponent(proposed.body.enrolmentId as string)}`;

    clock.set('2027-02-01T10:00:00Z');
    const outside = await kairos.api.post(`${enrolment}/entry`, { entryDate: '2027-01-02' });
    expect(outside.status).toBe(422);
    expect(outside.body).toMatchObject({ rule: 'DATE_OUTSIDE_SESSION', errors: [{ field: 'entryDate' }] });
    const entry = await kairos.api.post(`${enrolment}/entry`, { entryDate: '2027-01-11' });
    expect(await broker.recordNames(entry.body.eventIds)).toEqual(['EntryRecorded']);
    const twice = await kairos.api.post(`${enrolment}/entry`, { entryDate: '2027-01-12' });
    expect(twice.status).toBe(409);
    expect(twice.body.rule).toBe('INVALID_TRANSITION');
    const corrected = await kairos.api.post(`${enrolment}/entry-correction`, {
      entryDate: '2027-01-12',
      reason: 'Erreur de saisie',
    });
    expect(await broker.recordNames(corrected.body.eventIds)).toEqual(['EntryCorrected']);

    const interruption = await kairos.api.post(`${enrolment}/interruptions`, {
      start: '2027-01-20',
      end: '2027-01-25',
    });
    expect(await broker.recordNames(interruption.body.eventIds)).toEqual(['InterruptionStarted']);
    const overlap = await kairos.api.post(`${enrolment}/interruptions`, { start: '2027-01-24', end: '2027-01-28' });
    expect(overlap.status).toBe(409);
    expect(overlap.body.rule).toBe('INTERRUPTION_OVERLAP');
    const ended = await kairos.api.post(`${enrolment}/interruptions/${interruption.body.interruptionId}/end`, {
      end: '2027-01-25',
    });
    expect(await broker.recordNames(ended.body.eventIds)).toEqual(['InterruptionEnded']);
    const attendance = await kairos.api.post(`${enrolment}/attendance`, {
      from: '2027-01-12',
      to: '2027-01-19',
      presentHours: 35,
      absentHours: 3.5,
    });
    expect(await broker.recordNames(attendance.body.eventIds)).toEqual(['AttendancePeriodRecorded']);

    clock.set('2027-07-01T10:00:00Z');
    const afterEnd = await kairos.api.post(`${enrolment}/exit`, { date: '2027-07-01', reason: 'END_OF_TRAINING' });
    expect(afterEnd.status).toBe(422);
    const exit = await kairos.api.post(`${enrolment}/exit`, { date: '2027-06-30', reason: 'END_OF_TRAINING' });
    expect(await broker.recordNames(exit.body.eventIds)).toEqual(['ExitRecorded']);
    const report = await kairos.api.post(`${enrolment}/report`, { completion: 'TOTAL', completionRate: 1 });
    expect(await broker.recordNames(report.body.eventIds)).toEqual(['EndOfTrainingReportRecorded']);

    const view = await kairos.api.get(enrolment);
    expect(view.body).toMatchObject({
      status: 'SORTI',
      entryDate: '2027-01-12',
      reportRecorded: true,
      exit: { reason: 'END_OF_TRAINING' },
    });
    clock.set('2026-12-01T10:00:00Z');
  });

  it('E3 / cancel / abandon: absence at entry frees the place, a cancelled enrolment too; an abandon is recorded', async () => {
    clock.set('2026-12-01T10:00:00Z');
    const { path } = await newSession(1);
    const first = await kairos.api.post(`${path}/enrolments`, { de: newDe() });
    const full = await kairos.api.post(`${path}/enrolments`, { de: newDe() });
    expect(full.status).toBe(409);
    expect(full.body.rule).toBe('SESSION_FULL');
    const cancelled = await kairos.api.post(
      `${path}/enrolments/${encodeURIComponent(first.body.enrolmentId as string)}/cancel`,
      {},
    );
    expect(await broker.recordNames(cancelled.body.eventIds)).toEqual(['EnrolmentCancelled']);
    const second = await kairos.api.post(`${path}/enrolments`, { de: newDe() });
    expect(second.status).toBe(201);
    const enrolment = `${path}/enrolments/${encodeURIComponent(second.body.enrolmentId as string)}`;
    const tooEarly = await kairos.api.post(`${enrolment}/absence-at-entry`, {});
    expect(tooEarly.body.rule).toBe('SESSION_NOT_STARTED');
    clock.set('2027-01-11T10:00:00Z');
    const absent = await kairos.api.post(`${enrolment}/absence-at-entry`, {});
    expect(await broker.recordNames(absent.body.eventIds)).toEqual(['AbsenceAtEntryRecorded']);
    const third = await kairos.api.post(`${path}/enrolments`, { de: newDe() });
    const entered = `${path}/enrolments/${encodeURIComponent(third.body.enrolmentId as string)}`;
    await kairos.api.post(`${entered}/entry`, { entryDate: '2027-01-11' });
    const abandon = await kairos.api.post(`${entered}/abandon`, { date: '2027-01-11', reason: 'Reprise d’emploi' });
    expect(await broker.recordNames(abandon.body.eventIds)).toEqual(['AbandonRecorded']);
    clock.set('2026-12-01T10:00:00Z');
  });
});

describe('positioning requests, withdrawals and the offer', () => {
  it('when a positioning is withdrawn, then its registration is cancelled (RDV annulé) and its place freed', async () => {
    const { session, path } = await newSession();
    const modalityId = (
      await kairos.api.post(`${path}/modalities`, {
        kind: 'ICO',
        date: '2026-12-10',
        startTime: '09:30',
        endTime: '11:30',
        place: 'Nantes',
        capacity: 1,
      })
    ).body.modalityId as string;
    const request = broker.positioningRequest(session.sessionKey, newDe(), { modalityKind: 'ICO' });
    await broker.position([request]);
    expect((await answerTo(request.requestId)).record).toBe('fr.passerelle.kairos.RegistrationRecorded');
    await broker.withdrawPositioning(request);
    const cancelled = await waitFor(() =>
      broker.sessionEvents.find(
        (event) =>
          event.record === 'fr.passerelle.kairos.RegistrationCancelled' &&
          (event.value as { envelope: { causationId: string } }).envelope.causationId ===
            `ouiform:${request.requestId}:withdrawn`,
      ),
    );
    expect(cancelled.value).toMatchObject({ status: 'RDV_ANNULE', modalityId });
    await waitFor(
      async () => (await kairos.api.get(`${path}/modalities/${modalityId}/registrants`)).body.placesAvailable === 1,
    );
  });

  it('when the session is withdrawn from the offer, then modalities are cancelled, registrants informed, requests refused', async () => {
    const { session, path } = await newSession();
    const modalityId = (
      await kairos.api.post(`${path}/modalities`, {
        kind: 'ICO',
        date: '2026-12-10',
        startTime: '09:30',
        endTime: '11:30',
        place: 'Nantes',
        capacity: 5,
      })
    ).body.modalityId as string;
    const registered = await kairos.api.post(`${path}/modalities/${modalityId}/registrations`, { de: newDe() });
    await broker.withdrawSession(session);
    const cancelled = await waitFor(() =>
      broker.sessionEvents.find(
        (event) =>
          event.record === 'fr.passerelle.kairos.RegistrationCancelled' &&
          (event.value as { registrationId: string }).registrationId === registered.body.registrationId,
      ),
    );
    expect(cancelled.value).toMatchObject({ reason: 'SESSION_WITHDRAWN', status: 'RDV_ANNULE' });
    await waitFor(() =>
      broker.sessionEvents.find(
        (event) =>
          event.record === 'fr.passerelle.kairos.RecruitmentModalityCancelled' &&
          (event.value as { modalityId: string }).modalityId === modalityId,
      ),
    );
    const late = broker.positioningRequest(session.sessionKey, newDe(), { modalityId });
    await broker.position([late]);
    expect((await answerTo(late.requestId)).value).toMatchObject({ reason: 'SESSION_WITHDRAWN' });
    const act = await kairos.api.post(`${path}/modalities`, {
      kind: 'CANDIDATURE_WINDOW',
      receptionStart: '2026-12-01',
      receptionEnd: '2026-12-31',
      capacity: 3,
    });
    expect(act.status).toBe(409);
    expect(act.body.rule).toBe('SESSION_WITHDRAWN');
  });
});

describe('dashboards, documents and commands', () => {
  it('when the OF opens its dashboards, then pilotage and the action board list what awaits input', async () => {
    clock.set('2026-12-01T10:00:00Z');
    const { session, path } = await newSession();
    const modalityId = (
      await kairos.api.post(`${path}/modalities`, {
        kind: 'ICO',
        date: '2026-12-10',
        startTime: '09:30',
        endTime: '11:30',
        place: 'Nantes',
        capacity: 5,
      })
    ).body.modalityId as string;
    await kairos.api.post(`${path}/modalities/${modalityId}/registrations`, { de: newDe() });
    const before = await kairos.api.get('/dashboards/actions');
    expect(before.body.sessionsWithFutureRdv).toEqual(
      expect.arrayContaining([expect.objectContaining({ sessionKey: session.sessionKey, futureRdv: 1 })]),
    );
    clock.set('2026-12-11T10:00:00Z');
    const actions = await kairos.api.get('/dashboards/actions');
    expect(actions.body.rdvAwaitingInput).toEqual(
      expect.arrayContaining([expect.objectContaining({ modalityId, presencesToEnter: 1 })]),
    );
    const pilotage = await kairos.api.get('/dashboards/pilotage');
    expect(pilotage.body.sessions).toEqual(
      expect.arrayContaining([expect.objectContaining({ sessionKey: session.sessionKey, registrants: 1 })]),
    );
    expect(pilotage.body.filesUnderWatch).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sessionKey: session.sessionKey, reason: 'MISSING_PRESENCE_OR_RESULT' }),
      ]),
    );
    expect((await kairos.other.get('/dashboards/pilotage')).body).toMatchObject({ sessions: [], registrants: [] });
    clock.set('2026-12-01T10:00:00Z');
  });

  it('when the OF asks for the fiche régionale of its registrant, then a PDF; another OF gets 403', async () => {
    const { path } = await newSession();
    const modalityId = (
      await kairos.api.post(`${path}/modalities`, {
        kind: 'ICO',
        date: '2026-12-10',
        startTime: '09:30',
        endTime: '11:30',
        place: 'Nantes',
        capacity: 5,
      })
    ).body.modalityId as string;
    const de = newDe();
    const registered = await kairos.api.post(`${path}/modalities/${modalityId}/registrations`, { de });
    const fiche = `${path}/registrations/${registered.body.registrationId}/fiche-regionale.pdf`;
    const response = await kairos.api.get(fiche);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = await inspectPdf(response.bytes);
    expect(pdf.pages.join('\n')).toContain(`${de.lastName} ${de.firstName}`);
    expect((await kairos.other.get(fiche)).status).toBe(403);
    expect((await kairos.api.get(`${path}/registrations/REG-none/fiche-regionale.pdf`)).status).toBe(404);
  });

  it('when the OpenAPI document is fetched, then every act is described with its request schema', async () => {
    const response = await kairos.api.request('GET', '/openapi.json', undefined, null);
    expect(response.status).toBe(200);
    const paths = response.body.paths as Record<
      string,
      Record<string, { operationId?: string; requestBody?: unknown }>
    >;
    const operations = Object.values(paths).flatMap((methods) =>
      Object.values(methods).map((operation) => operation.operationId),
    );
    expect(operations).toEqual(
      expect.arrayContaining(['registration.register', 'enrolment.entry', 'candidature.contact', 'modality.delete']),
    );
    expect(paths['/sessions/{sessionKey}/modalities']?.post?.requestBody).toMatchObject({
      content: { 'application/json': { schema: { required: ['kind'] } } },
    });
  });

  it('when the outcome takes longer than the timeout, then 202 with a Location that answers once decided', async () => {
    const { path } = await newSession();
    const impatient = await startKairos(prefix, clock, { KAIROS_COMMAND_TIMEOUT_MS: '1' });
    try {
      const pending = await impatient.api.post(`${path}/modalities`, {
        kind: 'CANDIDATURE_WINDOW',
        receptionStart: '2026-12-01',
        receptionEnd: '2026-12-31',
        capacity: 3,
      });
      expect(pending.status).toBe(202);
      const location = pending.headers.get('location') ?? '';
      expect(location).toBe(`/commands/${pending.body.commandId}`);
      const decided = await waitFor(async () => {
        const polled = await impatient.api.get(location);
        return polled.status === 201 ? polled : undefined;
      });
      expect(decided.body).toMatchObject({ commandId: pending.body.commandId, modalityId: expect.any(String) });
      expect((await impatient.other.get(location)).status).toBe(404);
    } finally {
      await impatient.service.stop();
    }
  });
});
