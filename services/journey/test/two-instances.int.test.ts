import type { Bus } from '@passerelle/bus';
import type { RunningService } from '@passerelle/runtime';
import { waitForSettledGroups } from '@passerelle/test-kit';
import { topicPrefix } from '@passerelle/test-kit/runnable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VigilanceSweep } from '../src/sweep.js';
import { Api, producerBus, SessionScript, startJourney, TestClock } from './harness.js';

// Two instances of one deployment: the sessions' partitions are split between their folders, and each serves
// every journey from its read model.

const prefix = topicPrefix('journey-pair');
const clock = new TestClock();
const instances: Array<{ service: RunningService; sweep: VigilanceSweep }> = [];
let bus: Bus;

beforeAll(async () => {
  bus = await producerBus(prefix);
  instances.push(await startJourney(prefix, clock), await startJourney(prefix, clock));
});

afterAll(async () => {
  await Promise.all(instances.map(({ service }) => service.stop()));
  await bus?.stop();
});

/** The partition numbers an instance's folder owns (the same on every input topic: co-partitioned). */
const owned = (service: RunningService) =>
  [...new Set(Object.values(service.bus.statuses()[0]?.assignment ?? {}).flat())].sort();

describe('two journey service instances', () => {
  it('when sessions spread over both owners, then each instance serves every journey, vigilance included', async () => {
    // Both folders own partitions and none is still claimed by both: the second one's join is over.
    await waitForSettledGroups(
      instances.map(({ service }) => service.url),
      { description: 'both folders in the group', timeoutMs: 60_000 },
    );
    const scripts = Array.from({ length: 12 }, () => new SessionScript(prefix));
    await bus.publishAtomically(
      scripts.flatMap((script, index) => {
        const de = `30000${String(index).padStart(2, '0')}X`;
        return [
          script.offer('2027-01-11', '2027-06-30'),
          script.trainee('fr.passerelle.kairos.EnrolmentOpened', de, {
            enrolmentId: `ENR-${index}`,
            origin: 'DIRECT_PROPOSAL',
            originId: null,
            status: 'INSCRIT_EN_FORMATION',
            sourceLabel: 'Inscrit en formation',
          }),
        ];
      }),
    );
    const journeyIds = scripts.map((script, index) => script.journeyOf(`30000${String(index).padStart(2, '0')}X`));
    for (const { service } of instances) {
      const api = new Api(service.url);
      for (const journeyId of journeyIds)
        await api.journey(journeyId, (j) => j.status === 'INSCRIT_EN_FORMATION' && j.vigilanceDueAt !== null);
    }

    // Both sweep (duplicate reviews are no-ops); both serve the same flags.
    clock.set('2027-01-20T08:00:00Z');
    await Promise.all(instances.map(({ sweep }) => sweep.sweep()));
    for (const { service } of instances) {
      const api = new Api(service.url);
      for (const journeyId of journeyIds) {
        const served = await api.journey(journeyId, (j) => j.vigilance.length > 0);
        expect(served.vigilance.map((item) => item.code)).toEqual(['ENTRY_NOT_DECLARED']);
        expect(served.anomalies).toEqual([]);
      }
    }
    const [first = [], second = []] = instances.map(({ service }) => owned(service));
    expect(first.filter((partition) => second.includes(partition))).toEqual([]);
    expect([...first, ...second].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
