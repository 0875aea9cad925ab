import type { Bus, ConsumedEvent, Follower } from '@passerelle/bus';
import { ListingIndex, type ListingPage, type ListingQuery } from '@passerelle/listing-index';
import type { ListingChannel, ListingPublished } from '@passerelle/schemas';
import { CHANNELS } from '../projection/channel-rules.js';

/**
 * Every channel's listings, searchable in this process: a follower reads `catalogue.listings` from the beginning
 * (every partition, in every instance), so any instance answers any query, and an update is searchable as soon as
 * its transaction commits. One index per channel: a query never scans another channel's listings.
 */
export class ChannelListings {
  readonly #indexes = new Map<string, ListingIndex<ListingPublished>>(
    CHANNELS.map((channel) => [channel, new ListingIndex<ListingPublished>()]),
  );
  readonly #follower: Follower;
  #caughtUp = false;

  constructor(bus: Bus, topic: string) {
    this.#follower = bus.follow({
      name: 'catalogue.listings',
      topics: [topic],
      fromBeginning: true,
      onEvent: (event) => this.apply(event),
    });
    void this.#follower.caughtUp().then(() => {
      this.#caughtUp = true;
    });
  }

  /** False until everything published before start was read: a search before would miss listings. */
  get ready(): boolean {
    return this.#caughtUp;
  }

  apply(event: ConsumedEvent) {
    const channel = event.key?.slice(0, event.key.indexOf('|'));
    const index = channel === undefined ? undefined : this.#indexes.get(channel);
    if (!index || event.key === null) return;
    if (event.value === null) index.remove(event.key);
    else index.upsert(event.key, event.value as ListingPublished);
  }

  search(channel: ListingChannel, query: ListingQuery): ListingPage<ListingPublished> {
    return this.#index(channel).search(query);
  }

  get(channel: ListingChannel, sessionKey: string): ListingPublished | undefined {
    return this.#index(channel).get(`${channel}|${sessionKey}`);
  }

  #index(channel: ListingChannel): ListingIndex<ListingPublished> {
    const index = this.#indexes.get(channel);
    if (!index) throw new Error(`No catalogue channel ${channel}`);
    return index;
  }
}
