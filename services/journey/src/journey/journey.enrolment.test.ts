import { describe, expect, it } from 'vitest';
import { Script } from '../../test/builder.js';
import { enrolmentAct, entered, opened, retained } from '../../test/journey-acts.js';

describe('journey — enrolment (§c.3)', () => {
  it('when a trainee enters, is interrupted, resumes, attends and leaves with a report, then he is SORTI', () => {
    const { view } = entered()
      .kairos(
        'InterruptionStarted',
        enrolmentAct('ENR-1', 'EN_INTERRUPTION', "Période d'interruption", {
          interruptionId: 'INT-1',
          start: '2026-05-04',
          plannedEnd: '2026-05-08',
          reason: null,
        }),
      )
      .kairos(
        'InterruptionEnded',
        enrolmentAct('ENR-1', 'ENTRE_EN_FORMATION', 'Entrée effective', { interruptionId: 'INT-1', end: '2026-05-08' }),
      )
      .kairos('AttendancePeriodRecorded', {
        enrolmentId: 'ENR-1',
        from: '2026-05-01',
        to: '2026-05-31',
        presentHours: 120,
        absentHours: 4,
      })
      .kairos(
        'ExitRecorded',
        enrolmentAct('ENR-1', 'SORTI', 'Sorti', { date: '2026-07-10', reason: 'END_OF_TRAINING' }),
      )
      .kairos('EndOfTrainingReportRecorded', {
        enrolmentId: 'ENR-1',
        completion: 'TOTAL',
        completionRate: 1,
        summary: null,
      })
      .journey();
    expect(view.status).toBe('SORTI');
    expect(view.timeline.slice(-6).map((step) => step.status)).toEqual([
      'ENTRE_EN_FORMATION',
      'EN_INTERRUPTION',
      'ENTRE_EN_FORMATION',
      null,
      'SORTI',
      null,
    ]);
    expect(view.anomalies).toEqual([]);
  });

  it.each([
    [
      'E3 absent at entry',
      (s: Script) =>
        s.kairos('AbsenceAtEntryRecorded', enrolmentAct('ENR-1', 'ABSENT_A_L_ENTREE', "Absent à l'entrée")),
      'ABSENT_A_L_ENTREE',
    ],
    [
      'cancelled before entry',
      (s: Script) => s.kairos('EnrolmentCancelled', enrolmentAct('ENR-1', 'ANNULE', 'Annulé', { reason: null })),
      'ANNULE',
    ],
  ])('when %s, then the enrolment ends there', (_name, act, status) => {
    const { view } = act(retained()).journey();
    expect(view.status).toBe(status);
    expect(view.anomalies).toEqual([]);
  });

  it('when a trainee abandons during an interruption, then he is ABANDON and the report may follow', () => {
    const { view } = entered()
      .kairos(
        'InterruptionStarted',
        enrolmentAct('ENR-1', 'EN_INTERRUPTION', "Période d'interruption", {
          interruptionId: 'INT-1',
          start: '2026-05-04',
          plannedEnd: null,
          reason: null,
        }),
      )
      .kairos('AbandonRecorded', enrolmentAct('ENR-1', 'ABANDON', 'Abandon', { date: '2026-05-06', reason: null }))
      .kairos('EndOfTrainingReportRecorded', {
        enrolmentId: 'ENR-1',
        completion: 'PARTIAL',
        completionRate: 0.3,
        summary: null,
      })
      .journey();
    expect(view.status).toBe('ABANDON');
    expect(view.anomalies).toEqual([]);
  });

  it('when the entry is corrected, then the status stays and the step is kept', () => {
    const { view } = entered()
      .kairos('EntryCorrected', {
        enrolmentId: 'ENR-1',
        previousEntryDate: '2026-04-07',
        entryDate: '2026-04-08',
        reason: 'typo',
      })
      .journey();
    expect(view.status).toBe('ENTRE_EN_FORMATION');
    expect(view.timeline.at(-1)).toMatchObject({ record: 'EntryCorrected', status: null, anomaly: null });
  });

  it.each([
    [
      'an entry after a cancellation',
      (s: Script) =>
        s
          .kairos('EnrolmentCancelled', enrolmentAct('ENR-1', 'ANNULE', 'Annulé', { reason: null }))
          .kairos(
            'EntryRecorded',
            enrolmentAct('ENR-1', 'ENTRE_EN_FORMATION', 'Entrée effective', { entryDate: '2026-04-07' }),
          ),
      'ANNULE',
    ],
    [
      'an exit before any entry',
      (s: Script) =>
        s.kairos(
          'ExitRecorded',
          enrolmentAct('ENR-1', 'SORTI', 'Sorti', { date: '2026-07-10', reason: 'END_OF_TRAINING' }),
        ),
      'INSCRIT_EN_FORMATION',
    ],
    [
      'an interruption before entry',
      (s: Script) =>
        s.kairos(
          'InterruptionStarted',
          enrolmentAct('ENR-1', 'EN_INTERRUPTION', "Période d'interruption", {
            interruptionId: 'INT-1',
            start: '2026-05-04',
            plannedEnd: null,
            reason: null,
          }),
        ),
      'INSCRIT_EN_FORMATION',
    ],
    [
      'attendance before entry',
      (s: Script) =>
        s.kairos('AttendancePeriodRecorded', {
          enrolmentId: 'ENR-1',
          from: '2026-05-01',
          to: '2026-05-31',
          presentHours: 1,
          absentHours: 0,
        }),
      'INSCRIT_EN_FORMATION',
    ],
    [
      'a report before the exit',
      (s: Script) =>
        s.kairos('EndOfTrainingReportRecorded', {
          enrolmentId: 'ENR-1',
          completion: 'TOTAL',
          completionRate: null,
          summary: null,
        }),
      'INSCRIT_EN_FORMATION',
    ],
    [
      'an entry correction before any entry',
      (s: Script) =>
        s.kairos('EntryCorrected', {
          enrolmentId: 'ENR-1',
          previousEntryDate: '2026-04-07',
          entryDate: '2026-04-08',
          reason: 'x',
        }),
      'INSCRIT_EN_FORMATION',
    ],
  ])('when %s arrives, then it is flagged impossible and the status does not move', (_name, act, status) => {
    const { view } = act(retained()).journey();
    expect(view.status).toBe(status);
    expect(view.timeline.at(-1)?.anomaly).toBe('IMPOSSIBLE_TRANSITION');
  });

  it('when the end-of-training report comes twice, then the second is flagged', () => {
    const { view } = entered()
      .kairos(
        'ExitRecorded',
        enrolmentAct('ENR-1', 'SORTI', 'Sorti', { date: '2026-07-10', reason: 'END_OF_TRAINING' }),
      )
      .kairos('EndOfTrainingReportRecorded', {
        enrolmentId: 'ENR-1',
        completion: 'TOTAL',
        completionRate: null,
        summary: null,
      })
      .kairos('EndOfTrainingReportRecorded', {
        enrolmentId: 'ENR-1',
        completion: 'TOTAL',
        completionRate: null,
        summary: null,
      })
      .journey();
    expect(view.timeline.map((step) => step.anomaly).filter(Boolean)).toEqual(['IMPOSSIBLE_TRANSITION']);
  });

  it('when the entry date falls outside the session (E2), then the entry is applied and flagged RULE_VIOLATION', () => {
    const { view } = retained()
      .kairos(
        'EntryRecorded',
        enrolmentAct('ENR-1', 'ENTRE_EN_FORMATION', 'Entrée effective', { entryDate: '2026-03-30' }),
      )
      .journey();
    expect(view.status).toBe('ENTRE_EN_FORMATION');
    expect(view.timeline.at(-1)).toMatchObject({ anomaly: 'RULE_VIOLATION' });
    expect(view.timeline.at(-1)?.anomalyDetail).toContain('2026-03-30');
  });

  it('when an enrolment opens from a registration that was not retained (E1), then it is applied and flagged', () => {
    const { view } = new Script()
      .registered('REG-1')
      .kairos('EnrolmentOpened', opened('ENR-1', 'RECRUITMENT_RESULT', 'REG-1'))
      .journey();
    expect(view.status).toBe('INSCRIT_EN_FORMATION');
    expect(view.timeline.at(-1)?.anomaly).toBe('RULE_VIOLATION');
  });

  it('when the OF proposes a DE directly (E1), then the journey starts at the enrolment', () => {
    const { view } = new Script().kairos('EnrolmentOpened', opened('ENR-9', 'DIRECT_PROPOSAL', null)).journey();
    expect([view.status, view.anomalies]).toEqual(['INSCRIT_EN_FORMATION', []]);
  });
});
