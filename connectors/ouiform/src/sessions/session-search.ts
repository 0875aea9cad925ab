import { ListingIndex, type SearchParameters, toListingQuery } from '@passerelle/listing-index';
import type { ListingPublished } from '@passerelle/schemas';

/** The day the catalogue is read, in Europe/Paris (where the modalities' dates are local dates). */
export const parisDay = (now: Date) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);

/**
 * The OUIFORM channel's listing, searchable: what catalogue.listings.v1 publishes for channel OUIFORM (a tombstone
 * removes the session). Fed by a follower from the beginning of the compacted topic, so every instance holds it.
 */
export class OuiformListing {
  readonly index = new ListingIndex<ListingPublished>();

  /** Whether a key of catalogue.listings.v1 (`<channel>|<session key>`) is ours: other channels are not decoded. */
  static isOurs(key: string | null): key is string {
    return key?.startsWith('OUIFORM|') ?? false;
  }

  /** Folds one event of catalogue.listings.v1; other channels are not ours. */
  apply(key: string | null, value: unknown): void {
    if (!OuiformListing.isOurs(key)) return;
    const listing = value as ListingPublished | null;
    if (listing === null) this.index.remove(key.slice('OUIFORM|'.length));
    else if (listing.channel === 'OUIFORM') this.index.upsert(listing.sessionKey, listing);
  }

  /** Parameters valid by the shared search contract (`searchParameterError` says none is at fault). */
  search(parameters: SearchParameters, now: Date) {
    const page = this.index.search(toListingQuery(parameters, parisDay(now)));
    return {
      total: page.total,
      page: page.page,
      pageSize: page.pageSize,
      items: page.hits.map(
        ({ listing: { envelope: _envelope, channel: _channel, ...listing }, score, distanceKm }) => ({
          ...listing,
          score,
          distanceKm,
        }),
      ),
    };
  }
}
