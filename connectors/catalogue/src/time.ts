const parisDate = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The day it is in Paris at `now` (domain.md G21: the catalogue's dates are Europe/Paris local dates). */
export const parisToday = (now: Date): string => parisDate.format(now);
