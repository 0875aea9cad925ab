import type { RunningService } from '@passerelle/runtime';
import type { ListingPublished } from '@passerelle/schemas';
import { fixtures } from '@passerelle/schemas/fixtures';
import { waitFor } from '@passerelle/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, account, connectorEnv, PlayedKairos, prescriptionBody, startOuiform, topicPrefix } from './harness.js';

const prescriber = account('FT-NANTES-EST', 'FRANCE_TRAVAIL');
const example = fixtures['fr.passerelle.catalogue.ListingPublished'];

function listing(
  channel: ListingPublished['channel'],
  sessionKey: string,
  fields: Partial<ListingPublished>,
): ListingPublished {
  return {
    ...example,
    channel,
    sessionKey,
    start: '2027-03-01',
    end: '2027-09-30',
    modalities: [
      { ...(example.modalities[0] as ListingPublished['modalities'][number]), date: '2027-02-10', placesLeft: 3 },
    ],
    ...fields,
  };
}

describe('GET /sessions: the OUIFORM listing on the real broker', () => {
  const prefix = topicPrefix();
  const catalogue = new PlayedKairos(prefix);
  let service: RunningService;
  let api: Api;

  const publish = (listings: Array<{ key: string; value: ListingPublished | null }>) =>
    catalogue.bus.publish(
      listings.map(({ key, value }) => ({
        topic: catalogue.topics.listings,
        key,
        record: 'fr.passerelle.catalogue.ListingPublished',
        value,
      })),
    );

  beforeAll(async () => {
    await catalogue.start();
    service = await startOuiform(connectorEnv(prefix, [prescriber]));
    api = new Api(service.url, prescriber.token);
  });

  afterAll(async () => {
    await service?.stop();
    await catalogue.stop();
  });

  it('when the catalogue publishes, updates and withdraws OUIFORM listings, then the search follows within moments', async () => {
    const welding = '14_AF_1|14_SE_1|SE_1';
    const care = '14_AF_2|14_SE_2|SE_2';
    await publish([
      {
        key: `OUIFORM|${welding}`,
        value: listing('OUIFORM', welding, { title: 'Soudeur TIG — titre professionnel', department: '44' }),
      },
      {
        key: `OUIFORM|${care}`,
        value: listing('OUIFORM', care, {
          title: 'Aide-soignant',
          department: '85',
          modalities: [
            { ...(example.modalities[0] as ListingPublished['modalities'][number]), date: '2027-02-12', placesLeft: 0 },
          ],
        }),
      },
      { key: `TMF|${care}`, value: listing('TMF', care, { title: 'Aide-soignant (TMF)', department: '85' }) },
    ]);

    const welders = await waitFor(async () => {
      const found = await api.get('/sessions?q=soudeur');
      return found.body.total === 1 ? found : undefined;
    });
    expect(welders.body.items).toEqual([
      expect.objectContaining({
        sessionKey: welding,
        title: 'Soudeur TIG — titre professionnel',
        prescriberMayPosition: true,
      }),
    ]);
    const vendee = await waitFor(async () => {
      const found = await api.get('/sessions?department=85');
      return found.body.total === 1 ? found : undefined;
    });
    expect((vendee.body.items as Array<{ title: string }>).map((item) => item.title)).toEqual(['Aide-soignant']);
    const withPlaces = await api.get('/sessions?modality=ICO&placesAvailable=true');
    expect((withPlaces.body.items as Array<{ sessionKey: string }>).map((item) => item.sessionKey)).toEqual([welding]);

    await publish([{ key: `OUIFORM|${care}`, value: null }]);
    await waitFor(async () => (await api.get('/sessions?department=85')).body.total === 0, {
      description: 'the withdrawn session gone',
    });
    expect((await api.get('/sessions')).body.total).toBe(1);
  });

  it('when the listing closes a session to prescribers, then a prescription on it is 422 naming the session', async () => {
    const closed = '14_AF_3|14_SE_3|SE_3';
    await publish([{ key: `OUIFORM|${closed}`, value: listing('OUIFORM', closed, { prescriberMayPosition: false }) }]);
    await waitFor(async () => (await api.get('/sessions')).body.total === 2, {
      description: 'the closed session listed',
    });

    const refused = await api.post(
      '/prescriptions',
      prescriptionBody('1122334A', { target: { sessionKey: closed, modalityKind: 'ICO' } }),
    );

    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      errors: [{ field: 'body.target.sessionKey', rule: 'CLOSED_TO_PRESCRIBERS' }],
    });
    expect(catalogue.requests).toEqual([]);
  });

  it('when a search parameter is invalid, then 400 problem+json naming it; without a token, 401', async () => {
    for (const [query, field] of [
      ['department=Loire', 'querystring.department'],
      ['pageSize=1000', 'querystring.pageSize'],
      ['modality=VISIO', 'querystring.modality'],
      ['startFrom=demain', 'querystring.startFrom'],
    ]) {
      const refused = await api.get(`/sessions?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.errors?.map((error) => error.field)).toContain(field);
    }
    expect((await new Api(service.url, null).get('/sessions')).status).toBe(401);
  });
});
