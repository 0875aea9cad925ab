import { localTime, PARIS, type WallClock } from '@passerelle/schemas/local-time';
import type { SessionAggregate } from './state.js';

/**
 * Dates of the domain are local dates and times on the session's own clock (domain.md G21, read by
 * @passerelle/schemas/local-time): Europe/Paris, or the overseas zone of where the session is held. `YYYY-MM-DD` and
 * `HH:MM`, compared as strings. LHEO session dates may be partial (`YYYY-MM`, `YYYY`), compared at their own precision.
 */

/** The session's wall clock at `now` (Paris while the session is not known yet). */
export const sessionClock = (state: SessionAggregate, now: Date): WallClock =>
  localTime(state.session?.timeZone ?? PARIS).clock(now);

/** `date` (full) is on or after the partial LHEO date `start` (null: unknown, no bound). */
export const onOrAfterPartial = (date: string, start: string | null) =>
  start === null || date.slice(0, start.length) >= start;

/** `date` (full) is on or before the partial LHEO date `end` (null: unknown, no bound). */
export const onOrBeforePartial = (date: string, end: string | null) => end === null || date.slice(0, end.length) <= end;

export const withinPartial = (date: string, start: string | null, end: string | null) =>
  onOrAfterPartial(date, start) && onOrBeforePartial(date, end);

/** Minutes since midnight of an `HH:MM` time. */
export const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Two inclusive date ranges share at least one day. */
export const overlaps = (a: { start: string; end: string }, b: { start: string; end: string }) =>
  a.start <= b.end && b.start <= a.end;
