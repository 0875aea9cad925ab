import { describe, expect, it } from 'vitest';
import { decideDeadlines } from '../../src/domain/deadlines.js';
import { at, records, Scenario, session } from './scenario.js';

/** Runs a time trigger at `instant` on the scenario's state and folds what it records. */
function trigger(scenario: Scenario, instant: string, origin = `deadlines:${instant}`) {
  const events = decideDeadlines(scenario.state, at(instant), origin);
  scenario.apply(events);
  return events;
}

/** A DE waitlisted after the ICO of 10 December (the session starts 2027-01-11). */
function waitlisted(scenario: Scenario, n: number): string {
  const registrationId = scenario.present(n);
  scenario.accept({ type: 'registration.result', registrationId, result: 'RETENU_EN_ATTENTE' });
  return registrationId;
}

describe('time-driven acts (G11 waitlist expiry, G16 exit at the planned end)', () => {
  it('G11: when a fixed-dates session starts, then whoever is still waitlisted is refused, reason SESSION_STARTED', () => {
    const scenario = new Scenario();
    const registrationId = waitlisted(scenario, 1);
    expect(trigger(scenario, '2027-01-10T23:59:00')).toEqual([]);
    const events = trigger(scenario, '2027-01-11T00:00:00');
    expect(records(events)).toEqual(['WaitlistDecisionRecorded']);
    expect(events[0]?.value).toMatchObject({
      registrationId,
      decision: 'REFUSE_APRES_ATTENTE',
      reason: 'SESSION_STARTED',
      status: 'REFUSE_APRES_ATTENTE',
      envelope: { actor: { kind: 'SYSTEM' }, eventId: 'kairos:deadlines:2027-01-11T00:00:00:0' },
    });
    expect(scenario.current.registrations.get(registrationId)?.status).toBe('REFUSE_APRES_ATTENTE');
    expect(trigger(scenario, '2027-01-11T00:00:00')).toEqual([]);
    expect(trigger(scenario, '2027-01-12T08:00:00')).toEqual([]);
  });

  it('G11: when the session has permanent entries, or the DE was waitlisted after the start, then no expiry', () => {
    const permanent = new Scenario({ ...session, action: { ...session.action, entryExitMode: 'PERMANENT' } });
    waitlisted(permanent, 1);
    expect(trigger(permanent, '2027-02-01T10:00:00')).toEqual([]);

    const late = new Scenario();
    const registrationId = late.register(late.ico(5, '2027-01-11'), 2);
    late.now = at('2027-01-11T14:00:00');
    late.accept({ type: 'registration.presence', registrationId, presence: 'PRESENT' });
    late.accept({ type: 'registration.result', registrationId, result: 'RETENU_EN_ATTENTE' });
    expect(trigger(late, '2027-01-12T10:00:00')).toEqual([]);
  });

  it('G11: when the OF decided the waiting list before the start, then the trigger has nothing left', () => {
    const scenario = new Scenario();
    const registrationId = waitlisted(scenario, 1);
    scenario.accept({ type: 'registration.waitlist', registrationId, decision: 'RETENU' });
    expect(records(trigger(scenario, '2027-01-11T08:00:00'))).toEqual([]);
  });

  it('G16: when the planned end is over, then trainees still in training exit on that date, not those who left', () => {
    const scenario = new Scenario();
    const staying = scenario.entered(1);
    const interrupted = scenario.entered(2);
    scenario.accept({
      type: 'enrolment.interruption',
      enrolmentId: interrupted,
      start: '2027-06-01',
      end: '2027-06-30',
      reason: 'Santé',
    });
    const left = scenario.entered(3);
    scenario.now = at('2027-03-01T10:00:00');
    scenario.accept({ type: 'enrolment.exit', enrolmentId: left, date: '2027-02-26', reason: 'EMPLOYMENT' });
    // `at` reads winter time (+01:00): 22:59 is 23:59 in Paris's summer, 23:00 is midnight.
    expect(trigger(scenario, '2027-06-30T22:59:00')).toEqual([]);
    const events = trigger(scenario, '2027-06-30T23:00:00');
    expect(records(events)).toEqual(['ExitRecorded', 'ExitRecorded']);
    expect(events.map((event) => event.value)).toMatchObject([
      { enrolmentId: staying, date: '2027-06-30', reason: 'END_OF_TRAINING', status: 'SORTI' },
      { enrolmentId: interrupted, date: '2027-06-30', reason: 'END_OF_TRAINING', status: 'SORTI' },
    ]);
    expect(scenario.current.enrolments.get(left)?.exit).toEqual({ date: '2027-02-26', reason: 'EMPLOYMENT' });
    expect(trigger(scenario, '2027-07-02T00:00:00')).toEqual([]);
  });
});
