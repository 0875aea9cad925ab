import { describe, expect, it } from 'vitest';
import { fixture, readAll } from './helpers.js';

describe('per-session mapping errors', () => {
  const read = () => readAll(fixture('session-errors.xml'));

  it('when some sessions are wrong, then each error names its line and path and the file is invalid', async () => {
    const { report } = await read();
    expect(report.valid).toBe(false);
    expect(report.errors).toEqual([
      {
        line: 27,
        path: '/lheo/offres/formation[1]/action[1]/session[2]/periode/debut',
        message: 'invalid LHEO date "20230230" (day 30)',
      },
      {
        line: 30,
        path: '/lheo/offres/formation[1]/action[1]/session[3]',
        message: '<session> without its numero attribute (required identifier)',
      },
      {
        line: 37,
        path: '/lheo/offres/formation[1]/action[1]/session[4]/recrutement/heure-debut',
        message: 'invalid LHEO time "25h00" (expected e.g. 9h30, 14h)',
      },
      {
        line: 78,
        path: '/lheo/offres/formation[2]/organisme-formation-responsable',
        message: 'responsible organisation without SIRET (<SIRET-organisme-formation>/<SIRET>)',
      },
      {
        line: 96,
        path: '/lheo/offres/formation[3]/action[1]',
        message: '<action> without its numero attribute (required identifier)',
      },
      {
        line: 151,
        path: '/lheo/offres/formation[4]/action[1]/session[1]',
        message: 'duplicate session key "F1|A1|S1" (first at line 22)',
      },
    ]);
  });

  it('when some sessions are wrong, then the other sessions of the file still map', async () => {
    const { report, sessions } = await read();
    expect(report).toMatchObject({ formations: 4, actions: 5, sessions: 9, mappedSessions: 3 });
    expect(sessions.map((snapshot) => snapshot.sessionKey)).toEqual(['F1|A1|S1', 'F1|A1|S5', 'F3|A3|S1']);
  });

  it('when an element or a dictionary value is unknown, then it is a warning that does not drop the session', async () => {
    const { report, sessions } = await read();
    expect(report.warnings).toEqual([
      {
        line: 43,
        path: '/lheo/offres/formation[1]/action[1]/session[5]/horaires',
        message: 'unknown element <horaires> in <session>; ignored with its content',
      },
      {
        line: 42,
        path: '/lheo/offres/formation[1]/action[1]/session[5]/etat-recrutement',
        message: 'unknown etat-recrutement "7" (1 ouvert, 2 fermé, 3 suspendu)',
      },
    ]);
    expect(sessions[1]?.session.recruitmentState).toBe('UNKNOWN');
  });

  it('when more issues are found than listed, then the lists are capped and the counts stay exact', async () => {
    const { report } = await readAll(fixture('session-errors.xml'), { maxIssues: 2 });
    expect(report.errors).toHaveLength(2);
    expect(report.errorCount).toBe(6);
    expect(report.warningCount).toBe(2);
  });
});
