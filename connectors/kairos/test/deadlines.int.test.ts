import { randomBytes } from 'node:crypto';
import type { ConsumedEvent } from '@passerelle/bus';
import { type RunningService, startService } from '@passerelle/runtime';
import { offerSession } from '@passerelle/schemas/fixtures';
import { journeyService } from '@passerelle/service-journey';
import { waitFor } from '@passerelle/test-kit';
import { httpCall, runnableEnv } from '@passerelle/test-kit/runnable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trigger } from '../src/consumer/deadline-sweep.js';
import { COMMAND } from '../src/consumer/session-writer.js';
import { JOURNEY_SECRET, newDe, offerWith, sessionPath, useKairos, writerKnows } from './harness.js';

// Time-driven acts on the real broker: the deadline sweep (run by the test after moving the clock) sends the single
// writer a trigger; the system's refusals and exits land on kairos.session-events and in the journey service.

const { broker, clock, kairos, prefix } = useKairos();
const OPS_TOKEN = randomBytes(18).toString('base64url');
let journey: RunningService;

beforeAll(async () => {
  // The journey service on the same topics, reading what Kairos records.
  const env = runnableEnv('journey', {
    JOURNEY_TOPIC_PREFIX: prefix,
    JOURNEY_GROUP_ID: `${prefix}service-journey`,
    JOURNEY_TOKENS: JSON.stringify({ [OPS_TOKEN]: { role: 'ops' } }),
    JOURNEY_SECRET,
    JOURNEY_SWEEP_INTERVAL_MS: '3600000',
  });
  journey = await startService(journeyService({ env, clock: clock.now }), env);
});

afterAll(async () => {
  await journey?.stop();
});

type Json = Record<string, unknown>;
const value = (event: ConsumedEvent) => event.value as Json & { envelope: { actor: { kind: string } } };

/** The journey as the journey service serves it, once `until` holds. */
async function journeyOf(journeyId: string, until: (body: Json) => boolean): Promise<Json> {
  let last: Json | undefined;
  await waitFor(
    async () => {
      const response = await httpCall<Json>(journey.url, 'GET', `/journeys/${journeyId}`, { token: OPS_TOKEN }, {});
      last = response.body;
      return response.status === 200 && until(response.body);
    },
    { description: () => `journey ${journeyId.slice(0, 8)} (last: ${String(last?.status)})` },
  );
  return last as Json;
}

/** Committed events of `record` about `field` = `id`. */
const recordedAbout = (record: string, field: string, id: string) =>
  broker.sessionEvents.filter(
    (event) => event.record === `fr.passerelle.kairos.${record}` && value(event)[field] === id,
  );

/**
 * An OF act on the session, sent after whatever the test published before it on the same partition: once its
 * events are on the broker, the single writer has decided everything before it (one partition, in order).
 */
async function afterEverythingBefore(path: string) {
  const marker = await kairos.api.post(`${path}/modalities`, {
    kind: 'ICO',
    date: '2027-12-10',
    startTime: '09:30',
    endTime: '11:30',
    place: 'Nantes',
    capacity: 1,
  });
  expect(marker.status).toBe(201);
  await broker.recorded(marker.body.eventIds);
}

/** A published session of its own, known to its writer. */
async function session(permanent = false) {
  const offer = offerWith('2027-01-11', '2027-06-30');
  const published = permanent
    ? { ...offer, action: { ...offerSession.action, entryExitMode: 'PERMANENT' as const } }
    : offer;
  await broker.publishSession(published);
  await writerKnows([kairos], published.sessionKey);
  return { sessionKey: published.sessionKey, path: sessionPath(published.sessionKey) };
}

/** A DE registered on an ICO of 10 December 2026, present, then retenu mis en attente on the 11th. */
async function waitlistedOn(path: string) {
  clock.set('2026-12-01T10:00:00Z');
  const ico = await kairos.api.post(`${path}/modalities`, {
    kind: 'ICO',
    date: '2026-12-10',
    startTime: '09:30',
    endTime: '11:30',
    place: 'Nantes',
    capacity: 5,
  });
  const registered = await kairos.api.post(`${path}/modalities/${ico.body.modalityId}/registrations`, { de: newDe() });
  const registrationId = registered.body.registrationId as string;
  clock.set('2026-12-11T10:00:00Z');
  const registration = `${path}/registrations/${encodeURIComponent(registrationId)}`;
  expect((await kairos.api.post(`${registration}/presence`, { presence: 'PRESENT' })).status).toBe(200);
  const result = await kairos.api.post(`${registration}/result`, { result: 'RETENU_EN_ATTENTE' });
  await broker.recorded(result.body.eventIds);
  return { registrationId, journeyId: registered.body.journeyId as string };
}

/** A DE proposed directly and entered on 11 January 2027. */
async function enteredOn(path: string) {
  clock.set('2026-12-01T10:00:00Z');
  const proposed = await kairos.api.post(`${path}/enrolments`, { de: newDe() });
  const enrolmentId = proposed.body.enrolmentId as string;
  clock.set('2027-01-12T10:00:00Z');
  const entry = await kairos.api.post(`${path}/enrolments/${encodeURIComponent(enrolmentId)}/entry`, {
    entryDate: '2027-01-11',
  });
  await broker.recorded(entry.body.eventIds);
  return { enrolmentId, journeyId: proposed.body.journeyId as string };
}

