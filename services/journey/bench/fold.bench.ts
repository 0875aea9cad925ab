/**
 * How fast the journey state folds — what a rebuild after a restart costs per event — against a baseline fold that
 * only groups the same events by journey and deduplicates them by id (no state machine, no timeline), measured in
 * the same run. Pure: no broker. `npm run -w services/journey bench -- --sessions 2000 --journeys 20`.
 */
import { parseArgs } from 'node:util';
import { evolveSession, type SessionEvent, type SessionJourneys } from '../src/journey/session.js';

const { values } = parseArgs({
  options: { sessions: { type: 'string', default: '2000' }, journeys: { type: 'string', default: '20' } },
});
const SESSIONS = Number(values.sessions);
const JOURNEYS = Number(values.journeys);
const OF = {
  kind: 'OF',
  siret: '19020050100038',
  organisationName: 'GRETA',
  prescriberNetwork: null,
  channel: 'KAIROS',
};
const DE = { deIdentifier: '1234567A', lastName: 'Martin', firstName: 'Camille', email: null, phone: null };

function eventsOf(session: number): SessionEvent[] {
  const key = `14_AF_${session}|14_SE_${session}|SE_${session}`;
  let at = Date.parse('2026-03-02T09:00:00Z');
  let n = 0;
  const envelope = () => {
    at += 60_000;
    return { eventId: `e-${session}-${n++}`, occurredAt: new Date(at), recordedAt: new Date(at), actor: OF };
  };
  const events: SessionEvent[] = [
    {
      key,
      record: 'fr.passerelle.offer.SessionPublished',
      value: {
        envelope: envelope(),
        session: {
          formation: { responsibleOrganisation: { siret: OF.siret } },
          action: { entryExitMode: 'FIXED_DATES', deliveringOrganisations: [] },
          session: { start: '2026-09-14', end: '2027-01-29' },
        },
      },
    },
    {
      key,
      record: 'fr.passerelle.kairos.RecruitmentModalityScheduled',
      value: {
        envelope: envelope(),
        modality: { modalityId: 'ICO-1', date: '2026-04-22', startTime: '09:30', endTime: '11:30' },
      },
    },
  ];
  for (let j = 0; j < JOURNEYS; j += 1) {
    const journeyId = `${session}-${j}`;
    const trainee = (record: string, body: Record<string, unknown>) =>
      events.push({
        key,
        record: `fr.passerelle.${record}`,
        value: { envelope: envelope(), journeyId, siret: OF.siret, deliveringSiret: null, ...body },
      });
    const reg = `REG-${j}`;
    const enr = `ENR-${j}`;
    trainee('positioning.PositioningRequested', { requestId: `REQ-${j}`, target: { modalityId: 'ICO-1' }, de: DE });
    trainee('kairos.RegistrationRecorded', {
      registrationId: reg,
      modalityId: 'ICO-1',
      requestId: `REQ-${j}`,
      de: DE,
      status: 'INSCRIT',
      sourceLabel: 'Inscrit',
    });
    trainee('kairos.PresenceRecorded', {
      registrationId: reg,
      presence: 'PRESENT',
      status: 'PRESENT',
      sourceLabel: 'Présent',
    });
    trainee('kairos.RecruitmentResultRecorded', {
      registrationId: reg,
      result: 'RETENU',
      status: 'RETENU',
      sourceLabel: 'Retenu',
    });
    trainee('kairos.EnrolmentOpened', {
      enrolmentId: enr,
      origin: 'RECRUITMENT_RESULT',
      originId: reg,
      status: 'INSCRIT_EN_FORMATION',
      sourceLabel: 'Inscrit en formation',
    });
    trainee('kairos.EntryRecorded', {
      enrolmentId: enr,
      entryDate: '2026-09-14',
      status: 'ENTRE_EN_FORMATION',
      sourceLabel: 'Entrée effective',
    });
    trainee('kairos.AttendancePeriodRecorded', { enrolmentId: enr, from: '2026-09-14', to: '2026-09-30' });
    trainee('kairos.ExitRecorded', { enrolmentId: enr, date: '2027-01-29', status: 'SORTI', sourceLabel: 'Sorti' });
  }
  return events;
}

const all = Array.from({ length: SESSIONS }, (_, s) => eventsOf(s));
const count = all.reduce((sum, events) => sum + events.length, 0);

/** Groups events by journey, deduplicated by id: the least a rebuild must do. */
function baseline(): number {
  const states = new Map<string, Map<string, Map<string, unknown>>>();
  for (const events of all)
    for (const event of events) {
      const value = event.value as { journeyId?: string; envelope: { eventId: string } };
      const journeys = states.get(event.key) ?? new Map<string, Map<string, unknown>>();
      states.set(event.key, journeys);
      const id = value.journeyId ?? '';
      const facts = journeys.get(id) ?? new Map<string, unknown>();
      journeys.set(id, facts);
      if (!facts.has(value.envelope.eventId)) facts.set(value.envelope.eventId, value);
    }
  return states.size;
}

function journeyFold(): number {
  const states = new Map<string, SessionJourneys>();
  for (const events of all)
    for (const event of events) states.set(event.key, evolveSession(states.get(event.key), event));
  return [...states.values()].reduce((sum, state) => sum + state.journeys.size, 0);
}

function measure(name: string, run: () => number) {
  run(); // warm-up
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const result = run();
  const seconds = (performance.now() - started) / 1000;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1_048_576;
  return { name, result, seconds, eventsPerSecond: Math.round(count / seconds), heapMb: Math.round(heapMb) };
}

const base = measure('baseline (group + dedupe)', baseline);
const fold = measure('journey fold (evolveSession)', journeyFold);
console.log(
  JSON.stringify(
    {
      sessions: SESSIONS,
      journeysPerSession: JOURNEYS,
      events: count,
      baseline: base,
      journeyFold: fold,
      ratio: Number((fold.eventsPerSecond / base.eventsPerSecond).toFixed(3)),
    },
    null,
    2,
  ),
);
