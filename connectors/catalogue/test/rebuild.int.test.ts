import type { RunningService } from '@passerelle/runtime';
import { waitFor } from '@passerelle/test-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { Broker, call, ico, offerWith, sessionPath, startCatalogue, topicPrefix, trainee } from './harness.js';

// The projector's state is rebuilt from its input topics: a new instance continues from the group's committed offset
// with the places every earlier registration took, and its search serves every listing from the topic.

const services: RunningService[] = [];
let broker: Broker | undefined;

afterAll(async () => {
  await Promise.all(services.map((service) => service.stop()));
  await broker?.bus.stop();
});

const register = (registrationId: string, sessionKey: string) =>
  broker?.kairos(sessionKey, 'fr.passerelle.kairos.RegistrationRecorded', {
    ...trainee(sessionKey),
    registrationId,
    modalityId: 'ICO-R',
    modalityKind: 'ICO',
    slotTime: null,
    requestId: null,
    de: { deIdentifier: '4000000Z', lastName: 'X', firstName: 'Y', email: null, phone: null },
    status: 'INSCRIT',
    sourceLabel: 'Inscrit',
  });

describe('restart', () => {
  it('when the connector restarts with events published while it was down, then places left count every registration once', async () => {
    const prefix = topicPrefix();
    broker = new Broker(prefix);
    await broker.start();
    const first = await startCatalogue(prefix);
    const offer = offerWith('Opérateur de production pharmaceutique');
    await broker.publishOffer('fr.passerelle.offer.SessionPublished', offer);
    await broker.schedule(offer.sessionKey, ico('ICO-R', 10));
    await register('REG-1', offer.sessionKey);
    await register('REG-2', offer.sessionKey);
    await broker.listing('TMF', offer.sessionKey, (l) => l?.modalities[0]?.placesLeft === 8);
    await first.stop();

    await register('REG-3', offer.sessionKey);
    const second = await startCatalogue(prefix);
    services.push(second);

    const listing = await broker.listing('TMF', offer.sessionKey, (l) => l?.modalities[0]?.placesLeft !== 8);
    expect(listing?.modalities[0]?.placesLeft).toBe(7);
    const served = await waitFor(async () => {
      const response = await call(second.url, sessionPath('TMF', offer.sessionKey));
      return response.body?.modalities?.[0]?.placesLeft === 7 ? response : undefined;
    });
    expect(served.status).toBe(200);
    // Every channel's last version counts the three registrations, and no version was published twice (a listing
    // changed several times in one transaction is written once: its versions number at most 4 channels × 5 changes).
    const versions = () => broker?.listingEvents.filter((event) => event.key?.endsWith(`|${offer.sessionKey}`)) ?? [];
    const placesLeft = (event: { value: unknown }) =>
      (event.value as { modalities: { placesLeft: number | null }[] } | null)?.modalities[0]?.placesLeft;
    await waitFor(
      () =>
        new Set(
          versions()
            .filter((event) => placesLeft(event) === 7)
            .map((event) => event.key),
        ).size === 4,
      { description: 'every channel listing 7 places left' },
    );
    const eventIds = versions().map((event) => (event.value as { envelope: { eventId: string } }).envelope.eventId);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    expect(eventIds.length).toBeLessThanOrEqual(20);
  });
});
