import { localTime } from '@passerelle/schemas/local-time';

/** The day it is in Paris at `now` (domain.md G21: the catalogue's dates are Europe/Paris local dates). */
export const parisToday = (now: Date): string => localTime().date(now);
