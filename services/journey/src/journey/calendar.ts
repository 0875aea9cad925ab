/**
 * Dates of the domain are local dates (`YYYY-MM-DD`) on the session's clock (domain.md G21): Europe/Paris, or the
 * zone of the overseas department where it is held. Deadlines count French working days, defined once in
 * @passerelle/schemas/deadlines with the rules that use them (Kairos's dashboard reads the same ones).
 */

import { addDays, localTime, PARIS } from '@passerelle/schemas/local-time';

export { addWorkingDays, easterSunday, fullDate, isWorkingDay, publicHolidays } from '@passerelle/schemas/deadlines';
export { addDays };

/** The local date at `instant` on `timeZone`'s clock (Paris by default). */
export const localDate = (instant: number, timeZone = PARIS): string => localTime(timeZone).date(instant);

/** The instant of a local date and `HH:MM` time (a time skipped by the spring change resolves an hour later). */
export const localInstant = (date: string, time = '00:00', timeZone = PARIS): number =>
  localTime(timeZone).instant(date, time);
