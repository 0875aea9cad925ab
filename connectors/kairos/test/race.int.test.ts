import { patience, waitFor } from '@passerelle/test-kit';
import { describe, expect, it } from 'vitest';
import {
  type Api,
  type KairosInstance,
  newDe,
  offerWith,
  type Response,
  sessionPath,
  startKairos,
  useKairos,
} from './harness.js';

// Two connector instances in one consumer group (different HTTP ports), then a restart: places are decided only by
// the owner of the session's partition, so concurrent requests from both instances and from positioning requests
// serialise there, and everything decided is rebuilt from Kafka by a fresh instance.

const session = offerWith('2027-01-11', '2027-06-30', null);
const path = sessionPath(session.sessionKey);
let modalityId: string;
const commandTimeout = { KAIROS_COMMAND_TIMEOUT_MS: String(patience(30_000)) };
const { broker, clock, instances, prefix } = useKairos({
  instances: [commandTimeout, commandTimeout],
  sessions: [session],
});

const registrantsOn = (api: Api) => api.get(`${path}/modalities/${modalityId}/registrants`);

describe('places are never oversold', () => {
  it('when 50 requests race for 10 places (HTTP on two instances and positioning requests), then 10 registrations and 40 refusals', async () => {
    const [a, b] = instances as [KairosInstance, KairosInstance];
    const scheduled = await a.api.post(`${path}/modalities`, {
      kind: 'ICO',
      date: '2026-12-10',
      startTime: '09:30',
      endTime: '11:30',
      place: 'Nantes',
      capacity: 10,
    });
    expect(scheduled.status).toBe(201);
    modalityId = scheduled.body.modalityId as string;
    await waitFor(async () => (await registrantsOn(b.api)).status === 200, { description: 'the ICO on instance B' });

    const requests = Array.from({ length: 25 }, () =>
      broker.positioningRequest(session.sessionKey, newDe(), { modalityId }),
    );
    const http = Array.from({ length: 25 }, (_, index) =>
      (index % 2 === 0 ? a : b).api.post(`${path}/modalities/${modalityId}/registrations`, { de: newDe() }),
    );
    // Positioning requests go out in five bursts while the HTTP requests are in flight.
    const published = Promise.all([0, 5, 10, 15, 20].map((start) => broker.position(requests.slice(start, start + 5))));
    const [answers] = await Promise.all([Promise.all(http), published]);

    const answered = await waitFor(
      () => (requests.every((request) => broker.answersTo(request.requestId).length > 0) ? requests : undefined),
      { description: 'an answer to every positioning request', timeoutMs: 30_000 },
    );
    const positioningAnswers = answered.map((request) => broker.answersTo(request.requestId));
    expect(positioningAnswers.every((events) => events.length === 1)).toBe(true);
    const records = positioningAnswers.map((events) => events[0]?.record?.split('.').at(-1));

    const httpRegistered = answers.filter((answer: Response) => answer.status === 201).length;
    const httpRefused = answers.filter(
      (answer: Response) => answer.status === 409 && answer.body.rule === 'NO_PLACE_LEFT',
    ).length;
    const positioningRegistered = records.filter((record) => record === 'RegistrationRecorded').length;
    const positioningRefused = positioningAnswers.filter(
      (events) => (events[0]?.value as { reason?: string } | undefined)?.reason === 'NO_PLACE',
    ).length;
    expect(httpRegistered + httpRefused).toBe(25);
    expect(positioningRegistered + positioningRefused).toBe(25);
    expect(httpRegistered + positioningRegistered).toBe(10);
    expect(httpRefused + positioningRefused).toBe(40);

    // What the broker holds agrees: ten registrations on the ICO, no more.
    const onBroker = broker.sessionEvents.filter(
      (event) =>
        event.record === 'fr.passerelle.kairos.RegistrationRecorded' &&
        (event.value as { modalityId: string }).modalityId === modalityId,
    );
    expect(onBroker).toHaveLength(10);
    // And so do both instances' counters.
    for (const instance of instances) {
      const list = await waitFor(
        async () => {
          const response = await registrantsOn(instance.api);
          return response.body.taken === 10 ? response : undefined;
        },
        { description: 'the counters on each instance' },
      );
      expect(list.body).toMatchObject({ capacity: 10, taken: 10, placesAvailable: 0 });
      expect(list.body.registrants).toHaveLength(10);
    }
  });

  it('when every instance stops and a new one starts, then the state is rebuilt from Kafka and still decides right', async () => {
    await Promise.all(instances.splice(0).map((instance) => instance.service.stop()));
    const fresh = await startKairos(prefix, clock, { KAIROS_COMMAND_TIMEOUT_MS: String(patience(30_000)) });
    instances.push(fresh);
    // The read model is rebuilt at start; the writer rebuilds a partition's state before its first new input.
    const rebuilt = await waitFor(
      async () => {
        const response = await registrantsOn(fresh.api);
        return response.status === 200 ? response : undefined;
      },
      { description: 'the rebuilt read model' },
    );
    expect(rebuilt.body).toMatchObject({ capacity: 10, taken: 10, placesAvailable: 0 });
    const full = await fresh.api.post(`${path}/modalities/${modalityId}/registrations`, { de: newDe() });
    expect(full.status).toBe(409);
    expect(full.body.rule).toBe('NO_PLACE_LEFT');

    const registrants = rebuilt.body.registrants as { registrationId: string }[];
    const cancelled = await fresh.api.post(`${path}/registrations/${registrants[0]?.registrationId}/cancel`, {});
    expect(cancelled.status).toBe(200);
    const again = await fresh.api.post(`${path}/modalities/${modalityId}/registrations`, { de: newDe() });
    expect(again.status).toBe(201);
    expect((await registrantsOn(fresh.api)).body).toMatchObject({ taken: 10, placesAvailable: 0 });
  });
});
