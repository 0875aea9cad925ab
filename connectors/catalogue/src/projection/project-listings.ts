import type { ListedModality, ListingChannel, ListingPublished, RecruitmentModality } from '@passerelle/schemas';
import { ACCEPTING, CHANNEL_RULES, type ChannelRule } from './channel-rules.js';
import type { CatalogueSession } from './session-state.js';

/** A listing without its envelope: what a channel shows, compared to tell whether it changed. */
export type ListingBody = Omit<ListingPublished, 'envelope'>;

/** What to publish on `catalogue.listings` for one channel: a new version, or a tombstone (`listing: null`). */
export interface ListingChange {
  /** `<channel>|<sessionKey>`, the topic's key. */
  key: string;
  channel: ListingChannel;
  listing: ListingPublished | null;
}

export const listingKey = (channel: ListingChannel, sessionKey: string) => `${channel}|${sessionKey}`;

/**
 * The session as `rule`'s channel shows it, or null when it is not listed there: not (yet) in the offer, withdrawn,
 * or in a recruitment state the channel does not list. Only events decide it — never the clock — so a rebuild gives
 * the same listings and time passing republishes nothing: whether an ICO is past or a window closed is the reader's
 * call, on the day it reads (the search does it).
 */
export function projectListing(state: CatalogueSession | undefined, rule: ChannelRule): ListingBody | null {
  const offer = state?.offer;
  if (!state || !offer || state.withdrawn || !rule.listedWhen.includes(offer.recruitmentState)) return null;
  const modalities = [...state.modalities.values()]
    .filter((modality) => rule.modalityKinds.includes(modality.kind))
    .sort((a, b) => compare(orderOf(a), orderOf(b)))
    .map((modality) => listedModality(modality, state));
  const actionable = ACCEPTING.includes(offer.recruitmentState) && modalities.some((m) => m.placesLeft > 0);
  return {
    channel: rule.channel,
    sessionKey: state.sessionKey,
    title: offer.title,
    siret: offer.siret,
    organisationName: offer.organisationName,
    formacodes: [...offer.formacodes],
    romeCodes: [...offer.romeCodes],
    city: offer.city,
    department: offer.department,
    latitude: offer.latitude,
    longitude: offer.longitude,
    start: offer.start,
    end: offer.end,
    recruitmentState: offer.recruitmentState,
    funders: [...offer.funders],
    modalities,
    deMaySelfRegister: rule.audience === 'DE' && actionable,
    prescriberMayPosition: rule.audience === 'PRESCRIBER' && actionable,
    content: offer.content,
    timeZone: offer.timeZone,
    correspondent: state.correspondent,
  };
}

function listedModality(modality: RecruitmentModality, state: CatalogueSession): ListedModality {
  let held = 0;
  for (const modalityId of state.placeHolders.values()) if (modalityId === modality.modalityId) held += 1;
  return {
    modalityId: modality.modalityId,
    kind: modality.kind,
    date: modality.date,
    startTime: modality.startTime,
    endTime: modality.endTime,
    place: modality.place,
    remote: modality.remoteLink !== null,
    capacity: modality.capacity,
    placesLeft: Math.max(0, modality.capacity - held),
    receptionStart: modality.receptionStart,
    receptionEnd: modality.receptionEnd,
  };
}

const orderOf = (modality: RecruitmentModality) =>
  `${modality.date ?? modality.receptionStart ?? ''} ${modality.startTime ?? ''} ${modality.modalityId}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The event a listing change answers: its id and business time (an event's envelope fits). */
export interface ListingCause {
  eventId: string;
  occurredAt: Date;
}

/**
 * The listings to publish when a session goes from `before` to `after` because of the event `cause`: a version for
 * each channel whose listing changed, a tombstone for each channel it left, nothing where it stayed the same. The
 * envelope derives from the cause (deterministic id, causation, business time), so a redelivered event republishes
 * identical listings.
 */
export function listingChanges(
  before: CatalogueSession | undefined,
  after: CatalogueSession | undefined,
  cause: ListingCause,
  now: Date,
): ListingChange[] {
  const sessionKey = after?.sessionKey ?? before?.sessionKey;
  if (before === after || sessionKey === undefined) return [];
  const changes: ListingChange[] = [];
  for (const rule of CHANNEL_RULES) {
    const previous = projectListing(before, rule);
    const next = projectListing(after, rule);
    const key = listingKey(rule.channel, sessionKey);
    if (next === null) {
      if (previous !== null) changes.push({ key, channel: rule.channel, listing: null });
      continue;
    }
    if (previous !== null && JSON.stringify(previous) === JSON.stringify(next)) continue;
    changes.push({
      key,
      channel: rule.channel,
      listing: {
        envelope: {
          eventId: `catalogue:${rule.channel}:${cause.eventId}`,
          occurredAt: cause.occurredAt,
          recordedAt: now,
          actor: {
            kind: 'SYSTEM',
            siret: null,
            organisationName: null,
            prescriberNetwork: null,
            channel: rule.channel,
          },
          sourceSystem: 'PASSERELLE',
          correlationId: sessionKey,
          causationId: cause.eventId,
        },
        ...next,
      },
    });
  }
  return changes;
}
