import { describe, expect, it } from 'vitest';
import { addDays, localTime, PARIS, timeZoneOfPlace, zoneOrParis } from './local-time.js';

describe('local time', () => {
  const paris = localTime();
  const mayotte = localTime('Indian/Mayotte');

  it('when reading the wall clock, then Paris is UTC+1 in winter and UTC+2 in summer, Mayotte UTC+3 all year', () => {
    expect(paris.clock(new Date('2026-01-15T08:30:00Z'))).toEqual({
      date: '2026-01-15',
      time: '09:30',
      stamp: '2026-01-15 09:30',
    });
    expect(paris.clock(Date.parse('2026-07-15T22:05:00Z')).stamp).toBe('2026-07-16 00:05');
    expect(mayotte.clock(new Date('2026-07-15T22:05:00Z')).stamp).toBe('2026-07-16 01:05');
    expect(mayotte.clock(new Date('2026-01-15T20:59:00Z')).stamp).toBe('2026-01-15 23:59');
  });

  it('when converting a local date and time, then the instant follows the zone and its summer time', () => {
    expect(new Date(paris.instant('2026-01-15', '09:30')).toISOString()).toBe('2026-01-15T08:30:00.000Z');
    expect(new Date(paris.instant('2026-07-15', '09:30')).toISOString()).toBe('2026-07-15T07:30:00.000Z');
    expect(new Date(mayotte.instant('2026-07-15', '09:30')).toISOString()).toBe('2026-07-15T06:30:00.000Z');
    // 02:30 does not exist in Paris on the spring change: it resolves an hour later.
    expect(new Date(paris.instant('2026-03-29', '02:30')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('when writing offsets, then they read as ISO 8601 does', () => {
    expect(paris.offset(new Date('2026-01-15T12:00:00Z'))).toBe('+01:00');
    expect(paris.offset(new Date('2026-07-15T12:00:00Z'))).toBe('+02:00');
    expect(mayotte.offset(new Date('2026-07-15T12:00:00Z'))).toBe('+03:00');
    expect(localTime('America/Cayenne').offset(new Date('2026-07-15T12:00:00Z'))).toBe('-03:00');
    expect(localTime('UTC').offset(new Date('2026-07-15T12:00:00Z'))).toBe('Z');
  });

  it('when reading dates around midnight, then the local day changes at local midnight', () => {
    expect(paris.date(Date.parse('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
    expect(paris.date(new Date('2026-12-31T22:59:00Z'))).toBe('2026-12-31');
    expect(mayotte.date(new Date('2026-12-31T20:59:00Z'))).toBe('2026-12-31');
    expect(mayotte.date(new Date('2026-12-31T21:00:00Z'))).toBe('2027-01-01');
  });

  it('when a letter writes a date, then it is the French long form of the local day', () => {
    expect(paris.frenchDate(new Date('2026-12-04T23:30:00Z'))).toBe('5 décembre 2026');
  });

  it('when adding days, then months and years roll over', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });

  it('when a place is overseas, then its department or postal code gives its clock; elsewhere Paris', () => {
    expect(timeZoneOfPlace({ department: '976', postalCode: '97600' })).toBe('Indian/Mayotte');
    expect(timeZoneOfPlace({ department: null, postalCode: '97490' })).toBe('Indian/Reunion');
    expect(timeZoneOfPlace({ postalCode: '97300' })).toBe('America/Cayenne');
    expect(timeZoneOfPlace({ postalCode: '97200' })).toBe('America/Martinique');
    expect(timeZoneOfPlace({ postalCode: '97133' })).toBe('America/Guadeloupe');
    expect(timeZoneOfPlace({ department: '2A', postalCode: '20000' })).toBe(PARIS);
    expect(timeZoneOfPlace({ department: '75', postalCode: '75011' })).toBe(PARIS);
    expect(timeZoneOfPlace({})).toBe(PARIS);
    expect(zoneOrParis(null)).toBe(PARIS);
    expect(zoneOrParis('Indian/Mayotte')).toBe('Indian/Mayotte');
  });

  it('when every overseas zone is read, then the runtime knows it (no RangeError from Intl)', () => {
    for (const code of ['971', '972', '973', '974', '975', '976', '977', '978', '986', '987', '988'])
      expect(localTime(timeZoneOfPlace({ department: code })).date(Date.parse('2026-07-15T12:00:00Z'))).toMatch(
        /^2026-07-1[56]$/,
      );
  });
});
