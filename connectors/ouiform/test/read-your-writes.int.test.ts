import type { RunningService } from '@passerelle/runtime';
import { waitFor } from '@passerelle/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, account, connectorEnv, PlayedKairos, prescriptionBody, startOuiform, topicPrefix } from './harness.js';

const missionLocale = account('ML-RENNES', 'MISSION_LOCALE');
const HOPS = 40;

// Two instances behind one address, as a load balancer spreads a prescriber's calls: a Location handed out by one
// answers on the other at once — 200 with the prescription as it stands, never a 404.
describe('a Location followed on another instance', () => {
  const prefix = topicPrefix();
  const kairos = new PlayedKairos(prefix);
  const instances: RunningService[] = [];
  let clients: Api[] = [];

  beforeAll(async () => {
    await kairos.start();
    // Kairos stays silent at first: every POST answers 202 after its (short) wait, so the Location is all the
    // prescriber has.
    kairos.answering = false;
    for (const name of ['a', 'b']) {
      instances.push(
        await startOuiform(
          connectorEnv(prefix, [missionLocale], {
            OUIFORM_DECISION_TIMEOUT_MS: '10',
            KAFKA_CLIENT_ID: `${prefix}${name}`,
          }),
        ),
      );
    }
    clients = instances.map((instance) => new Api(instance.url, missionLocale.token));
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await kairos.stop();
  });

  it('when a prescriber hops between instances, then every Location he was given answers 200, before and after the decision', async () => {
    const locations: string[] = [];
    const firstReads: number[] = [];
    for (let hop = 0; hop < HOPS; hop += 1) {
      const [here, there] = hop % 2 === 0 ? clients : [...clients].reverse();
      const created = await (here as Api).post(
        '/prescriptions',
        prescriptionBody(`7${String(hop).padStart(7, '0')}`, { prescriptionId: `RYW-${prefix}${hop}` }),
      );
      expect(created.status).toBe(202);
      const location = created.headers.get('location') as string;
      // At once, on the instance that did not take the POST.
      const read = await (there as Api).get(location);
      firstReads.push(read.status);
      expect(read.body).toMatchObject({ prescriptionId: `RYW-${prefix}${hop}`, decision: null });
      locations.push(location);
    }
    expect(firstReads).toEqual(Array(HOPS).fill(200));

    // Kairos decides: both instances show each decision on the same Location.
    for (const request of kairos.requests) await kairos.answer(request);
    for (const location of locations) {
      for (const client of clients) {
        const decided = await waitFor(async () => {
          const read = await client.get(location);
          expect(read.status).toBe(200);
          return read.body.decision ? read.body : undefined;
        });
        expect(decided).toMatchObject({ status: 'INSCRIT' });
      }
    }
  });

  it('when an id was never handed out, then it is a 404 on every instance (after reading up to now)', async () => {
    for (const client of clients) expect((await client.get('/prescriptions/never-given')).status).toBe(404);
  });
});
