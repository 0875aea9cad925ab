import { describe, expect, it } from 'vitest';
import { fixture, readAll } from './helpers.js';

describe('LHEO 2.3 with recruitment events', () => {
  const read = () => readAll(fixture('lheo-2.3-recrutement.xml'));

  it('when a LHEO 2.3 file is read, then its version, counts and export timestamp are reported', async () => {
    const { report, sessions } = await read();
    expect(report).toMatchObject({
      valid: true,
      lheoVersion: '2.3',
      formations: 2,
      actions: 2,
      sessions: 4,
      mappedSessions: 4,
      exportedAt: '2024-03-05T21:10:00+01:00',
      errors: [],
      warnings: [],
    });
    expect(sessions.map((snapshot) => snapshot.sessionKey)).toEqual([
      '76_AF_0000012345|76_SE_0000654321|SE_0000654321',
      '76_AF_0000012345|76_SE_0000654321|SE_0000654322',
      '76_AF_0000012345|76_SE_0000654321|SE_0000654323',
      '76_AF_0000012346|76_SE_0000700001|SE_0000700001',
    ]);
  });

  it('when a session has recrutement elements 9, 8, 7 and 4, then each maps with modality, places, period and times', async () => {
    const [first] = (await read()).sessions;
    expect(first?.session.recruitments).toEqual([
      {
        modality: 'INFORMATION_COLLECTIVE',
        modalityCode: 9,
        remote: false,
        address: "12 rue de l'Église, 76000 Rouen",
        url: null,
        places: 12,
        start: '2024-04-22',
        end: '2024-04-22',
        startTime: '09:30',
        endTime: '11:30',
        comment: 'Apporter un CV',
      },
      {
        modality: 'INDIVIDUAL_APPOINTMENT',
        modalityCode: 8,
        remote: true,
        address: null,
        url: 'https://visio.example.org/rdv',
        places: 1,
        start: '2024-05-06',
        end: '2024-05-07',
        startTime: '14:00',
        endTime: '17:45',
        comment: null,
      },
      {
        modality: 'CANDIDATURE',
        modalityCode: 7,
        remote: null,
        address: null,
        url: null,
        places: 20,
        start: '2024-04-01',
        end: '2024-05-31',
        startTime: null,
        endTime: null,
        comment: null,
      },
      {
        modality: 'OTHER',
        modalityCode: 4,
        remote: null,
        address: null,
        url: null,
        places: null,
        start: null,
        end: null,
        startTime: null,
        endTime: null,
        comment: null,
      },
    ]);
  });

  it('when a session has a cycle and a contact, then capacity is capacite-simultanee and the contact is kept', async () => {
    const [first] = (await read()).sessions;
    expect(first?.session).toMatchObject({
      capacity: 16,
      recruitmentState: 'OPEN',
      expired: false,
      contacts: [{ role: '3', name: 'Élise Durand', phone: '02 35 00 00 00', email: 'e.durand@example.org' }],
    });
  });

  it('when dates are full, month-only, year-only or unknown, then they keep their precision or become null', async () => {
    const sessions = (await read()).sessions.map((snapshot) => snapshot.session);
    expect(
      sessions.map(({ start, end, registrationStart, registrationEnd }) => [
        start,
        end,
        registrationStart,
        registrationEnd,
      ]),
    ).toEqual([
      ['2024-09-02', '2025-06-30', '2024-04', '2024-08-15'],
      ['2025', null, null, null],
      ['2025-11', '2026-03', null, null],
      [null, null, null, null],
    ]);
    expect(sessions.map((session) => session.recruitmentState)).toEqual(['OPEN', 'CLOSED', 'SUSPENDED', 'UNKNOWN']);
  });

  it('when the action has date-information, places, funders and a grouped-digit trainer SIRET, then they map', async () => {
    const [first] = (await read()).sessions;
    expect(first?.action).toMatchObject({
      entryExitMode: 'PERMANENT',
      teachingMode: 1,
      informationDates: ['2024-04-15', '2024-05-13'],
      trainingPlaces: [
        {
          name: 'Campus Numérique Rouen',
          street: "12 rue de l'Église, Bâtiment B",
          postalCode: '76000',
          city: 'Rouen',
          department: '76',
          latitude: 49.4431,
          longitude: 1.0993,
        },
      ],
      deliveringOrganisations: [{ siret: '12345678900021', name: 'Campus Numérique Rouen' }],
      funders: [
        { code: 2, fundedPlaces: 10 },
        { code: 4, fundedPlaces: null },
      ],
      hours: { centre: 1200, enterprise: 280, total: 1480 },
      recruitmentDescription: 'Information collective puis entretien',
    });
    expect(first?.formation.certification).toEqual({ rncp: ['RNCP37674'], certifinfo: ['117654'], rs: ['RS5487'] });
    expect(first?.formation.objectiveCode).toBe(6);
  });

  it('when text comes as CDATA or escaped HTML, then every free text is plain text', async () => {
    const sessions = (await read()).sessions;
    // <![CDATA[<b>Développeur</b> web &amp; web mobile]]>: tags stripped, HTML entity decoded
    expect(sessions[0]?.formation.title).toBe('Développeur web & web mobile');
    expect(sessions[0]?.formation.content).toBe('Front-end & back-end');
    // Niveau bac &lt;em&gt;souhaité&lt;/em&gt;: the XML escaping undone, then the HTML tags stripped
    expect(sessions[0]?.action.conditions).toBe('Niveau bac souhaité');
    // Remise à niveau &lt;br/&gt;&amp;eacute;crits &amp;amp; calcul: doubly escaped HTML
    expect(sessions[3]?.formation.title).toBe('Remise à niveau écrits & calcul');
  });

  it('when nom-organisme is "-", then the responsible organisation name falls back to raison-sociale', async () => {
    const sessions = (await read()).sessions;
    expect(sessions[3]?.formation.responsibleOrganisation).toEqual({
      numero: null,
      siret: '98765432100017',
      nda: '28270000027',
      name: 'Association Lire Écrire',
    });
    expect(sessions[3]?.formation.content).toBeNull();
  });
});
