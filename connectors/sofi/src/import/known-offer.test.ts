import { describe, expect, it } from 'vitest';
import { bytes, fixture, readAll, readText } from '../../test/helpers.js';
import type { OfferSession } from '../mapping/offer-session.js';
import { changedFields, fieldPaths, fingerprintOf, KnownOffer } from './known-offer.js';

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
    expect(fingerprintOf(reordered(snapshot) as OfferSession)).toEqual(fingerprintOf(snapshot));
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

describe('the known offer', async () => {
  const { sessions } = await readAll(bytes(readText(fixture('lheo-2.3-recrutement.xml'))));
  const [first, second] = sessions as [OfferSession, OfferSession];

  it('when a session is recorded, then it reads back with its hash prefixes, fingerprint and withdrawal', () => {
    const known = new KnownOffer();
    known.set(first.sessionKey, first, false);

    expect(known.get(first.sessionKey)).toEqual({
      contentHash: first.contentHash.slice(0, 16),
      withdrawn: false,
      fingerprint: fingerprintOf(first),
      sourceHash: first.sourceHash?.slice(0, 16) ?? null,
    });
    expect(known.get(second.sessionKey)).toBeUndefined();
    expect(fieldPaths(first)).toHaveLength(30);
  });

  it('when an export lists some known sessions, then the others are absent, in disjoint batches', () => {
    const known = new KnownOffer();
    for (const session of sessions) known.set(session.sessionKey, session, false);
    known.startImport();
    known.firstLineOf(first.sessionKey, 7);

    const absent = sessions.slice(1).map(({ sessionKey }) => sessionKey);
    expect(known.absentCount()).toBe(absent.length);
    expect(absent.filter((key) => known.isAbsent(key))).toEqual(absent);
    const batches = [0, 1].map((batch) => absent.filter((key) => known.isAbsent(key, batch, 2)));
    expect(batches.flat().sort()).toEqual([...absent].sort());
    expect(batches[0]?.filter((key) => batches[1]?.includes(key))).toEqual([]);
  });

  it("when it registers an export's keys, then a repeat gets the first line, and a new key is not known until recorded", () => {
    const known = new KnownOffer();
    known.set(first.sessionKey, first, false);
    known.startImport();

    expect([known.firstLineOf(first.sessionKey, 7), known.firstLineOf(second.sessionKey, 12)]).toEqual([
      undefined,
      undefined,
    ]);
    expect(known.firstLineOf(second.sessionKey, 30)).toBe(12);
    expect([known.listed(first.sessionKey), known.get(second.sessionKey)]).toEqual([true, undefined]);
    known.startImport();
    expect(known.listed(first.sessionKey)).toBe(false);
  });

  it('when every session of a formation is known from the same text, then it is unchanged; one unknown, not', () => {
    const known = new KnownOffer();
    known.set(first.sessionKey, { ...first, sourceHash: 'ab'.repeat(16) }, false);

    expect(known.unchangedSessions('ab'.repeat(16), [first.sessionKey, second.sessionKey])).toBe(0);
    expect(known.unchangedSessions('cd'.repeat(16), [first.sessionKey])).toBe(0);
    expect(known.unchangedSessions('ab'.repeat(16), [first.sessionKey])).toBe(1);
  });
});
