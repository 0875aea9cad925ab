import { describe, expect, it } from 'vitest';
import { actionBoard, pilotage, registrantCsv, registrantList } from '../../src/http/views.js';
import { at, de, Scenario } from './scenario.js';

describe('read views', () => {
  it('when the registrant list is exported, then Kairos columns, counters, and no cell a spreadsheet runs as a formula', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(3);
    scenario.accept({ type: 'registration.register', modalityId, de: { ...de(1), lastName: '=HYPERLINK("x")' } });
    scenario.register(modalityId, 2);
    const list = registrantList(scenario.current, modalityId);
    expect(list).toMatchObject({ capacity: 3, taken: 2, placesAvailable: 1, waitlisted: 0 });
    if (!list) throw new Error('the ICO has no list');
    const csv = registrantCsv(list);
    expect(csv.startsWith('\uFEFF"N° DE";"Nom – Prénom";"Présence";"Résultat";"Statut"\r\n')).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""x"") Prénom1"`);
    expect(csv).toContain('"Places disponibles: 1";"Mises en attente: 0"');
  });

  it('when RDVs are past without presence, or enrolled DEs have not entered after the start, then both dashboards say so', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(3);
    scenario.register(modalityId, 1);
    scenario.accept({ type: 'enrolment.propose', de: de(2) });
    const before = actionBoard([scenario.current], scenario.now);
    expect(before.sessionsWithFutureRdv).toMatchObject([{ futureRdv: 1 }]);
    expect(before.rdvAwaitingInput).toEqual([]);
    // Three working days after the start (Mon 11 → Thu 14 January): the entry is late, no longer only expected.
    const later = at('2027-01-15T10:00:00');
    const after = actionBoard([scenario.current], later);
    expect(after.rdvAwaitingInput).toMatchObject([{ modalityId, presencesToEnter: 1, resultsToEnter: 0 }]);
    expect(after.sessionsAwaitingEntry).toMatchObject([{ awaitingEntry: 1 }]);
    const watch = pilotage([scenario.current], later)
      .filesUnderWatch.map((file) => file.reason)
      .sort();
    expect(watch).toEqual(['ENTRY_NOT_DECLARED', 'MISSING_PRESENCE_OR_RESULT']);
  });
});
