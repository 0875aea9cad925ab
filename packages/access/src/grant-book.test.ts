import { fixtures } from '@passerelle/schemas/fixtures';
import { describe, expect, it } from 'vitest';
import { foldGrant, type Grant, inForce } from './grant-book.js';

const RECORD = 'fr.passerelle.access.AccessGranted';
const granted = (subject: string, changes: Partial<Grant> = {}) => ({
  key: subject,
  record: RECORD,
  value: { ...fixtures[RECORD], subject, ...changes },
});

describe('foldGrant', () => {
  it('when grants follow one another, then the last one of each subject is its grant, without its envelope', () => {
    const grants = new Map<string, Grant>();
    foldGrant(grants, granted('of-44', { sirets: ['11111111100011'] }));
    foldGrant(grants, granted('of-45'));
    foldGrant(grants, granted('of-44', { sirets: ['22222222200022', '33333333300033'] }));
    expect(grants.get('of-44')?.sirets).toEqual(['22222222200022', '33333333300033']);
    expect(grants.get('of-44')).not.toHaveProperty('envelope');
    expect([...grants.keys()].sort()).toEqual(['of-44', 'of-45']);
  });

  it('when a tombstone comes, then the subject’s grant is gone and the others stay', () => {
    const grants = new Map<string, Grant>();
    foldGrant(grants, granted('of-44'));
    foldGrant(grants, granted('of-45'));
    foldGrant(grants, { key: 'of-44', record: RECORD, value: null });
    expect([...grants.keys()]).toEqual(['of-45']);
  });

  it('when a value names another subject than its key, or has no key, then it grants nothing', () => {
    const grants = new Map<string, Grant>();
    foldGrant(grants, { ...granted('ops-1'), key: 'of-44' });
    foldGrant(grants, { ...granted('of-44'), key: null });
    expect(grants.size).toBe(0);
  });

  it('when a grant’s expiry passed, then it is no longer in force; without expiry it stays', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(inForce({ ...granted('a').value, expiresAt: new Date('2026-05-31T23:59:59Z') }, now)).toBeUndefined();
    expect(inForce({ ...granted('a').value, expiresAt: new Date('2026-06-01T00:00:01Z') }, now)?.subject).toBe('a');
    expect(inForce({ ...granted('a').value, expiresAt: null }, now)?.subject).toBe('a');
    expect(inForce(undefined, now)).toBeUndefined();
  });
});
