import { randomBytes } from 'node:crypto';
import { statusLabel } from '@passerelle/schemas';
import { offerSessionWith } from '@passerelle/schemas/fixtures';
import { waitFor } from '@passerelle/test-kit';
import { LogCapture } from '@passerelle/test-kit/security';
import { describe, expect, it } from 'vitest';
import { OTHER_OF, sessionPath, useKairos, writerKnows } from './harness.js';

// DE search by N° DE or name, scoped to the caller's SIRETs, and the correspondant de la formation (issue 15, item 6),
// on the real broker: two DEs on two sessions of OF A, one of them also on a session of OF B.

const logs = new LogCapture();
const { broker, kairos, newSession } = useKairos({
  // Request lines are logged at info: the level they would leak at.
  instances: [{ LOG_LEVEL: 'debug' }],
  start: { logDestination: logs.stream },
});

const ico = { kind: 'ICO', date: '2026-12-10', startTime: '09:30', endTime: '11:30', place: 'Nantes', capacity: 5 };
const identifier = () => `${randomBytes(4).toString('hex').toUpperCase()}Z`;
/** Names as an OF types them: accents, hyphen, capitals (searched below without any of those). */
const zoe = { deIdentifier: identifier(), lastName: 'Lefèvre-Quiñonez', firstName: 'Zoé', email: null, phone: null };
const remi = { deIdentifier: identifier(), lastName: 'Lefebvre', firstName: 'Rémi', email: null, phone: null };

/** A session of OF B (OTHER_OF responsible), published and known to its writer. */
async function sessionOfOfB() {
  const base = offerSessionWith({ session: { start: '2027-01-11', end: '2027-06-30', recruitmentState: 'OPEN' } });
  const session = {
    ...base,
    formation: {
      ...base.formation,
      responsibleOrganisation: { ...base.formation.responsibleOrganisation, siret: OTHER_OF },
    },
  };
  await broker.publishSession(session);
  await writerKnows([kairos], session.sessionKey);
  return { session, path: sessionPath(session.sessionKey) };
}