describe('G11: waiting lists expire at the start of a fixed-dates session', () => {
  it('when a fixed-dates session starts with a DE waitlisted, then the system refuses him (SESSION_STARTED), seen by the journey; a replayed trigger records nothing twice', async () => {
    const { sessionKey, path } = await session();
    const { registrationId, journeyId } = await waitlistedOn(path);
    await journeyOf(journeyId, (body) => body.status === 'RETENU_EN_ATTENTE');

    clock.set('2027-01-10T22:00:00Z'); // 23:00 in Paris, the eve of the start: nothing due yet
    await kairos.sweep.sweep();
    clock.set('2027-01-11T07:00:00Z');
    expect(await kairos.sweep.sweep()).toBeGreaterThanOrEqual(1);
    const [expired] = await waitFor(() => {
      const found = recordedAbout('WaitlistDecisionRecorded', 'registrationId', registrationId);
      return found.length > 0 ? found : undefined;
    });
    expect(expired && value(expired)).toMatchObject({
      decision: 'REFUSE_APRES_ATTENTE',
      reason: 'SESSION_STARTED',
      status: 'REFUSE_APRES_ATTENTE',
      envelope: { actor: { kind: 'SYSTEM' } },
    });
    const seen = await journeyOf(journeyId, (body) => body.status === 'REFUSE_APRES_ATTENTE');
    expect(seen.vigilance).toEqual([]);

    // The same trigger again, and a new one: decided in order before the OF act that follows them.
    const sent = [...broker.commands.values()].find(
      (command) => command.sessionKey === sessionKey && command.type === 'system.deadlines',
    );
    if (!sent) throw new Error('the sweep sent no trigger on kairos.commands');
    await broker.bus.publish(
      [sent, trigger(sessionKey, new Date('2027-01-11T08:00:00Z'))].map((command) => ({
        topic: broker.topics.commands,
        key: sessionKey,
        record: COMMAND,
        value: command,
      })),
    );
    await afterEverythingBefore(path);
    expect(recordedAbout('WaitlistDecisionRecorded', 'registrationId', registrationId)).toHaveLength(1);
    const late = await kairos.api.post(`${path}/registrations/${encodeURIComponent(registrationId)}/waitlist`, {
      decision: 'RETENU',
    });
    expect(late.status).toBe(409);
  });

  it('when a permanent-entry session starts, then its waiting list stays for the OF to decide', async () => {
    const { sessionKey, path } = await session(true);
    const { registrationId, journeyId } = await waitlistedOn(path);
    clock.set('2027-01-12T10:00:00Z');
    await kairos.sweep.sweep();
    // A trigger sent anyway finds nothing to expire.
    await broker.bus.publish([
      { topic: broker.topics.commands, key: sessionKey, record: COMMAND, value: trigger(sessionKey, clock.now()) },
    ]);
    await afterEverythingBefore(path);
    expect(recordedAbout('WaitlistDecisionRecorded', 'registrationId', registrationId)).toEqual([]);
    const seen = await journeyOf(journeyId, (body) => body.status === 'RETENU_EN_ATTENTE');
    expect(seen.status).toBe('RETENU_EN_ATTENTE');
  });
});

describe('G16: the system records the exit at the planned end', () => {
  it('when the planned end is over, then a trainee still in training is SORTI by the system, one who exited earlier gets nothing more', async () => {
    const { sessionKey, path } = await session();
    const staying = await enteredOn(path);
    const leaving = await enteredOn(path);
    clock.set('2027-03-01T10:00:00Z');
    const early = await kairos.api.post(`${path}/enrolments/${encodeURIComponent(leaving.enrolmentId)}/exit`, {
      date: '2027-02-26',
      reason: 'EMPLOYMENT',
    });
    await broker.recorded(early.body.eventIds);

    clock.set('2027-06-30T21:00:00Z'); // 23:00 in Paris on the planned end: still in training
    await kairos.sweep.sweep();
    clock.set('2027-06-30T22:00:00Z'); // midnight in Paris: the end date is over
    expect(await kairos.sweep.sweep()).toBeGreaterThanOrEqual(1);
    const [exit] = await waitFor(() => {
      const found = recordedAbout('ExitRecorded', 'enrolmentId', staying.enrolmentId);
      return found.length > 0 ? found : undefined;
    });
    expect(exit && value(exit)).toMatchObject({
      date: '2027-06-30',
      reason: 'END_OF_TRAINING',
      status: 'SORTI',
      envelope: { actor: { kind: 'SYSTEM' } },
    });
    await journeyOf(staying.journeyId, (body) => body.status === 'SORTI');

    await broker.bus.publish([
      { topic: broker.topics.commands, key: sessionKey, record: COMMAND, value: trigger(sessionKey, clock.now()) },
    ]);
    await afterEverythingBefore(path);
    expect(recordedAbout('ExitRecorded', 'enrolmentId', staying.enrolmentId)).toHaveLength(1);
    const leavingExits = recordedAbout('ExitRecorded', 'enrolmentId', leaving.enrolmentId);
    expect(leavingExits.map((event) => [value(event).date, value(event).envelope.actor.kind])).toEqual([
      ['2027-02-26', 'OF'],
    ]);
    const left = await journeyOf(leaving.journeyId, (body) => body.status === 'SORTI');
    expect(left.status).toBe('SORTI');
  });
});
