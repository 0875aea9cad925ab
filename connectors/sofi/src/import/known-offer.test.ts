import { describe, expect, it } from 'vitest';
import { bytes, fixture, readAll, readText } from '../../test/helpers.js';
import type { OfferSession } from '../mapping/offer-session.js';
import { changedFields, fingerprintOf } from './known-offer.js';

/** A deep copy with every object's keys in reverse order, as a decoded event may list them. */
const reordered = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reordered);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, item]) => [key, reordered(item)]),
  );
};

describe('known session fingerprints', async () => {
  const { sessions } = await readAll(bytes(readText(fixture('lheo-2.3-recrutement.xml'))));
  const snapshot = sessions[0] as OfferSession;

  it('when the same snapshot lists its keys in another order, then its fingerprint is the same', () => {
    expect(fingerprintOf(reordered(snapshot) as OfferSession)).toBe(fingerprintOf(snapshot));
    expect(changedFields(fingerprintOf(reordered(snapshot) as OfferSession), snapshot)).toEqual([]);
  });

  it('when nested values change, then exactly their second-level fields are named', () => {
    const next: OfferSession = {
      ...snapshot,
      formation: {
        ...snapshot.formation,
        responsibleOrganisation: { ...snapshot.formation.responsibleOrganisation, name: 'GRETA Rouen' },
      },
      session: {
        ...snapshot.session,
        recruitments: snapshot.session.recruitments.map((recruitment, index) =>
          index === 0 ? { ...recruitment, places: (recruitment.places ?? 0) + 1 } : recruitment,
        ),
      },
    };

    expect(changedFields(fingerprintOf(snapshot), next)).toEqual([
      'formation.responsibleOrganisation',
      'session.recruitments',
    ]);
  });

  it('when a string moves between two array items, then the field is still seen as changed', () => {
    const codes = (formacodes: string[]): OfferSession => ({
      ...snapshot,
      formation: { ...snapshot.formation, formacodes },
    });

    expect(changedFields(fingerprintOf(codes(['ab', 'c'])), codes(['a', 'bc']))).toEqual(['formation.formacodes']);
  });
});
