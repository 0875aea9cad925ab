/**
 * The deadlines of the domain, defined once for every runnable that shows or acts on them (issue 15, item 9): the
 * French working days they count, the "missing entry" rule of the files under watch (Kairos's dashboard and the
 * journey service both read it), and the instants the system acts at by itself (G11 waitlist expiry, G16 exit at
 * the planned end). Dates are local dates (`YYYY-MM-DD`) on the session's clock (domain.md G21): Europe/Paris, or the
 * zone of the overseas department where it is held (`timeZone`, Paris by default).
 *
 * Working days (jours ouvrés): Monday to Friday except the public holidays (Code du travail L3133-1: 1 January,
 * Easter Monday, 1 May, 8 May, Ascension, Whit Monday, 14 July, 15 August, 1 November, 11 November, 25 December),
 * plus, overseas, the day of the abolition of slavery of that department (décret 83-1003). Alsace-Moselle's two extra
 * days are not counted: the offer is Pays de la Loire's.
 */

import { addDays, localTime, PARIS } from './local-time.js';

/** The instant of a local date (00:00) on `timeZone`'s clock. */
const midnight = (date: string, timeZone: string): number => localTime(timeZone).instant(date, '00:00');

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

/** E2, G14: an entry is declared within three working days of the day it was expected (the EDOF deadline). */
export const ENTRY_DECLARATION_WORKING_DAYS = 3;

/** Where an enrolment waiting for its entry stands on the files under watch. */
export type MissingEntry =
  /** The session has not started yet (or the enrolment's day has not come): nothing flagged before `dueAt`. */
  | { code: null; dueAt: number }
  /** Entry expected since `since`, still within the declaration deadline, which falls at `dueAt`. */
  | { code: 'RETAINED_NO_ENTRY'; since: number; dueAt: number }
  /** The declaration deadline passed at `since`: the file is late. */
  | { code: 'ENTRY_NOT_DECLARED'; since: number; dueAt: null };

/**
 * The one "missing entry" rule (domain.md E2 and G14, the rule picked when Kairos's dashboard flagged at the session
 * start and the journey after three working days): an enrolment still waiting for its entry is expected from the
 * session start — or from the day it was opened when that came later (permanent entries, late enrolments); it is
 * "retained, entry not entered" from that day on, and "entry not declared" once three working days have passed
 * after it (from 00:00 local on the day after the third working day). Null when the session start is unknown.
 *
 * @param sessionStart the session's (possibly partial) LHEO start date
 * @param openedOn the local date the enrolment was opened, if known
 * @param at the instant reviewed (ms)
 * @param timeZone the session's clock
 */
export function missingEntry(
  sessionStart: string | null,
  openedOn: string | null,
  at: number,
  timeZone = PARIS,
): MissingEntry | null {
  const start = fullDate(sessionStart);
  if (start === null) return null;
  const expected = openedOn !== null && openedOn > start ? openedOn : start;
  const from = midnight(expected, timeZone);
  const late = midnight(addDays(addWorkingDays(expected, ENTRY_DECLARATION_WORKING_DAYS, timeZone), 1), timeZone);
  if (at >= late) return { code: 'ENTRY_NOT_DECLARED', since: late, dueAt: null };
  if (at >= from) return { code: 'RETAINED_NO_ENTRY', since: from, dueAt: late };
  return { code: null, dueAt: from };
}

/**
 * G11: the instant a fixed-dates session starts, when its waiting list expires (00:00 on its start date, on its own
 * clock); null for a permanent-entry session, whose waiting list never expires, or an unknown start.
 */
export function waitlistExpiry(session: {
  start: string | null;
  permanentEntry: boolean;
  timeZone?: string | null;
}): number | null {
  const start = fullDate(session.start);
  return start === null || session.permanentEntry ? null : midnight(start, session.timeZone ?? PARIS);
}

/**
 * G16: the instant the system records the exit of a trainee still in training — once the planned end date is over
 * (00:00 on the day after it, on the session's clock), the exit being dated on the planned end. Null when the end is
 * unknown or only partial (an LHEO `YYYY-MM` end names no day to date the exit on).
 */
export function plannedExit(end: string | null, timeZone = PARIS): { date: string; at: number } | null {
  if (end === null || !/^\d{4}-\d{2}-\d{2}$/.test(end)) return null;
  return { date: end, at: midnight(addDays(end, 1), timeZone) };
}
