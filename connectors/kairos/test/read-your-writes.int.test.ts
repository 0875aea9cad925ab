import { waitFor } from '@passerelle/test-kit';
import { describe, expect, it } from 'vitest';
import { type KairosInstance, newDe, offerWith, sessionPath, useKairos } from './harness.js';

// Two instances behind one address: what one hands out — a command's Location, a registration id — answers on the
// other at once, 200 or 202, never a 404. Instance A answers 202 at once (it does not wait for the writer), so the
// Location is all the OF has.

const session = offerWith('2027-01-11', '2027-06-30', null);
const path = sessionPath(session.sessionKey);
const HOPS = 20;
const { instances } = useKairos({ instances: [{ KAIROS_COMMAND_TIMEOUT_MS: '1' }, {}], sessions: [session] });

describe('a Location followed on another instance', () => {
  it('when an OF acts on one instance and follows the Location on the other, then it answers 200 or 202, never 404, and the registration it names is there', async () => {
    const [a, b] = instances as [KairosInstance, KairosInstance];
    const scheduled = await b.api.post(`${path}/modalities`, {
      kind: 'ICO',
      date: '2026-12-10',
      startTime: '09:30',
      endTime: '11:30',
      place: 'Nantes',
      capacity: 100,
    });
    expect(scheduled.status).toBe(201);
    const modalityId = scheduled.body.modalityId as string;

    const firstPolls: number[] = [];
    for (let hop = 0; hop < HOPS; hop += 1) {
      const pending = await a.api.post(`${path}/modalities/${modalityId}/registrations`, { de: newDe() });
      expect(pending.status).toBe(202);
      const location = pending.headers.get('location') as string;
      const polled = await b.api.get(location);
      firstPolls.push(polled.status);
      const decided = await waitFor(async () => {
        const answer = await b.api.get(location);
        expect([200, 201, 202]).toContain(answer.status);
        return answer.status === 202 ? undefined : answer;
      });
      // The registration the outcome names, read at once on the instance that did not decide it either way.
      const registrationId = decided.body.registrationId as string;
      for (const instance of [a, b]) {
        const registration = await instance.api.get(`${path}/registrations/${encodeURIComponent(registrationId)}`);
        expect(registration.status).toBe(200);
      }
    }
    expect(firstPolls.every((status) => status === 200 || status === 201 || status === 202)).toBe(true);
  });

  it('when a command id was never handed out, then it is a 404 on every instance', async () => {
    for (const instance of instances) expect((await instance.api.get('/commands/never-given')).status).toBe(404);
  });
});
