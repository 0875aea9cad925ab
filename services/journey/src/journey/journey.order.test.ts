import { describe, expect, it } from 'vitest';
import { DE, DELIVERING, JOURNEY, Script, SIRET } from '../../test/builder.js';
import { enrolmentAct, entered, presence, retained } from '../../test/journey-acts.js';

describe('journey — order, duplicates and personal data', () => {
  it('when the same event is delivered twice, then it is one step', () => {
    const script = retained();
    const again = [...script.events, ...script.events.slice(2, 4)];
    expect(script.state(again).journeys.get(JOURNEY)?.view).toEqual(script.journey().view);
  });

  it('when the topics are read one after the other (a rebuild), then the journey is the same as live', () => {
    const script = entered();
    const byTopic = [
      ...script.events.filter((e) => e.record?.includes('.kairos.')),
      ...script.events.filter((e) => e.record?.includes('.offer.')),
      ...script.events.filter((e) => e.record?.includes('.positioning.')),
    ];
    expect(script.state(byTopic).journeys.get(JOURNEY)?.view).toEqual(script.journey().view);
  });

  it('when an answer arrives before its request (another topic), then nothing is flagged', () => {
    const script = retained();
    const [offer, request, ...rest] = script.events;
    const view = script.state([offer, ...rest, request].filter((e) => e !== undefined)).journeys.get(JOURNEY)?.view;
    expect(view?.anomalies).toEqual([]);
    expect(view?.timeline[0]?.record).toBe('PositioningRequested');
  });

  it('when a Kairos event arrives after one that occurred later, then it takes its place and is flagged OUT_OF_ORDER', () => {
    const script = retained();
    const events = [...script.events];
    const presenceAt = events.findIndex((e) => e.record?.endsWith('PresenceRecorded'));
    const [late] = events.splice(presenceAt, 1);
    const view = script.state([...events, late].filter((e) => e !== undefined)).journeys.get(JOURNEY)?.view;
    expect(view?.status).toBe('INSCRIT_EN_FORMATION');
    expect(view?.timeline.map((step) => step.record)).toEqual(script.journey().view.timeline.map((s) => s.record));
    expect(view?.timeline.find((step) => step.record === 'PresenceRecorded')?.anomaly).toBe('OUT_OF_ORDER');
    expect(view?.anomalies).toHaveLength(1);
  });

  it('when events carry the DE identity, then nothing of it is kept in the state', () => {
    const text = JSON.stringify([...retained().state().journeys.values()]);
    for (const value of [DE.deIdentifier, DE.lastName, DE.firstName, DE.email]) expect(text).not.toContain(value);
  });

  it('when the offer names a delivering OF, then the session knows both SIRETs', () => {
    expect(retained().state().session?.sirets).toEqual([SIRET, DELIVERING]);
  });
});

describe('journey — erasure', () => {
  it('when a journey is erased, then it is gone, and its earlier events arriving later are ignored', () => {
    const script = retained();
    const other = new Script('b'.repeat(64)).registered('REG-B');
    script.erased();
    const state = script.state([...script.events, ...other.events]);
    expect(state.journeys.has(JOURNEY)).toBe(false);
    expect(state.journeys.has('b'.repeat(64))).toBe(true);
    // A rebuild that reads the erasure before the events it suppresses gives the same.
    const erasure = script.events.at(-1);
    const rebuilt = script.state([erasure, ...script.events.slice(0, -1)].filter((e) => e !== undefined));
    expect(rebuilt.journeys.has(JOURNEY)).toBe(false);
    expect(rebuilt.erased.has(JOURNEY)).toBe(true);
  });

  it('when the DE comes back after his erasure, then a new journey starts from the new events only', () => {
    const script = retained().erased().requested('REQ-NEW');
    const { view } = script.journey();
    expect(view.timeline.map((step) => step.record)).toEqual(['PositioningRequested']);
    expect(view.status).toBe('POSITIONNE');
  });
});

describe('journey — clocks of the writers', () => {
  it("when a Kairos event carries a time a few seconds before the previous one (another instance's clock), then the source order wins", () => {
    const script = new Script().registered('REG-1');
    script.at -= 61_000 + 5_000; // the next event's clock reads 5 s before the registration's
    script.kairos('PresenceRecorded', presence('REG-1', 'PRESENT'));
    const { view } = script.journey();
    expect(view.status).toBe('PRESENT');
    expect(view.timeline.map((step) => [step.record, step.anomaly])).toEqual([
      ['RegistrationRecorded', null],
      ['PresenceRecorded', null],
    ]);
  });
});

describe('journey — any interleaving of the sources', () => {
  it('when the two sources interleave in any order, then the journey is the same (incremental or folded again)', () => {
    const script = entered()
      .requested('REQ-2')
      .kairos('RegistrationRefused', {
        requestId: 'REQ-2',
        modalityId: null,
        reason: 'ALREADY_REGISTERED',
        message: '…',
      })
      .kairos(
        'ExitRecorded',
        enrolmentAct('ENR-1', 'SORTI', 'Sorti', { date: '2026-07-10', reason: 'END_OF_TRAINING' }),
      );
    const reference = script.journey().view;
    const positioning = script.events.filter((e) => e.record?.includes('.positioning.'));
    const others = script.events.filter((e) => !e.record?.includes('.positioning.'));
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let run = 0; run < 50; run += 1) {
      const queues = [[...positioning], [...others]];
      const merged = [];
      while (queues.some((queue) => queue.length > 0)) {
        const open = queues.filter((queue) => queue.length > 0);
        const queue = open[Math.floor(random() * open.length)];
        const next = queue?.shift();
        if (next) merged.push(next);
      }
      expect(script.state(merged).journeys.get(JOURNEY)?.view).toEqual(reference);
    }
    expect(reference.status).toBe('SORTI');
  });
});
