import { describe, expect, it } from 'vitest';
import { criteriaOf, foldName, searchDes } from '../../src/http/de-search.js';
import { de, records, Scenario } from './scenario.js';

describe('DE search over the read model', () => {
  it('when a retained DE is enrolled from his registration, then both files are found, each with its status', () => {
    const scenario = new Scenario();
    scenario.register(scenario.ico(), 2);
    const registrationId = scenario.present(1);
    const retained = scenario.accept({ type: 'registration.result', registrationId, result: 'RETENU' });
    const enrolmentId = retained.result.enrolmentId as string;

    const found = searchDes([scenario.current], criteriaOf({ lastName: 'nom1' }));
    expect(found.results.map((row) => [row.kind, row.id, row.status])).toEqual([
      ['registration', registrationId, 'RETENU'],
      ['enrolment', enrolmentId, 'INSCRIT_EN_FORMATION'],
    ]);
    expect(found.truncated).toBe(false);
    const byNumber = searchDes(
      [scenario.current],
      criteriaOf({ deIdentifier: ` ${de(1).deIdentifier.toLowerCase()}` }),
    );
    expect(byNumber.results.map((row) => row.id)).toEqual([registrationId, enrolmentId]);
    expect(searchDes([scenario.current], criteriaOf({ lastName: 'nom', firstName: 'prenom2' })).results).toHaveLength(
      1,
    );
  });

  it('when names differ by case, accents, hyphens or apostrophes, then they fold alike', () => {
    expect(foldName(' Lefèvre-Quiñonez ')).toBe('lefevre quinonez');
    expect(foldName('D’Aubigné')).toBe(foldName("d'aubigne"));
    expect(foldName('ÉLODIE')).toBe('elodie');
  });

  it('when no criterion is given, then a 400 names the parameter to give', () => {
    expect(() => criteriaOf({})).toThrow(
      expect.objectContaining({ problem: expect.objectContaining({ status: 400 }) }),
    );
    expect(() => criteriaOf({ firstName: 'Zoé' })).toThrow(
      expect.objectContaining({
        problem: expect.objectContaining({ errors: [expect.objectContaining({ field: 'querystring.lastName' })] }),
      }),
    );
  });
});

describe('the correspondant de la formation', () => {
  it('when the OF enters it and then modifies it, then the session holds the latest and each event the one it replaced', () => {
    const scenario = new Scenario();
    const first = scenario.accept({ type: 'session.correspondent', name: ' Nadia Poirier ', email: 'n@of.fr' });
    expect(records(first)).toEqual(['TrainingCorrespondentRecorded']);
    expect(first.events[0]?.value).toMatchObject({
      correspondent: { name: 'Nadia Poirier', phone: null, email: 'n@of.fr' },
      previous: null,
    });
    const second = scenario.accept({ type: 'session.correspondent', name: 'Marc Hervé', phone: '0240000000' });
    expect(second.events[0]?.value).toMatchObject({ previous: { name: 'Nadia Poirier' } });
    expect(scenario.current.correspondent).toEqual({ name: 'Marc Hervé', phone: '0240000000', email: null });
    scenario.sirets = ['11111111100011'];
    expect(scenario.refuse({ type: 'session.correspondent', name: 'X Y' })).toMatchObject({
      status: 403,
      rule: 'FORBIDDEN_SESSION',
    });
  });
});
