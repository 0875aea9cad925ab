import { localTime, zoneOrParis } from '@passerelle/schemas/local-time';

/** The day it is in Paris at `now` (domain.md G21): the search index's one "today" across every region's listings. */
export const parisToday = (now: Date): string => localTime().date(now);

/** The day it is where a listing's session is held (its dates and modality times are on that clock). */
export const listingToday = (listing: { timeZone: string | null }, now: Date): string =>
  localTime(zoneOrParis(listing.timeZone)).date(now);
