import { waitFor } from '@passerelle/test-kit';
import { describe, expect, it } from 'vitest';
import {
  call,
  candidatureWindow,
  DE_TOKEN,
  ico,
  offerWith,
  type Response,
  sessionPath,
  sessionsPath,
  trainee,
  useCatalogue,
} from './harness.js';

// The catalogue connector against the real broker and registry: the offer and Kairos's modality events in (the test
// publishes them as SOFI and Kairos would), listings on catalogue.listings and the channels' search out.

const CHANNELS = ['AUDEF', 'OUIFORM', 'TMF', 'MA_FORMATION'];
const { broker, service } = useCatalogue();

/** The search results of a channel once `check` holds (the index follows the topic within milliseconds). */
const searchUntil = (channel: string, query: string, check: (body: Response['body']) => boolean) =>
  waitFor(
    async () => {
      const response = await call(service.url, sessionsPath(channel, query));
      return response.status === 200 && check(response.body) ? response.body : undefined;
    },
    { description: `${channel} search ${query}` },
  );

describe('listings on the four channels', () => {
  it('when SOFI publishes a session and Kairos opens an ICO and a candidature window, then each channel lists it with its modalities and is searchable', async () => {
    const offer = offerWith('Soudeur TIG inox aéronautique');
    await broker.publishOffer('fr.passerelle.offer.SessionPublished', offer);
    await broker.schedule(offer.sessionKey, ico('ICO-A', 12));
    await broker.schedule(offer.sessionKey, candidatureWindow('WIN-A', 20));

    for (const channel of CHANNELS) {
      const listing = await broker.listing(channel, offer.sessionKey, (l) => l?.modalities.length === 2);
      expect(listing).toMatchObject({
        channel,
        sessionKey: offer.sessionKey,
        title: 'Soudeur TIG inox aéronautique',
        department: '44',
        deMaySelfRegister: channel === 'TMF' || channel === 'MA_FORMATION',
        prescriberMayPosition: channel === 'AUDEF' || channel === 'OUIFORM',
      });
      expect(listing?.modalities.map((m) => [m.modalityId, m.kind, m.capacity, m.placesLeft])).toEqual([
        ['WIN-A', 'CANDIDATURE_WINDOW', 20, 20],
        ['ICO-A', 'ICO', 12, 12],
      ]);
      const body = await searchUntil(
        channel,
        'q=soudeur%20aeronautique',
        (found) => found.total === 1 && found.results[0].modalities.length === 2,
      );
      expect(body.results[0]).toMatchObject({ sessionKey: offer.sessionKey, channel });
      expect(body.results[0].modalities).toHaveLength(2);
      expect(body.results[0].envelope).toBeUndefined();
    }

    const filtered = await call(
      service.url,
      sessionsPath('TMF', 'q=soudeur&department=44&modality=ICO&placesAvailable=true&lat=47.2&lon=-1.6&radiusKm=10'),
    );
    expect(filtered.body.total).toBe(1);
    expect(filtered.body.results[0].distanceKm).toBeLessThan(2);
    const elsewhere = await call(service.url, sessionsPath('TMF', 'q=soudeur&department=49'));
    expect(elsewhere.body.total).toBe(0);
    // The zone table (annex 7.3): Pays de la Loire (52) holds Loire-Atlantique (44); Bretagne (53) does not.
    const inRegion = await call(service.url, sessionsPath('OUIFORM', 'q=soudeur%20aeronautique&region=52'));
    expect(inRegion.body.results.map((r: { sessionKey: string }) => r.sessionKey)).toEqual([offer.sessionKey]);
    const otherRegion = await call(service.url, sessionsPath('OUIFORM', 'q=soudeur%20aeronautique&region=53,11'));
    expect(otherRegion.body.total).toBe(0);
  });

  it('when the OF records the correspondant de la formation in Kairos, then every channel lists it and the session detail shows it', async () => {
    const offer = offerWith('Agent de maintenance éolien offshore');
    await broker.publishOffer('fr.passerelle.offer.SessionPublished', offer);
    await broker.schedule(offer.sessionKey, ico('ICO-C', 8));
    const correspondent = { name: 'Nadia Poirier', phone: '+33 2 40 11 22 33', email: 'n.poirier@of-exemple.fr' };
    await broker.kairos(offer.sessionKey, 'fr.passerelle.kairos.TrainingCorrespondentRecorded', {
      sessionKey: offer.sessionKey,
      siret: offer.formation.responsibleOrganisation.siret,
      correspondent,
      previous: null,
    });
    for (const channel of CHANNELS) {
      const listing = await broker.listing(channel, offer.sessionKey, (l) => l?.correspondent != null);
      expect(listing?.correspondent).toEqual(correspondent);
    }
    const detail = await waitFor(async () => {
      const response = await call(service.url, sessionPath('TMF', offer.sessionKey));
      return response.status === 200 && response.body.correspondent ? response : undefined;
    });
    expect(detail.body.correspondent).toEqual(correspondent);
  });

  it('when Kairos adjusts a capacity and DEs register or send candidatures, then places left follow in the listings and the search', async () => {
    const offer = offerWith('Chaudronnier tuyauteur naval');
    await broker.publishOffer('fr.passerelle.offer.SessionPublished', offer);
    await broker.schedule(offer.sessionKey, ico('ICO-B', 2));
    await broker.schedule(offer.sessionKey, candidatureWindow('WIN-B', 5));
    await broker.listing('TMF', offer.sessionKey, (l) => l?.modalities.length === 2);

    await broker.kairos(offer.sessionKey, 'fr.passerelle.kairos.RecruitmentModalityAdjusted', {
      sessionKey: offer.sessionKey,
      modality: { ...ico('ICO-B', 3) },
      previousCapacity: 2,
      previousReceptionStart: null,
      previousReceptionEnd: null,
    });
    for (const registrationId of ['REG-1', 'REG-2'])
      await broker.kairos(offer.sessionKey, 'fr.passerelle.kairos.RegistrationRecorded', {
        ...trainee(offer.sessionKey),
        registrationId,
        modalityId: 'ICO-B',
        modalityKind: 'ICO',
        slotTime: null,
        requestId: null,
        de: { deIdentifier: '4000000Z', lastName: 'X', firstName: 'Y', email: null, phone: null },
        status: 'INSCRIT',
        sourceLabel: 'Inscrit',
      });
    await broker.kairos(offer.sessionKey, 'fr.passerelle.kairos.CandidatureReceived', {
      ...trainee(offer.sessionKey),
      candidatureId: 'CAND-1',
      windowId: 'WIN-B',
      requestId: null,
      de: { deIdentifier: '4000000Z', lastName: 'X', firstName: 'Y', email: null, phone: null },
      status: 'CANDIDATURE_RECUE',
      sourceLabel: 'À contacter',
    });

    const places = (modalities: { modalityId: string; capacity: number; placesLeft: number }[] | undefined) =>
      Object.fromEntries((modalities ?? []).map((m) => [m.modalityId, `${m.placesLeft}/${m.capacity}`]));
    for (const channel of CHANNELS) {
      const listing = await broker.listing(channel, offer.sessionKey, (l) => places(l?.modalities)['WIN-B'] === '4/5');
      expect(places(listing?.modalities)).toEqual({ 'ICO-B': '1/3', 'WIN-B': '4/5' });
    }
    const body = await searchUntil(
      'OUIFORM',
      'q=chaudronnier',
      (found) => found.total === 1 && places(found.results[0].modalities)['WIN-B'] === '4/5',
    );
    expect(places(body.results[0].modalities)).toEqual({ 'ICO-B': '1/3', 'WIN-B': '4/5' });

    // The last place of the ICO goes: an ICO search with places available no longer finds the session.
    await broker.kairos(offer.sessionKey, 'fr.passerelle.kairos.RegistrationRecorded', {
      ...trainee(offer.sessionKey),
      registrationId: 'REG-3',
      modalityId: 'ICO-B',
      modalityKind: 'ICO',
      slotTime: null,
      requestId: null,
      de: { deIdentifier: '4000000Z', lastName: 'X', firstName: 'Y', email: null, phone: null },
      status: 'INSCRIT',
      sourceLabel: 'Inscrit',
    });
    await searchUntil('TMF', 'q=chaudronnier&modality=ICO&placesAvailable=true', (found) => found.total === 0);
    const full = await searchUntil('TMF', 'q=chaudronnier&modality=ICO', (found) => found.total === 1);
    expect(places(full.results[0].modalities)['ICO-B']).toBe('0/3');
  });

  it('when an event changes nothing a channel shows, then no listing is republished', async () => {
    const offer = offerWith('Carreleur mosaïste');
    await broker.publishOffer('fr.passerelle.offer.SessionPublished', offer);
    await broker.schedule(offer.sessionKey, ico('ICO-C', 4));
    // Each channel's key shows its latest version once every earlier one of that key was read (per-key order).
    for (const channel of CHANNELS) await broker.listing(channel, offer.sessionKey, (l) => l?.modalities.length === 1);
    const versions = () => broker.listingEvents.filter((event) => event.key?.endsWith(`|${offer.sessionKey}`)).length;
    const before = versions();

    await broker.kairos(offer.sessionKey, 'fr.passerelle.kairos.RegistrationRefused', {
      ...trainee(offer.sessionKey),
      requestId: 'REQ-X',
      modalityId: 'ICO-C',
      reason: 'NO_PLACE',
      message: 'Complet',
    });
    await broker.publishOffer('fr.passerelle.offer.SessionUpdated', offer);
    // A change after them is the marker: once it is listed, the two events before it were handled.
    await broker.schedule(offer.sessionKey, ico('ICO-D', 4));
    for (const channel of CHANNELS) await broker.listing(channel, offer.sessionKey, (l) => l?.modalities.length === 2);
    await waitFor(() => versions() >= before + 4, { description: 'the four listings of the marker' });
    expect(versions()).toBe(before + 4);
  });

  it('when SOFI withdraws a session, then every channel gets a tombstone and the session leaves the search', async () => {
    const offer = offerWith('Plaquiste plâtrier');
    await broker.publishOffer('fr.passerelle.offer.SessionPublished', offer);
    await broker.schedule(offer.sessionKey, ico('ICO-E', 8));
    await searchUntil('MA_FORMATION', 'q=plaquiste', (found) => found.total === 1);

    await broker.withdraw(offer);
    for (const channel of CHANNELS)
      expect(await broker.listing(channel, offer.sessionKey, (l) => l === null)).toBeNull();
    for (const channel of CHANNELS) await searchUntil(channel, 'q=plaquiste', (found) => found.total === 0);
    expect((await call(service.url, sessionPath('TMF', offer.sessionKey))).status).toBe(404);
  });

  it('when recruitment is suspended in SOFI, then the DE channels drop the session and the prescriber ones keep it', async () => {
    const offer = offerWith('Menuisier agenceur');
    await broker.publishOffer('fr.passerelle.offer.SessionPublished', offer);
    await broker.listing('TMF', offer.sessionKey, (l) => Boolean(l));
    await broker.publishOffer('fr.passerelle.offer.SessionUpdated', {
      ...offer,
      session: { ...offer.session, recruitmentState: 'SUSPENDED' },
    });
    expect(await broker.listing('TMF', offer.sessionKey, (l) => l === null)).toBeNull();
    expect(await broker.listing('MA_FORMATION', offer.sessionKey, (l) => l === null)).toBeNull();
    const audef = await broker.listing('AUDEF', offer.sessionKey, (l) => l?.recruitmentState === 'SUSPENDED');
    expect(audef?.prescriberMayPosition).toBe(false);
  });
});

