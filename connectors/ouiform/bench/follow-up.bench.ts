/**
 * The prescribers' read model under a region's volume: how fast it is rebuilt from Kafka (events folded per
 * second, memory held), and how fast a feed page is served, against a linear scan of the organisation's steps
 * measured in the same run.
 *
 *   npm run -w connectors/ouiform bench -- [--prescriptions 50000] [--foreign 400000] [--organisations 200]
 */
import { parseArgs } from 'node:util';
import type { ConsumedEvent } from '@passerelle/bus';
import { START_OF_FEED } from '../src/follow-up/feed-cursor.js';
import { FollowUpStore } from '../src/follow-up/follow-up-store.js';
import { REQUEST_PREFIX } from '../src/prescriptions/prescription-request.js';

const { values } = parseArgs({
  options: {
    prescriptions: { type: 'string', default: '50000' },
    foreign: { type: 'string', default: '400000' },
    organisations: { type: 'string', default: '200' },
  },
});
const PRESCRIPTIONS = Number(values.prescriptions);
const FOREIGN = Number(values.foreign);
const ORGANISATIONS = Number(values.organisations);
const PARTITIONS = 6;
const STEPS = ['PresenceRecorded', 'RecruitmentResultRecorded', 'EnrolmentOpened', 'EntryRecorded', 'ExitRecorded'];

const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

let clock = Date.parse('2026-01-05T08:00:00Z');
const envelope = (eventId: string) => {
  clock += 1000;
  return { eventId, occurredAt: new Date(clock), recordedAt: new Date(clock) };
};
const consumed = (topic: string, partition: number, offset: number, record: string, value: object): ConsumedEvent => ({
  topic,
  partition,
  offset: String(offset),
  key: 'k',
  record,
  value,
  headers: {},
  timestamp: '0',
});

function request(index: number): ConsumedEvent {
  const requestId = `${REQUEST_PREFIX}${index}`;
  return consumed('positioning', index % PARTITIONS, index, 'fr.passerelle.positioning.PositioningRequested', {
    envelope: envelope(`ouiform:${requestId}`),
    requestId,
    journeyId: `journey-${index}`,
    target: { sessionKey: 'a|b|c', modalityKind: 'ICO', modalityId: 'ICO-1' },
    prescription: {
      prescriptionId: `P-${index}`,
      network: 'MISSION_LOCALE',
      organisation: `ORG-${index % ORGANISATIONS}`,
      advisorId: null,
    },
  });
}

/**
 * Kafka order, made on the fly (as a follower sees it, without holding the topics in memory): Kairos's answer to
 * each prescription and the OF's acts, interleaved with the events of DEs no Ouiform prescriber follows
 * (self-registrations, the OF's own), partition by partition.
 */
function* kairosEvents(): Generator<ConsumedEvent> {
  const foreignPerPartition = Math.ceil(FOREIGN / PARTITIONS);
  for (let partition = 0; partition < PARTITIONS; partition += 1) {
    let offset = 0;
    let foreign = 0;
    for (let index = partition; index < PRESCRIPTIONS; index += PARTITIONS) {
      const journeyId = `journey-${index}`;
      yield consumed('kairos', partition, offset++, 'fr.passerelle.kairos.RegistrationRecorded', {
        envelope: envelope(`k:${index}:0`),
        journeyId,
        requestId: `${REQUEST_PREFIX}${index}`,
        registrationId: `REG-${index}`,
        modalityId: 'ICO-1',
        modalityKind: 'ICO',
        status: 'INSCRIT',
        sourceLabel: 'Inscrit',
      });
      for (const [step, record] of STEPS.slice(0, 1 + (index % STEPS.length)).entries()) {
        yield consumed('kairos', partition, offset++, `fr.passerelle.kairos.${record}`, {
          envelope: envelope(`k:${index}:${step + 1}`),
          journeyId,
          enrolmentId: 'E',
          registrationId: 'R',
          status: 'PRESENT',
          sourceLabel: 'x',
        });
      }
      // Other DEs' events between the prescribed ones.
      const share = Math.floor((foreignPerPartition * (index + PARTITIONS)) / PRESCRIPTIONS);
      while (foreign < share) {
        yield consumed('kairos', partition, offset++, `fr.passerelle.kairos.${STEPS[foreign % STEPS.length]}`, {
          envelope: envelope(`f:${partition}:${foreign}`),
          journeyId: `foreign-${partition}-${foreign % 20_000}`,
          status: 'PRESENT',
          sourceLabel: 'x',
        });
        foreign += 1;
      }
    }
  }
}