type Row = { sessionKey: string; kind: string; id: string; status: string; statusLabel: string };
const search = async (api: typeof kairos.api, query: string) => {
  const response = await api.get(`/des?${query}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body.results as Row[]).map(({ sessionKey, kind, id, status, statusLabel }) => ({
    sessionKey,
    kind,
    id,
    status,
    statusLabel,
  }));
};
const byId = (rows: Row[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));

describe('DE search and the correspondant de la formation', () => {
  it("when an OF searches a DE by number or name, then it finds every file of that DE on its sessions, never another OF's", async () => {
    const a1 = await newSession();
    const a2 = await newSession();
    const b1 = await sessionOfOfB();

    const icoA1 = (await kairos.api.post(`${a1.path}/modalities`, ico)).body.modalityId as string;
    const zoeA1 = await kairos.api.post(`${a1.path}/modalities/${icoA1}/registrations`, { de: zoe });
    const remiA1 = await kairos.api.post(`${a1.path}/modalities/${icoA1}/registrations`, { de: remi });
    const zoeA2 = await kairos.api.post(`${a2.path}/enrolments`, { de: zoe });
    const window = await kairos.api.post(`${a2.path}/modalities`, {
      kind: 'CANDIDATURE_WINDOW',
      receptionStart: '2026-11-25',
      receptionEnd: '2026-12-15',
      capacity: 5,
    });
    expect(window.status).toBe(201);
    const request = broker.positioningRequest(a2.session.sessionKey, remi, { modalityKind: 'CANDIDATURE_WINDOW' });
    await broker.position([request]);
    const candidature = await waitFor(() => broker.answersTo(request.requestId)[0], { description: 'the candidature' });
    expect(candidature.record).toBe('fr.passerelle.kairos.CandidatureReceived');
    const remiA2 = (candidature.value as { candidatureId: string }).candidatureId;
    const icoB1 = (await kairos.other.post(`${b1.path}/modalities`, ico)).body.modalityId as string;
    const zoeB1 = await kairos.other.post(`${b1.path}/modalities/${icoB1}/registrations`, { de: zoe });
    for (const answer of [zoeA1, remiA1, zoeA2, zoeB1]) expect(answer.status, JSON.stringify(answer.body)).toBe(201);

    const zoeOnA = byId([
      {
        sessionKey: a1.session.sessionKey,
        kind: 'registration',
        id: zoeA1.body.registrationId as string,
        status: 'INSCRIT',
        statusLabel: statusLabel('INSCRIT'),
      },
      {
        sessionKey: a2.session.sessionKey,
        kind: 'enrolment',
        id: zoeA2.body.enrolmentId as string,
        status: 'INSCRIT_EN_FORMATION',
        statusLabel: statusLabel('INSCRIT_EN_FORMATION'),
      },
    ]);
    // The number as typed (lower case, blanks around it) matches exactly once normalised.
    expect(
      byId(await search(kairos.api, `deIdentifier=${encodeURIComponent(` ${zoe.deIdentifier.toLowerCase()} `)}`)),
    ).toEqual(zoeOnA);
    // Names: prefix, whatever the case, accents and hyphen.
    expect(byId(await search(kairos.api, 'lastName=LEFEVRE%20qui&firstName=zo'))).toEqual(zoeOnA);
    expect(byId(await search(kairos.api, `lastName=${encodeURIComponent('lefèvre-QUIÑ')}`))).toEqual(zoeOnA);
    // "Lef" is the start of both names: both DEs, each file of theirs on A's sessions (the candidature too).
    const lef = await search(kairos.api, 'lastName=lef');
    expect(lef.map((row) => row.id).sort()).toEqual(
      [zoeA1.body.registrationId, remiA1.body.registrationId, zoeA2.body.enrolmentId, remiA2].sort(),
    );
    expect(lef.find((row) => row.id === remiA2)).toMatchObject({
      kind: 'candidature',
      status: 'CANDIDATURE_RECUE',
      statusLabel: statusLabel('CANDIDATURE_RECUE'),
    });
    expect(await search(kairos.api, 'lastName=lef&firstName=remy')).toEqual([]);
    expect(await search(kairos.api, `deIdentifier=${identifier()}`)).toEqual([]);

    // OF B sees its own registration of Zoé, never A's files, and not Rémi at all.
    expect(await search(kairos.other, `deIdentifier=${zoe.deIdentifier}`)).toEqual([
      {
        sessionKey: b1.session.sessionKey,
        kind: 'registration',
        id: zoeB1.body.registrationId,
        status: 'INSCRIT',
        statusLabel: statusLabel('INSCRIT'),
      },
    ]);
    expect(await search(kairos.other, 'lastName=lefebvre')).toEqual([]);
    expect(await search(kairos.other, `deIdentifier=${remi.deIdentifier}`)).toEqual([]);

    // The names searched never reach the logs; the request line does, with its values masked.
    await waitFor(() => logs.text.includes('/des?lastName=…&firstName=…'), { description: 'the search logged' });
    for (const personal of [
      'lastName=lef',
      'LEFEVRE',
      '%C3%A8vre',
      'firstName=zo',
      'remy',
      'Lefèvre',
      'Lefebvre',
      'Quiñonez',
      zoe.deIdentifier,
      remi.deIdentifier,
    ])
      expect(logs.text).not.toContain(personal);
  });

  it('when the search query is wrong, then 400 problem+json names the parameter', async () => {
    const cases: [string, string][] = [
      ['', 'querystring.deIdentifier'],
      ['firstName=Zoe', 'querystring.lastName'],
      ['lastName=L', 'querystring.lastName'],
      ['lastName=%20%20%20', 'querystring.lastName'],
      ['lastName=Lefevre&firstName=Z', 'querystring.firstName'],
      ['deIdentifier=12-34', 'querystring.deIdentifier'],
    ];
    for (const [query, field] of cases) {
      const response = await kairos.api.get(`/des${query ? `?${query}` : ''}`);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors?.map((error) => error.field)).toContain(field);
    }
    expect((await kairos.api.request('GET', '/des?lastName=Lefevre', undefined, null)).status).toBe(401);
  });

  it('when the OF records the correspondant de la formation, then it is one event, shown on the session, retried once', async () => {
    const { session, path } = await newSession();
    const nadia = { name: 'Nadia Poirier', phone: '+33 2 40 11 22 33', email: 'n.poirier@of-exemple.fr' };
    const put = (body: unknown, key: string) =>
      kairos.api.request('PUT', `${path}/correspondent`, body, undefined, { 'idempotency-key': key });

    const first = await put(nadia, 'correspondent-0001');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.correspondent).toEqual(nadia);
    const [recorded] = await broker.recorded(first.body.eventIds);
    expect(recorded?.record).toBe('fr.passerelle.kairos.TrainingCorrespondentRecorded');
    expect(recorded?.key).toBe(session.sessionKey);
    expect(recorded?.value).toMatchObject({ sessionKey: session.sessionKey, correspondent: nadia, previous: null });
    expect((await kairos.api.get(path)).body.correspondent).toEqual(nadia);

    const again = await put(nadia, 'correspondent-0001');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    // Modifier: a second act replaces it and keeps the previous one. Once its event is in, everything before it on
    // the session's partition is too: the retry above recorded nothing.
    const marc = { name: 'Marc Hervé' };
    const second = await put(marc, 'correspondent-0002');
    expect(second.status).toBe(200);
    const [replaced] = await broker.recorded(second.body.eventIds);
    expect(replaced?.value).toMatchObject({
      correspondent: { name: 'Marc Hervé', phone: null, email: null },
      previous: nadia,
    });
    const correspondentEvents = broker.sessionEvents.filter(
      (event) =>
        event.key === session.sessionKey && event.record === 'fr.passerelle.kairos.TrainingCorrespondentRecorded',
    );
    expect(correspondentEvents).toHaveLength(2);
    const view = (await kairos.api.get(path)).body;
    expect(view.correspondent).toEqual({ name: 'Marc Hervé', phone: null, email: null });
    const listed = (
      (await kairos.api.get('/sessions')).body.sessions as { sessionKey: string; correspondent: unknown }[]
    ).find((row) => row.sessionKey === session.sessionKey);
    expect(listed?.correspondent).toEqual(view.correspondent);

    // Validation, another OF, and the logs.
    const noName = await put({ phone: '0240000000' }, 'correspondent-0003');
    expect(noName.status).toBe(400);
    expect(noName.body.errors?.map((error) => error.field)).toEqual(['body.name']);
    const badEmail = await put({ name: 'Nadia Poirier', email: 'not an address' }, 'correspondent-0004');
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.errors?.map((error) => error.field)).toEqual(['body.email']);
    const foreign = await kairos.other.request('PUT', `${path}/correspondent`, nadia);
    expect(foreign.status).toBe(403);
    expect(foreign.body.rule).toBe('FORBIDDEN_SESSION');
    for (const contact of [nadia.name, nadia.phone, nadia.email, marc.name]) expect(logs.text).not.toContain(contact);
  });
});