describe('search API', () => {
  it('when a parameter is invalid, then the answer is a 400 problem naming it', async () => {
    for (const [query, field] of [
      ['department=Loire', 'querystring.department'],
      ['region=99', 'querystring.region'],
      ['region=53&department=44', 'querystring.department'],
      ['lat=47.2', 'querystring.lon'],
      ['lat=91&lon=0', 'querystring.lat'],
      ['pageSize=500', 'querystring.pageSize'],
      ['sort=distance', 'querystring.sort'],
      ['startFrom=2026-13', 'querystring.startFrom'],
      ['placesAvailable=maybe', 'querystring.placesAvailable'],
      ['modality=VISIO', 'querystring.modality'],
    ]) {
      const response = await call(service.url, sessionsPath('TMF', query));
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(
        response.body.errors.map((error: { field: string }) => error.field),
        query,
      ).toContain(field);
    }
    expect((await call(service.url, '/channels/KAIROS/sessions')).status).toBe(400);
  });

  it('when the token is missing or not allowed on the channel, then 401 or 403', async () => {
    expect((await call(service.url, sessionsPath('TMF'), { token: null })).status).toBe(401);
    expect((await call(service.url, sessionsPath('TMF'), { token: 'not-a-token-at-all-0000' })).status).toBe(401);
    expect((await call(service.url, sessionsPath('AUDEF'), { token: DE_TOKEN })).status).toBe(403);
    expect((await call(service.url, sessionsPath('TMF'), { token: DE_TOKEN })).status).toBe(200);
  });
});