// Rebuild as the followers do it: the prescriptions (the smaller topic, caught up first) but one in ten, then
// Kairos's events, then the tenth whose answers were read first — they were parked meanwhile. The baseline only
// makes the same events, so the difference is the fold's own cost.
const isLate = (index: number) => index % 10 === 0;
const generationStarted = performance.now();
let kairosCount = 0;
for (let index = 0; index < PRESCRIPTIONS; index += 1) request(index);
for (const _event of kairosEvents()) kairosCount += 1;
const generationMs = performance.now() - generationStarted;

const before = heapMb();
const store = new FollowUpStore({ requestPrefix: REQUEST_PREFIX });
const started = performance.now();
for (let index = 0; index < PRESCRIPTIONS; index += 1) if (!isLate(index)) store.applyPositioning(request(index));
const lastOffsets = new Map<number, number>();
for (const event of kairosEvents()) {
  store.applyKairos(event);
  lastOffsets.set(event.partition, Number(event.offset));
}
for (let index = 0; index < PRESCRIPTIONS; index += 1) if (isLate(index)) store.applyPositioning(request(index));
const rebuildMs = performance.now() - started;
const held = heapMb() - before;
const settled = [...lastOffsets].every(([partition, offset]) => store.settledThrough(partition) === BigInt(offset));
const kairosEventsCount = kairosCount;

// Feed pages: a page from the middle of one organisation's feed, against a linear filter of all its steps after a
// timestamp (what a naive feed would do).
const owner = 'MISSION_LOCALE:ORG-7';
const whole = store.feed(owner, START_OF_FEED, 1_000_000).items;
const middle = store.feed(owner, START_OF_FEED, Math.floor(whole.length / 2)).cursor;
const time = (run: () => unknown, rounds = 2000) => {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(rounds * 0.5)] as number, p99: samples[Math.floor(rounds * 0.99)] as number };
};
const page = time(() => store.feed(owner, middle, 100));
// The naive feed: every step of the organisation in one list, filtered after a timestamp cursor at each request.
const since = whole[Math.floor(whole.length / 2) - 1]?.recordedAt.getTime() ?? 0;
const linear = time(() => whole.filter((item) => item.recordedAt.getTime() > since).slice(0, 100));

const fmt = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
const events = kairosEventsCount + PRESCRIPTIONS;
const rate = (ms: number) => Math.round(events / (ms / 1000)).toLocaleString('en');
console.log(
  `follow-up read model — ${PRESCRIPTIONS} prescriptions of ${ORGANISATIONS} organisations, ${kairosEventsCount} Kairos events (${FOREIGN} about other DEs), ${PARTITIONS} partitions, 10% of answers read before their request`,
);
console.log(
  `rebuild: ${rebuildMs.toFixed(0)} ms (${rate(rebuildMs)} events/s); making the same events alone ${generationMs.toFixed(0)} ms (${rate(generationMs)} events/s): the fold costs ${(((rebuildMs - generationMs) * 1000) / events).toFixed(2)} µs per event`,
);
console.log(
  `heap held: ${held.toFixed(0)} MB (${((held * 2 ** 20) / PRESCRIPTIONS).toFixed(0)} B per prescription with its steps)${gc ? '' : ' [run with --expose-gc for a settled heap]'}; every partition settled: ${settled}`,
);
console.log(
  `feed page of 100 (organisation with ${whole.length} steps): p50 ${fmt(page.p50)}, p99 ${fmt(page.p99)}; a linear filter of its steps p50 ${fmt(linear.p50)}, p99 ${fmt(linear.p99)}; ratio p50 ${(linear.p50 / page.p50).toFixed(1)}x`,
);
