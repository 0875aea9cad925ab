import type { Bus } from '@passerelle/bus';
import type { RunningService } from '@passerelle/runtime';
import { waitFor } from '@passerelle/test-kit';
import { topicPrefix } from '@passerelle/test-kit/runnable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VigilanceSweep } from '../src/sweep.js';
import {
  Api,
  OF_TOKEN,
  OPS_TOKEN,
  OTHER_OF_TOKEN,
  producerBus,
  SessionScript,
  SIRET,
  startJourney,
  TestClock,
} from './harness.js';

const prefix = topicPrefix('journey');
const clock = new TestClock();
let service: RunningService;
let sweep: VigilanceSweep;
let api: Api;
let bus: Bus;

beforeAll(async () => {
  bus = await producerBus(prefix);
  ({ service, sweep } = await startJourney(prefix, clock));
  api = new Api(service.url);
});

afterAll(async () => {
  await service?.stop();
  await bus?.stop();
});

/** Request → registration → present → retained → enrolled, on a session starting on `start`. */
function retainedJourney(script: SessionScript, de: string, start = '2026-09-14') {
  const requestId = `REQ-${de}`;
  const registrationId = `REG-${de}`;
  const enrolmentId = `ENR-${de}`;
  const events = [
    script.offer(start, '2027-06-30'),
    script.trainee('fr.passerelle.positioning.PositioningRequested', de, { requestId }),
    script.trainee('fr.passerelle.kairos.RegistrationRecorded', de, {
      registrationId,
      requestId,
      status: 'INSCRIT',
      sourceLabel: 'Inscrit',
    }),
    script.trainee('fr.passerelle.kairos.PresenceRecorded', de, {
      registrationId,
      presence: 'PRESENT',
      status: 'PRESENT',
      sourceLabel: 'Présent',
    }),
    script.trainee('fr.passerelle.kairos.RecruitmentResultRecorded', de, {
      registrationId,
      result: 'RETENU',
      status: 'RETENU',
      sourceLabel: 'Retenu',
      refusalReason: null,
    }),
    script.trainee('fr.passerelle.kairos.EnrolmentOpened', de, {
      enrolmentId,
      origin: 'RECRUITMENT_RESULT',
      originId: registrationId,
      de: null,
      status: 'INSCRIT_EN_FORMATION',
      sourceLabel: 'Inscrit en formation',
    }),
  ];
  return { events, requestId, registrationId, enrolmentId, journeyId: script.journeyOf(de) };
}

