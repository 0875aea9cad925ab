import { LIFECYCLE_WITH_REINSTATEMENT, REINSTATED } from '@passerelle/schemas/lifecycle-fixture';
import { describe, expect, it } from 'vitest';
import { applySessionEvent, type CatalogueSession } from './session-state.js';

const KEY = 'S';
const registration = { registrationId: 'REG-1', modalityId: 'ICO-1', status: 'INSCRIT', sourceLabel: 'Inscrit' };

/** A registration that took a place on ICO-1, then gave it back when its RDV was cancelled. */
function cancelled(): CatalogueSession | undefined {
  const recorded = applySessionEvent(undefined, {
    key: KEY,
    record: 'fr.passerelle.kairos.RegistrationRecorded',
    value: registration,
  });
  expect(recorded?.placeHolders.get('REG-1')).toBe('ICO-1');
  const after = applySessionEvent(recorded, {
    key: KEY,
    record: 'fr.passerelle.kairos.RegistrationCancelled',
    value: { ...registration, status: 'RDV_ANNULE', sourceLabel: 'RDV annulé' },
  });
  expect(after?.placeHolders.has('REG-1')).toBe(false);
  return after;
}

describe("the catalogue's places and an act added to the lifecycle table", () => {
  it('when the table has a reinstatement to a status holding a place, then the registration takes its place again', () => {
    const next = applySessionEvent(
      cancelled(),
      { key: KEY, record: REINSTATED, value: { ...registration, sourceLabel: 'Réinscrit' } },
      LIFECYCLE_WITH_REINSTATEMENT,
    );
    expect(next?.placeHolders.get('REG-1')).toBe('ICO-1');
  });

  it('when the act is not in the table, then the state is left as it was (the same object)', () => {
    const before = cancelled();
    expect(
      applySessionEvent(before, { key: KEY, record: REINSTATED, value: { ...registration, sourceLabel: 'Réinscrit' } }),
    ).toBe(before);
  });
});
