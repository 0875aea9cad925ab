import { describe, expect, it } from 'vitest';
import { trainingPlaces } from '../../src/domain/state.js';
import { at, de, records, Scenario } from './scenario.js';

describe('enrolment — entry, attendance, exit (domain.md §c.3)', () => {
  it('E1: when a candidate is proposed directly, then Inscrit en formation takes a training place', () => {
    const scenario = new Scenario();
    const decision = scenario.accept({ type: 'enrolment.propose', de: de(1) });
    expect(decision.status).toBe(201);
    expect(records(decision)).toEqual(['EnrolmentOpened']);
    expect(decision.events[0]?.value).toMatchObject({ origin: 'DIRECT_PROPOSAL', status: 'INSCRIT_EN_FORMATION' });
    expect(trainingPlaces(scenario.current)).toEqual({ capacity: 3, enrolled: 1 });
    expect(scenario.refuse({ type: 'enrolment.propose', de: de(1) })).toMatchObject({
      status: 409,
      rule: 'ALREADY_ENROLLED',
    });
  });

  it('E1: when the session capacity is reached, then 409 SESSION_FULL', () => {
    const scenario = new Scenario();
    for (const n of [1, 2, 3]) scenario.accept({ type: 'enrolment.propose', de: de(n) });
    expect(scenario.refuse({ type: 'enrolment.propose', de: de(4) })).toMatchObject({
      status: 409,
      rule: 'SESSION_FULL',
    });
  });

  it('E2: when the entry is recorded, then its date is within the session and not in the future; irreversible', () => {
    const scenario = new Scenario();
    const enrolmentId = scenario.accept({ type: 'enrolment.propose', de: de(1) }).result.enrolmentId as string;
    scenario.now = at('2027-01-20T10:00:00');
    expect(scenario.refuse({ type: 'enrolment.entry', enrolmentId, entryDate: '2027-01-05' })).toMatchObject({
      status: 422,
      rule: 'DATE_OUTSIDE_SESSION',
      field: 'entryDate',
    });
    expect(scenario.refuse({ type: 'enrolment.entry', enrolmentId, entryDate: '2027-01-25' })).toMatchObject({
      status: 422,
      rule: 'DATE_IN_FUTURE',
    });
    const entry = scenario.accept({ type: 'enrolment.entry', enrolmentId, entryDate: '2027-01-12' });
    expect(records(entry)).toEqual(['EntryRecorded']);
    expect(scenario.refuse({ type: 'enrolment.entry', enrolmentId, entryDate: '2027-01-13' })).toMatchObject({
      status: 409,
      rule: 'INVALID_TRANSITION',
    });
    expect(scenario.refuse({ type: 'enrolment.cancel', enrolmentId })).toMatchObject({ rule: 'INVALID_TRANSITION' });
  });

  it('G14: when the entry is corrected explicitly, then EntryCorrected carries the previous date', () => {
    const scenario = new Scenario();
    const enrolmentId = scenario.entered(1);
    expect(
      scenario.refuse({
        type: 'enrolment.correct-entry',
        enrolmentId: scenario.accept({ type: 'enrolment.propose', de: de(2) }).result.enrolmentId as string,
        entryDate: '2027-01-12',
        reason: 'x',
      }),
    ).toMatchObject({ rule: 'INVALID_TRANSITION' });
    const corrected = scenario.accept({
      type: 'enrolment.correct-entry',
      enrolmentId,
      entryDate: '2027-01-13',
      reason: 'Saisie erronée',
    });
    expect(corrected.events[0]?.value).toMatchObject({ previousEntryDate: '2027-01-11', entryDate: '2027-01-13' });
    expect(scenario.current.enrolments.get(enrolmentId)?.entryDate).toBe('2027-01-13');
  });

  it('E3: when the DE did not show up, then absence at entry once the session started; the place is freed', () => {
    const scenario = new Scenario();
    const enrolmentId = scenario.accept({ type: 'enrolment.propose', de: de(1) }).result.enrolmentId as string;
    expect(scenario.refuse({ type: 'enrolment.absence-at-entry', enrolmentId })).toMatchObject({
      status: 409,
      rule: 'SESSION_NOT_STARTED',
    });
    scenario.now = at('2027-01-11T10:00:00');
    expect(records(scenario.accept({ type: 'enrolment.absence-at-entry', enrolmentId }))).toEqual([
      'AbsenceAtEntryRecorded',
    ]);
    expect(trainingPlaces(scenario.current).enrolled).toBe(0);
  });

  it('E4: when interruptions are recorded, then inside the session, after entry, never overlapping; ended explicitly', () => {
    const scenario = new Scenario();
    const enrolmentId = scenario.entered(1);
    const started = scenario.accept({
      type: 'enrolment.interruption',
      enrolmentId,
      start: '2027-02-01',
      end: '2027-02-10',
    });
    expect(records(started)).toEqual(['InterruptionStarted']);
    expect(scenario.current.enrolments.get(enrolmentId)?.status).toBe('EN_INTERRUPTION');
    expect(
      scenario.refuse({ type: 'enrolment.interruption', enrolmentId, start: '2027-02-10', end: '2027-02-12' }),
    ).toMatchObject({ status: 409, rule: 'INTERRUPTION_OVERLAP' });
    expect(
      scenario.refuse({ type: 'enrolment.interruption', enrolmentId, start: '2027-06-20', end: '2027-07-10' }),
    ).toMatchObject({ status: 422, rule: 'DATE_OUTSIDE_SESSION', field: 'end' });
    expect(
      scenario.refuse({ type: 'enrolment.interruption', enrolmentId, start: '2027-01-05', end: '2027-01-06' }),
    ).toMatchObject({ status: 422, rule: 'DATE_BEFORE_ENTRY' });
    expect(
      scenario.refuse({ type: 'enrolment.interruption', enrolmentId, start: '2027-03-10', end: '2027-03-01' }),
    ).toMatchObject({ status: 422, rule: 'INVALID_PERIOD' });
    const interruptionId = started.result.interruptionId as string;
    expect(
      records(scenario.accept({ type: 'enrolment.end-interruption', enrolmentId, interruptionId, end: '2027-02-10' })),
    ).toEqual(['InterruptionEnded']);
    expect(scenario.current.enrolments.get(enrolmentId)?.status).toBe('ENTRE_EN_FORMATION');
    expect(
      scenario.refuse({ type: 'enrolment.end-interruption', enrolmentId, interruptionId, end: '2027-02-11' }),
    ).toMatchObject({
      rule: 'INVALID_TRANSITION',
    });
    expect(
      records(scenario.accept({ type: 'enrolment.interruption', enrolmentId, start: '2027-03-01', end: '2027-03-05' })),
    ).toEqual(['InterruptionStarted']);
  });

  it('when attendance is recorded, then periods of an entered trainee, after entry and not in the future', () => {
    const scenario = new Scenario();
    const enrolmentId = scenario.entered(1);
    const attendance = { type: 'enrolment.attendance', enrolmentId, presentHours: 35, absentHours: 0 } as const;
    expect(records(scenario.accept({ ...attendance, from: '2027-01-11', to: '2027-01-15' }))).toEqual([
      'AttendancePeriodRecorded',
    ]);
    expect(scenario.refuse({ ...attendance, from: '2027-01-25', to: '2027-02-05' })).toMatchObject({
      rule: 'DATE_IN_FUTURE',
    });
    const notEntered = scenario.accept({ type: 'enrolment.propose', de: de(2) }).result.enrolmentId as string;
    expect(
      scenario.refuse({ ...attendance, enrolmentId: notEntered, from: '2027-01-11', to: '2027-01-15' }),
    ).toMatchObject({
      rule: 'INVALID_TRANSITION',
    });
  });

  it('E5: when the trainee abandons, then Abandon; the end-of-training report follows once', () => {
    const scenario = new Scenario();
    const enrolmentId = scenario.entered(1);
    expect(
      records(scenario.accept({ type: 'enrolment.abandon', enrolmentId, date: '2027-01-25', reason: 'Emploi' })),
    ).toEqual(['AbandonRecorded']);
    expect(
      scenario.refuse({ type: 'enrolment.exit', enrolmentId, date: '2027-01-26', reason: 'EMPLOYMENT' }),
    ).toMatchObject({
      rule: 'INVALID_TRANSITION',
    });
    expect(
      records(scenario.accept({ type: 'enrolment.report', enrolmentId, completion: 'PARTIAL', completionRate: 0.1 })),
    ).toEqual(['EndOfTrainingReportRecorded']);
    expect(scenario.refuse({ type: 'enrolment.report', enrolmentId, completion: 'PARTIAL' })).toMatchObject({
      status: 409,
      rule: 'REPORT_ALREADY_RECORDED',
    });
  });

  it('E6: when the trainee exits, then the date is after entry and not after the session end; the report needs an exit', () => {
    const scenario = new Scenario();
    const enrolmentId = scenario.entered(1);
    expect(scenario.refuse({ type: 'enrolment.report', enrolmentId, completion: 'TOTAL' })).toMatchObject({
      rule: 'INVALID_TRANSITION',
    });
    scenario.now = at('2027-07-10T10:00:00');
    expect(
      scenario.refuse({ type: 'enrolment.exit', enrolmentId, date: '2027-07-05', reason: 'END_OF_TRAINING' }),
    ).toMatchObject({
      status: 422,
      rule: 'DATE_OUTSIDE_SESSION',
    });
    expect(
      scenario.refuse({ type: 'enrolment.exit', enrolmentId, date: '2027-01-10', reason: 'END_OF_TRAINING' }),
    ).toMatchObject({
      status: 422,
      rule: 'DATE_BEFORE_ENTRY',
    });
    const exit = scenario.accept({
      type: 'enrolment.exit',
      enrolmentId,
      date: '2027-06-30',
      reason: 'END_OF_TRAINING',
    });
    expect(records(exit)).toEqual(['ExitRecorded']);
    expect(scenario.current.enrolments.get(enrolmentId)?.exit).toEqual({
      date: '2027-06-30',
      reason: 'END_OF_TRAINING',
    });
    expect(records(scenario.accept({ type: 'enrolment.report', enrolmentId, completion: 'TOTAL' }))).toEqual([
      'EndOfTrainingReportRecorded',
    ]);
  });

  it('when an enrolment is cancelled before entry, then Annulé frees the training place', () => {
    const scenario = new Scenario();
    const enrolmentId = scenario.accept({ type: 'enrolment.propose', de: de(1) }).result.enrolmentId as string;
    expect(records(scenario.accept({ type: 'enrolment.cancel', enrolmentId }))).toEqual(['EnrolmentCancelled']);
    expect(trainingPlaces(scenario.current).enrolled).toBe(0);
    expect(
      scenario.refuse({ type: 'enrolment.entry', enrolmentId: 'ENR-none', entryDate: '2027-01-11' }),
    ).toMatchObject({
      status: 404,
      rule: 'UNKNOWN_ENROLMENT',
    });
  });

  it('when the session has ended, then nobody is proposed any more', () => {
    const scenario = new Scenario();
    scenario.now = at('2027-07-01T10:00:00');
    expect(scenario.refuse({ type: 'enrolment.propose', de: de(1) })).toMatchObject({
      status: 409,
      rule: 'SESSION_ENDED',
    });
  });
});
