import { describe, expect, it } from 'vitest';
import { fixtures, journeyId, sessionKey } from './fixtures.js';
import { journeyIdFor, records } from './index.js';

const failingPaths = (name: keyof typeof fixtures, value: unknown) => {
  const paths: string[] = [];
  records.get(name)?.type.isValid(value, { errorHook: (path) => paths.push(path.join('.')) });
  return paths;
};

describe('the fixtures (one realistic example per event record)', () => {
  it('when checked against their Avro type, then every one is valid', () => {
    expect(Object.keys(fixtures).sort()).toEqual([...records.keys()].sort());
    for (const name of Object.keys(fixtures) as Array<keyof typeof fixtures>) {
      expect(failingPaths(name, fixtures[name]), name).toEqual([]);
    }
  });

  it('when encoded and decoded, then every one comes back equal, timestamps as Dates', () => {
    for (const [name, record] of records) {
      const value = fixtures[name];
      const decoded = record.type.fromBuffer(record.type.toBuffer(value)) as typeof value;
      expect(decoded, name).toEqual(value);
      expect(decoded.envelope.occurredAt, name).toBeInstanceOf(Date);
    }
  });

  it('when a field breaks the contract, then the error hook names its path', () => {
    const name = 'fr.passerelle.kairos.RecruitmentResultRecorded';
    const broken = {
      ...fixtures[name],
      status: 'MIS_EN_ATTENTE',
      envelope: { ...fixtures[name].envelope, occurredAt: '2026-04-23' },
    };
    expect(failingPaths(name, broken).sort()).toEqual(['envelope.occurredAt', 'status']);
  });

  it('when the journey id of the fixtures is recomputed, then it is the documented HMAC of the fictitious DE', () => {
    expect(journeyIdFor('fixture-secret', '1234567A', sessionKey)).toBe(journeyId);
  });
});
