/**
 * Dates of the domain are Europe/Paris local dates (`YYYY-MM-DD`, domain.md G21). Deadlines count French working
 * days, defined once in @passerelle/schemas/deadlines with the rules that use them (Kairos's dashboard reads the
 * same ones).
 */

import { addDays, localTime } from '@passerelle/schemas/local-time';

export { addWorkingDays, easterSunday, fullDate, isWorkingDay, publicHolidays } from '@passerelle/schemas/deadlines';
export { addDays };

const paris = localTime();

/** The Paris local date at `instant`. */
export const parisDate = (instant: number): string => paris.date(instant);

/** The instant of a Paris local date and `HH:MM` time (a time skipped by the spring change resolves an hour later). */
export const parisInstant = (date: string, time = '00:00'): number => paris.instant(date, time);
