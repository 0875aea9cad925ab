import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  easterSunday,
  fullDate,
  isWorkingDay,
  localDate,
  localInstant,
  publicHolidays,
} from './calendar.js';

describe('French working days', () => {
  it('when computing Easter, then known years match', () => {
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2027)).toBe('2027-03-28');
  });

  it('when listing 2026 holidays, then Easter Monday, Ascension and Whit Monday move with Easter', () => {
    const holidays = publicHolidays(2026);
    expect(holidays.size).toBe(11);
    for (const day of ['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25'])
      expect(holidays.has(day)).toBe(true);
    for (const day of ['2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25'])
      expect(holidays.has(day)).toBe(true);
  });

  it('when a date is a weekend or a holiday, then it is not a working day', () => {
    expect(isWorkingDay('2026-11-27')).toBe(true); // Friday
    expect(isWorkingDay('2026-11-28')).toBe(false); // Saturday
    expect(isWorkingDay('2026-11-29')).toBe(false); // Sunday
    expect(isWorkingDay('2026-11-11')).toBe(false); // Armistice, a Wednesday
  });

  it('when adding three working days, then weekends and holidays are skipped and the start never counts', () => {
    expect(addWorkingDays('2026-03-02', 3)).toBe('2026-03-05'); // Monday → Thursday
    expect(addWorkingDays('2026-03-05', 3)).toBe('2026-03-10'); // Thursday → next Tuesday
    expect(addWorkingDays('2026-03-07', 3)).toBe('2026-03-11'); // Saturday → Wednesday
    expect(addWorkingDays('2026-04-30', 3)).toBe('2026-05-06'); // over 1 May (Fri) and a weekend
    expect(addWorkingDays('2026-05-07', 3)).toBe('2026-05-13'); // over 8 May (Fri)
    expect(addWorkingDays('2026-05-13', 3)).toBe('2026-05-19'); // over Ascension (Thu 14) and a weekend
    expect(addWorkingDays('2026-12-24', 3)).toBe('2026-12-30'); // over Christmas
  });

  it('when the session is overseas, then the abolition day of its department is a holiday there and only there', () => {
    expect(publicHolidays(2026, 'Indian/Mayotte').has('2026-04-27')).toBe(true);
    expect(publicHolidays(2026, 'Indian/Reunion').has('2026-12-20')).toBe(true);
    expect(publicHolidays(2026, 'America/Martinique').has('2026-05-22')).toBe(true);
    expect(publicHolidays(2026).has('2026-04-27')).toBe(false);
    expect(isWorkingDay('2026-04-27')).toBe(true); // a Monday in Paris
    expect(isWorkingDay('2026-04-27', 'Indian/Mayotte')).toBe(false);
    expect(addWorkingDays('2026-04-24', 3)).toBe('2026-04-29'); // Friday → Wednesday
    expect(addWorkingDays('2026-04-24', 3, 'Indian/Mayotte')).toBe('2026-04-30'); // 27 April skipped in Mayotte
  });
});

describe('local dates', () => {
  it('when converting local times, then winter is UTC+1 and summer UTC+2', () => {
    expect(new Date(localInstant('2026-01-15', '09:30')).toISOString()).toBe('2026-01-15T08:30:00.000Z');
    expect(new Date(localInstant('2026-07-15', '09:30')).toISOString()).toBe('2026-07-15T07:30:00.000Z');
    expect(new Date(localInstant('2026-03-29')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
  });

  it('when reading the local date of an instant, then midnight in Paris is the next day', () => {
    expect(localDate(Date.parse('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
    expect(localDate(Date.parse('2026-12-31T22:59:00Z'))).toBe('2026-12-31');
    expect(localDate(Date.parse('2026-12-31T21:00:00Z'), 'Indian/Mayotte')).toBe('2027-01-01');
    expect(new Date(localInstant('2026-01-15', '09:30', 'Indian/Reunion')).toISOString()).toBe(
      '2026-01-15T05:30:00.000Z',
    );
  });

  it('when an LHEO date is partial, then it stands for its first day', () => {
    expect(fullDate('2026-09')).toBe('2026-09-01');
    expect(fullDate('2026')).toBe('2026-01-01');
    expect(fullDate('2026-09-14')).toBe('2026-09-14');
    expect(fullDate(null)).toBeNull();
  });
});
