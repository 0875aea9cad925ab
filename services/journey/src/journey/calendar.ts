/**
 * Dates of the domain are local dates (`YYYY-MM-DD`) on the session's clock (domain.md G21): Europe/Paris, or the
 * zone of the overseas department where it is held. Deadlines count French working days (jours ouvrés): Monday to
 * Friday except the public holidays (Code du travail L3133-1: 1 January, Easter Monday, 1 May, 8 May, Ascension,
 * Whit Monday, 14 July, 15 August, 1 November, 11 November, 25 December), plus, overseas, the day of the abolition
 * of slavery of that department (décret 83-1003). Alsace-Moselle's two extra days are not counted: the offer is
 * Pays de la Loire's.
 */

import { addDays, localTime, PARIS } from '@passerelle/schemas/local-time';

export { addDays };

/** The local date at `instant` on `timeZone`'s clock (Paris by default). */
export const localDate = (instant: number, timeZone = PARIS): string => localTime(timeZone).date(instant);

/** The instant of a local date and `HH:MM` time (a time skipped by the spring change resolves an hour later). */
export const localInstant = (date: string, time = '00:00', timeZone = PARIS): number =>
  localTime(timeZone).instant(date, time);

/** A full date from an LHEO partial one (`YYYY-MM` → the 1st, `YYYY` → 1 January); null stays null. */
export function fullDate(partial: string | null): string | null {
  if (partial === null) return null;
  if (/^\d{4}$/.test(partial)) return `${partial}-01-01`;
  if (/^\d{4}-\d{2}$/.test(partial)) return `${partial}-01`;
  return /^\d{4}-\d{2}-\d{2}$/.test(partial) ? partial : null;
}

/** Easter Sunday of `year` (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The abolition of slavery, a public holiday in each overseas department (loi 83-550, décret 83-1003). */
const ABOLITION_DAY: Readonly<Record<string, string>> = {
  'America/Guadeloupe': '05-27',
  'America/Martinique': '05-22',
  'America/Cayenne': '06-10',
  'Indian/Reunion': '12-20',
  'Indian/Mayotte': '04-27',
  'America/St_Barthelemy': '10-09',
  'America/Marigot': '05-28',
};

const holidayCache = new Map<string, ReadonlySet<string>>();

/** The public holidays (jours fériés) of `year` where the clock is `timeZone`'s (metropolitan France by default). */
export function publicHolidays(year: number, timeZone = PARIS): ReadonlySet<string> {
  const key = `${year} ${timeZone}`;
  let holidays = holidayCache.get(key);
  if (!holidays) {
    const easter = easterSunday(year);
    const local = ABOLITION_DAY[timeZone];
    const fixed = ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25', ...(local ? [local] : [])];
    holidays = new Set([
      ...fixed.map((d) => `${year}-${d}`),
      addDays(easter, 1),
      addDays(easter, 39),
      addDays(easter, 50),
    ]);
    holidayCache.set(key, holidays);
  }
  return holidays;
}

export function isWorkingDay(date: string, timeZone = PARIS): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !publicHolidays(Number(date.slice(0, 4)), timeZone).has(date);
}

const workingDayShifts = new Map<string, string>();

/** The `count`-th working day after `date` (`date` itself never counts), on `timeZone`'s calendar. */
export function addWorkingDays(date: string, count: number, timeZone = PARIS): string {
  const key = `${date}+${count} ${timeZone}`;
  let result = workingDayShifts.get(key);
  if (result === undefined) {
    result = date;
    for (let left = count; left > 0; ) {
      result = addDays(result, 1);
      if (isWorkingDay(result, timeZone)) left -= 1;
    }
    if (workingDayShifts.size >= 100_000) workingDayShifts.clear();
    workingDayShifts.set(key, result);
  }
  return result;
}
