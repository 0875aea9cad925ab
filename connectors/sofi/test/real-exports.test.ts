import { describe, expect, it } from 'vitest';
import { bytes, INTERCARIF, ONISEP, readAll, readText } from './helpers.js';

describe('ONISEP export (LHEO 2.2, real file)', () => {
  it('when the ONISEP BTS export is read, then it is valid LHEO 2.2 with one formation, action and session', async () => {
    const { report, sessions } = await readAll(ONISEP);
    expect(report).toMatchObject({
      valid: true,
      lheoVersion: '2.2',
      encoding: 'UTF-8',
      formations: 1,
      actions: 1,
      sessions: 1,
      mappedSessions: 1,
      exportedAt: null,
      errors: [],
      warnings: [],
    });
    expect(sessions).toHaveLength(1);
  });

  it('when its session is mapped, then every field carries the export values', async () => {
    const [snapshot] = (await readAll(ONISEP)).sessions;
    expect(snapshot?.sessionKey).toBe('9436_18706|9436_18706|9436_18706');
    expect(snapshot?.formation).toEqual({
      numero: '9436_18706',
      title: 'BTS négociation et relation client',
      objectiveCode: null,
      formacodes: ['34582', '34076'],
      romeCodes: ['D1402', 'D1403', 'D1408'],
      nsfCodes: ['312'],
      certification: { rncp: ['474'], certifinfo: ['19004'], rs: [] },
      content: expect.stringMatching(
        /^En plus des enseignements généraux .*\nGestion de clientèles .*d'une clientèle de particuliers ou de professionnels\.$/s,
      ),
      responsibleOrganisation: { numero: '16', siret: '19290076900014', nda: '99999999999', name: 'Lycée Kerneuzec' },
    });
    expect(snapshot?.action).toEqual({
      numero: '9436_18706',
      entryExitMode: 'FIXED_DATES',
      teachingMode: 0,
      trainingPlaces: [
        {
          name: null,
          street: 'Kerneuzec',
          postalCode: '29391',
          city: 'QUIMPERLÉ',
          department: '29',
          latitude: 47.882108,
          longitude: -3.5526545,
        },
      ],
      deliveringOrganisations: [],
      funders: [],
      hours: { centre: null, enterprise: null, total: null },
      informationDates: [],
      recruitmentDescription: null,
      conditions: null,
    });
    expect(snapshot?.session).toEqual({
      numero: '9436_18706',
      start: '2015-09-01',
      end: '2017-08-31',
      registrationStart: null,
      registrationEnd: null,
      recruitmentState: 'UNKNOWN',
      recruitments: [],
      capacity: null,
      expired: false,
      contacts: [],
      timeZone: 'Europe/Paris',
    });
    expect(snapshot?.exportedAt).toBeNull();
    expect(snapshot?.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when the same export is read twice, then the content hashes are equal', async () => {
    const first = (await readAll(ONISEP)).sessions[0]?.contentHash;
    const second = (await readAll(bytes(readText(ONISEP)))).sessions[0]?.contentHash;
    expect(second).toBe(first);
  });
});

describe('Intercarif Anotéa sample (LHEO 2.2 with extras, real file)', () => {
  it('when the sample is read as published, then it is usable and warns about <coordonneFs> and its 15-digit SIRETs', async () => {
    const { report, sessions } = await readAll(INTERCARIF);
    expect(report.valid).toBe(true);
    expect(report.lheoVersion).toBe('2.2');
    expect(report).toMatchObject({ formations: 1, actions: 1, sessions: 1, mappedSessions: 1 });
    expect(sessions[0]?.formation.responsibleOrganisation.siret).toBe('011111111111111');
    expect(report.errors).toEqual([]);
    expect([...report.warnings].sort((a, b) => a.line - b.line)).toEqual([
      {
        line: 14,
        path: '/lheo/offres/formation[1]/contact-formation/coordonneFs',
        message: 'unknown element <coordonneFs> in <contact-formation>; ignored with its content',
      },
      {
        line: 434,
        path: '/lheo/offres/formation[1]/action[1]/organisme-formateur/SIRET-formateur/SIRET',
        message: 'SIRET "022222222222222" is not 14 digits',
      },
      {
        line: 521,
        path: '/lheo/offres/formation[1]/organisme-formation-responsable/SIRET-organisme-formation/SIRET',
        message: 'SIRET of the responsible organisation "011111111111111" is not 14 digits; kept as given',
      },
    ]);
    expect(report.exportedAt).toBe('2018-06-12T23:18:55+02:00');
  });

  // The sample's SIRETs are anonymised 15-digit placeholders; with 14-digit ones (same lines) the rest maps as below.
  const withValidSirets = () =>
    bytes(
      readText(INTERCARIF)
        .replace('<SIRET>011111111111111</SIRET>', '<SIRET>11111111111111</SIRET>')
        .replace('<SIRET>022222222222222</SIRET>', '<SIRET>22222222222222</SIRET>'),
    );

  it('when its SIRETs are 14 digits, then it is valid and only the <coordonneFs> warning remains', async () => {
    const { report } = await readAll(withValidSirets());
    expect(report.valid).toBe(true);
    expect(report.errors).toEqual([]);
    expect(report.warnings.map((warning) => [warning.line, warning.path])).toEqual([
      [14, '/lheo/offres/formation[1]/contact-formation/coordonneFs'],
    ]);
  });

  it('when its session is mapped, then every field carries the export values and the Intercarif extras', async () => {
    const { report, sessions } = await readAll(withValidSirets(), { exportedAt: '2018-06-12T23:18:55+02:00' });
    expect(report.exportedAt).toBe('2018-06-12T23:18:55+02:00');
    const [snapshot] = sessions;
    expect(snapshot?.sessionKey).toBe('F_XX_XX|AC_XX_XXXXXX|SE_XXXXXX');
    expect(snapshot?.formation).toEqual({
      numero: 'F_XX_XX',
      title: 'Développeur web',
      objectiveCode: 6,
      formacodes: ['22403'],
      romeCodes: ['F1604'],
      nsfCodes: ['233'],
      certification: { rncp: ['320'], certifinfo: ['80735'], rs: [] },
      content: "Réaliser le développement d'application web.",
      responsibleOrganisation: {
        numero: 'OR_XX_XXX',
        siret: '11111111111111',
        nda: '24930181111',
        name: 'Anotea Formation',
      },
    });
    expect(snapshot?.action).toEqual({
      numero: 'AC_XX_XXXXXX',
      entryExitMode: 'FIXED_DATES',
      teachingMode: 0,
      trainingPlaces: [
        {
          name: 'Anotea Formation Paris',
          street: null,
          postalCode: '75019',
          city: 'Paris',
          department: '75',
          latitude: 48,
          longitude: 2,
        },
      ],
      deliveringOrganisations: [{ siret: '22222222222222', name: 'Anotea Formation Paris' }],
      funders: [{ code: 2, fundedPlaces: 5 }],
      hours: { centre: 585, enterprise: 112, total: 697 },
      // <date-information><date>00000000</date>: no date
      informationDates: [],
      recruitmentDescription: 'Entretien, Tests',
      conditions: null,
    });
    expect(snapshot?.session).toEqual({
      numero: 'SE_XXXXXX',
      start: '2017-10-30',
      end: '2018-06-01',
      registrationStart: null,
      registrationEnd: '2018-05-22',
      recruitmentState: 'OPEN',
      recruitments: [],
      capacity: null,
      expired: true,
      contacts: [],
      timeZone: 'Europe/Paris',
    });
    expect(snapshot?.exportedAt).toBe('2018-06-12T23:18:55+02:00');
  });

  it('when exportedAt differs, then the content hash does not change', async () => {
    const dated = (await readAll(withValidSirets(), { exportedAt: '2018-06-12T23:18:55+02:00' })).sessions[0];
    const undated = (await readAll(withValidSirets())).sessions[0];
    expect(undated?.exportedAt).toBeNull();
    expect(undated?.contentHash).toBe(dated?.contentHash);
  });
});
