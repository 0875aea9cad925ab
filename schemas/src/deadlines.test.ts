import { describe, expect, it } from 'vitest';
import { missingEntry, plannedExit, waitlistExpiry } from './deadlines.js';

const at = (iso: string) => new Date(iso).getTime();
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('the one missing-entry rule (E2, G14)', () => {
  // A session starting Monday 11 January 2027: three working days are Tue 12, Wed 13 and Thu 14.
  it('when the session has not started, then nothing is flagged and the start is the next deadline', () => {
    const missing = missingEntry('2027-01-11', '2026-12-01', at('2027-01-10T12:00:00Z'));
    expect(missing).toEqual({ code: null, dueAt: at('2027-01-10T23:00:00Z') });
  });

  it('when the session started, then the entry is expected until three working days have passed', () => {
    const missing = missingEntry('2027-01-11', '2026-12-01', at('2027-01-12T10:00:00Z'));
    expect(missing?.code).toBe('RETAINED_NO_ENTRY');
    expect(iso(missing?.dueAt ?? null)).toBe('2027-01-14T23:00:00.000Z');
  });

  it('when three working days passed, then the entry is not declared, from 00:00 Paris on the fourth', () => {
    expect(missingEntry('2027-01-11', '2026-12-01', at('2027-01-14T22:59:59Z'))?.code).toBe('RETAINED_NO_ENTRY');
    expect(missingEntry('2027-01-11', '2026-12-01', at('2027-01-14T23:00:00Z'))).toEqual({
      code: 'ENTRY_NOT_DECLARED',
      since: at('2027-01-14T23:00:00Z'),
      dueAt: null,
    });
  });

  it('when enrolled after the start, then the deadline counts from the enrolment; unknown start: no rule', () => {
    expect(missingEntry('2027-01-11', '2027-02-05', at('2027-02-09T10:00:00Z'))?.code).toBe('RETAINED_NO_ENTRY');
    // A partial start reads as the 1st (a holiday here): Mon 4, Tue 5, Wed 6 January are the three working days.
    expect(missingEntry('2027-01', null, at('2027-01-06T10:00:00Z'))?.code).toBe('RETAINED_NO_ENTRY');
    expect(missingEntry('2027-01', null, at('2027-01-07T10:00:00Z'))?.code).toBe('ENTRY_NOT_DECLARED');
    expect(missingEntry(null, null, at('2027-01-06T10:00:00Z'))).toBeNull();
  });
});

describe('the instants the system acts at', () => {
  it('G11: a fixed-dates waiting list expires at 00:00 Paris on the start date; a permanent-entry one never', () => {
    expect(iso(waitlistExpiry({ start: '2027-01-11', permanentEntry: false }))).toBe('2027-01-10T23:00:00.000Z');
    expect(waitlistExpiry({ start: '2027-01-11', permanentEntry: true })).toBeNull();
    expect(waitlistExpiry({ start: null, permanentEntry: false })).toBeNull();
  });

  it('G16: the exit is dated on the planned end, recorded once that day is over; a partial end names no day', () => {
    expect(plannedExit('2027-06-30')).toEqual({ date: '2027-06-30', at: at('2027-06-30T22:00:00Z') });
    expect(plannedExit('2027-06')).toBeNull();
    expect(plannedExit(null)).toBeNull();
  });

  it('when the session is held overseas, then each instant falls at midnight on its own clock', () => {
    const mayotte = 'Indian/Mayotte';
    expect(iso(waitlistExpiry({ start: '2027-01-11', permanentEntry: false, timeZone: mayotte }))).toBe(
      '2027-01-10T21:00:00.000Z',
    );
    expect(plannedExit('2027-06-30', 'America/Cayenne')).toEqual({
      date: '2027-06-30',
      at: at('2027-07-01T03:00:00Z'),
    });
    // Monday 2027-04-26 start; Tuesday 27 April is Mayotte's abolition day: the third working day is Friday 30.
    expect(missingEntry('2027-04-26', null, at('2027-04-29T22:00:00Z'))?.code).toBe('ENTRY_NOT_DECLARED');
    expect(missingEntry('2027-04-26', null, at('2027-04-29T22:00:00Z'), mayotte)).toMatchObject({
      code: 'RETAINED_NO_ENTRY',
      since: at('2027-04-25T21:00:00Z'),
      dueAt: at('2027-04-30T21:00:00Z'),
    });
  });
});