describe('journey service on the real broker', () => {
  it('when a DE goes from positioning to the end of training, then his timeline is served in order', async () => {
    const script = new SessionScript(prefix);
    const journey = retainedJourney(script, '1000001A', '2026-01-05');
    const { enrolmentId } = journey;
    await bus.publishAtomically([
      ...journey.events,
      script.trainee('fr.passerelle.kairos.EntryRecorded', '1000001A', {
        enrolmentId,
        entryDate: '2026-01-05',
        status: 'ENTRE_EN_FORMATION',
        sourceLabel: 'Entrée effective',
      }),
      script.trainee('fr.passerelle.kairos.ExitRecorded', '1000001A', {
        enrolmentId,
        date: '2026-12-18',
        reason: 'END_OF_TRAINING',
        status: 'SORTI',
        sourceLabel: 'Sorti',
      }),
    ]);

    const served = await api.journey(journey.journeyId, (j) => j.status === 'SORTI' && j.timeline.length === 7);
    expect(served.sourceLabel).toBe('Sorti');
    expect(served.timeline.map((step) => [step.record, step.status])).toEqual([
      ['PositioningRequested', 'POSITIONNE'],
      ['RegistrationRecorded', 'INSCRIT'],
      ['PresenceRecorded', 'PRESENT'],
      ['RecruitmentResultRecorded', 'RETENU'],
      ['EnrolmentOpened', 'INSCRIT_EN_FORMATION'],
      ['EntryRecorded', 'ENTRE_EN_FORMATION'],
      ['ExitRecorded', 'SORTI'],
    ]);
    expect(served.timeline[1]?.actor).toMatchObject({ kind: 'OF', siret: SIRET });
    expect(served.links.map((link) => [link.kind, link.from])).toEqual([
      ['POSITIONING', null],
      ['REGISTRATION', journey.requestId],
      ['ENROLMENT', journey.registrationId],
    ]);
    expect(served.anomalies).toEqual([]);
    expect(served.organisationSirets).toContain(SIRET);

    // The OF of the session sees it, another OF gets the same 403 as for an unknown journey, no token is 401.
    expect((await api.get(`/journeys/${journey.journeyId}`, OF_TOKEN)).status).toBe(200);
    expect((await api.get(`/journeys/${journey.journeyId}`, OTHER_OF_TOKEN)).status).toBe(403);
    expect((await api.get(`/journeys/${'f'.repeat(64)}`, OTHER_OF_TOKEN)).status).toBe(403);
    const anonymous = await api.get(`/journeys/${journey.journeyId}`, null);
    expect([anonymous.status, anonymous.type]).toEqual([401, 'application/problem+json; charset=utf-8']);
    expect((await api.get(`/journeys/${'f'.repeat(64)}`)).status).toBe(404);

    const ofSession = await api.get(`/sessions/${encodeURIComponent(script.sessionKey)}/journeys`, OF_TOKEN);
    expect(ofSession.body.journeys).toMatchObject([{ journeyId: journey.journeyId, status: 'SORTI', steps: 7 }]);
    const otherOf = await api.get(`/sessions/${encodeURIComponent(script.sessionKey)}/journeys`, OTHER_OF_TOKEN);
    expect(otherOf.body.journeys).toEqual([]);
  });

  it('when an event is impossible in the current state, then it is served in the timeline, flagged', async () => {
    const script = new SessionScript(prefix);
    const registrationId = 'REG-IMPOSSIBLE';
    await bus.publishAtomically([
      script.offer('2026-09-14', '2026-12-18'),
      script.trainee('fr.passerelle.kairos.RegistrationRecorded', '1000002B', {
        registrationId,
        requestId: null,
        status: 'INSCRIT',
        sourceLabel: 'Inscrit',
      }),
      script.trainee('fr.passerelle.kairos.RegistrationCancelled', '1000002B', {
        registrationId,
        status: 'RDV_ANNULE',
        sourceLabel: 'RDV annulé',
      }),
      script.trainee('fr.passerelle.kairos.PresenceRecorded', '1000002B', {
        registrationId,
        presence: 'PRESENT',
        status: 'PRESENT',
        sourceLabel: 'Présent',
      }),
    ]);
    const served = await api.journey(script.journeyOf('1000002B'), (j) => j.timeline.length === 3);
    expect(served.status).toBe('RDV_ANNULE');
    expect(served.timeline.map((step) => [step.record, step.anomaly])).toEqual([
      ['RegistrationRecorded', null],
      ['RegistrationCancelled', null],
      ['PresenceRecorded', 'IMPOSSIBLE_TRANSITION'],
    ]);
    expect(served.anomalies).toHaveLength(1);
    expect(served.anomalies[0]).toMatch(/^IMPOSSIBLE_TRANSITION .* RDV_ANNULE → PRESENT/);
  });

  it('when the clock passes the entry deadline, then the sweep puts the file under watch for its OF', async () => {
    const script = new SessionScript(prefix);
    // Starts Monday 2027-01-11: three working days later is Thursday 14, late from Friday 15 (Paris, UTC+1).
    const journey = retainedJourney(script, '1000003C', '2027-01-11');
    await bus.publishAtomically(journey.events);
    // Before any review, nothing is flagged and the session start is the first deadline.
    const enrolled = await api.journey(
      journey.journeyId,
      (j) => j.status === 'INSCRIT_EN_FORMATION' && j.vigilanceDueAt !== null,
    );
    expect(enrolled.vigilance).toEqual([]);
    expect(enrolled.vigilanceDueAt).toBe('2027-01-10T23:00:00.000Z');
    clock.set('2027-01-10T22:00:00Z');
    expect(await sweep.sweep()).toBe(0);

    clock.set('2027-01-12T08:00:00Z');
    expect(await sweep.sweep()).toBe(1);
    const started = await api.journey(journey.journeyId, (j) => j.vigilance.length > 0);
    expect(started.vigilance).toMatchObject([{ code: 'RETAINED_NO_ENTRY', subjectId: journey.enrolmentId }]);
    expect(started.vigilanceDueAt).toBe('2027-01-14T23:00:00.000Z');

    clock.set('2027-01-15T08:00:00Z');
    await sweep.sweep();
    const late = await api.journey(journey.journeyId, (j) => j.vigilance[0]?.code === 'ENTRY_NOT_DECLARED');
    expect(late.vigilance[0]?.label).toBe('Entrée non déclarée sous trois jours ouvrés');

    const files = await api.get(`/organisations/${SIRET}/vigilance`, OF_TOKEN);
    expect(files.status).toBe(200);
    expect(files.body.files).toContainEqual(
      expect.objectContaining({ journeyId: journey.journeyId, status: 'INSCRIT_EN_FORMATION' }),
    );
    expect((await api.get(`/organisations/${SIRET}/vigilance`, OTHER_OF_TOKEN)).status).toBe(403);
    expect((await api.get('/organisations/123/vigilance')).status).toBe(400);

    // Declaring the entry takes the file off the watch.
    await bus.publishAtomically([
      script.trainee('fr.passerelle.kairos.EntryRecorded', '1000003C', {
        enrolmentId: journey.enrolmentId,
        entryDate: '2027-01-11',
        status: 'ENTRE_EN_FORMATION',
        sourceLabel: 'Entrée effective',
      }),
    ]);
    const entered = await api.journey(journey.journeyId, (j) => j.status === 'ENTRE_EN_FORMATION');
    expect([entered.vigilance, entered.vigilanceDueAt]).toEqual([[], null]);
  });

  it('when ops erase a DE, then none of his journeys is served and journey.status holds tombstones', async () => {
    const de = '1000004D';
    const first = new SessionScript(prefix);
    const second = new SessionScript(prefix);
    const other = new SessionScript(prefix);
    const a = retainedJourney(first, de);
    const b = retainedJourney(second, de);
    const kept = retainedJourney(other, '1000005E');
    await bus.publishAtomically([...a.events, ...b.events, ...kept.events]);
    for (const journeyId of [a.journeyId, b.journeyId, kept.journeyId])
      await api.journey(journeyId, (j) => j.status === 'INSCRIT_EN_FORMATION');

    expect((await api.request('POST', '/erasures', OF_TOKEN, { deIdentifier: de })).status).toBe(403);
    const invalid = await api.request('POST', '/erasures', OPS_TOKEN, { deIdentifier: 'x' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual([{ field: 'body.deIdentifier', message: expect.any(String) }]);
    const erased = await api.request('POST', '/erasures', OPS_TOKEN, { deIdentifier: de.toLowerCase() });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ erasedJourneys: 2 });

    for (const journeyId of [a.journeyId, b.journeyId]) {
      expect((await api.get(`/journeys/${journeyId}`)).status).toBe(404);
      expect(
        JSON.stringify((await api.get(`/sessions/${encodeURIComponent(first.sessionKey)}/journeys`)).body),
      ).not.toContain(journeyId);
    }
    const vigilance = await api.get(`/organisations/${SIRET}/vigilance`);
    expect(JSON.stringify(vigilance.body)).not.toContain(a.journeyId);
    expect((await api.get(`/journeys/${kept.journeyId}`)).status).toBe(200);

    const last = new Map<string, unknown>();
    await bus.readToEnd(first.topics.status, (event) => last.set(event.key, event.value));
    expect(last.get(a.journeyId)).toBeNull();
    expect(last.get(b.journeyId)).toBeNull();

    // An event of his recorded before the erasure (a late delivery) does not bring him back.
    const late = first.trainee('fr.passerelle.kairos.EntryRecorded', de, {
      enrolmentId: a.enrolmentId,
      entryDate: '2026-09-14',
      status: 'ENTRE_EN_FORMATION',
      sourceLabel: 'Entrée effective',
    });
    await bus.publishAtomically([
      late,
      other.trainee('fr.passerelle.kairos.EntryRecorded', '1000005E', {
        enrolmentId: kept.enrolmentId,
        entryDate: '2026-09-14',
        status: 'ENTRE_EN_FORMATION',
        sourceLabel: 'Entrée effective',
      }),
    ]);
    await api.journey(kept.journeyId, (j) => j.status === 'ENTRE_EN_FORMATION');
    await waitFor(async () => (await api.get(`/journeys/${a.journeyId}`)).status === 404);
  });
});
