import { describe, expect, it } from 'vitest';
import { DE, DELIVERING, JOURNEY, OF, Script, SIRET } from '../../test/builder.js';

const presence = (registrationId: string, value: 'PRESENT' | 'ABSENT') => ({
  registrationId,
  presence: value,
  status: value,
  sourceLabel: value === 'PRESENT' ? 'Présent' : 'Absent',
});
const result = (registrationId: string, value: 'RETENU' | 'RETENU_EN_ATTENTE' | 'NON_RETENU', label: string) => ({
  registrationId,
  result: value,
  refusalReason: null,
  comment: null,
  status: value,
  sourceLabel: label,
});
const opened = (enrolmentId: string, origin: string, originId: string | null) => ({
  enrolmentId,
  origin,
  originId,
  de: origin === 'DIRECT_PROPOSAL' ? DE : null,
  status: 'INSCRIT_EN_FORMATION',
  sourceLabel: 'Inscrit en formation',
});
const enrolmentAct = (enrolmentId: string, status: string, label: string, extra: Record<string, unknown> = {}) => ({
  enrolmentId,
  status,
  sourceLabel: label,
  ...extra,
});

/** Request → ICO registration → present → retained → enrolled: the usual way into training. */
const retained = () =>
  new Script()
    .offer('2026-04-06', '2026-07-10')
    .requested('REQ-1')
    .registered('REG-1', 'REQ-1')
    .kairos('PresenceRecorded', presence('REG-1', 'PRESENT'))
    .kairos('RecruitmentResultRecorded', result('REG-1', 'RETENU', 'Retenu'))
    .kairos('EnrolmentOpened', opened('ENR-1', 'RECRUITMENT_RESULT', 'REG-1'));

const entered = () =>
  retained()
    .on('2026-04-07T08:00:00Z')
    .kairos(
      'EntryRecorded',
      enrolmentAct('ENR-1', 'ENTRE_EN_FORMATION', 'Entrée effective', { entryDate: '2026-04-07' }),
    );

const candidate = () =>
  new Script().offer('2026-04-06', '2026-07-10').requested('REQ-C', 'WIN-1').kairos('CandidatureReceived', {
    candidatureId: 'CAND-1',
    windowId: 'WIN-1',
    requestId: 'REQ-C',
    de: DE,
    status: 'CANDIDATURE_RECUE',
    sourceLabel: 'À contacter',
  });
const contact = (outcome: string, label: string) => ({
  candidatureId: 'CAND-1',
  outcome,
  status: outcome,
  sourceLabel: label,
});
const interview = { candidatureId: 'CAND-1', date: '2026-03-20', time: '10:00', modality: 'PHONE' };
const interviewPresence = (value: 'PRESENT' | 'ABSENT') => ({
  candidatureId: 'CAND-1',
  presence: value,
  status: value === 'PRESENT' ? 'PRESENT_ENTRETIEN' : 'ABSENT_ENTRETIEN',
  sourceLabel: value === 'PRESENT' ? "Présent à l'entretien" : "Absent à l'entretien",
});
const candidatureResult = (value: 'RETENU' | 'NON_RETENU') => ({
  candidatureId: 'CAND-1',
  result: value,
  refusalReason: null,
  comment: null,
  status: value,
  sourceLabel: value === 'RETENU' ? 'Retenu' : 'Non retenu',
});

describe('journey — registrations (§c.1)', () => {
  it('when a DE goes from a request to the training, then the status, labels, timeline and links follow', () => {
    const { view } = retained().journey();
    expect(view.status).toBe('INSCRIT_EN_FORMATION');
    expect(view.sourceLabel).toBe('Inscrit en formation');
    expect(view.timeline.map((step) => [step.record, step.status])).toEqual([
      ['PositioningRequested', 'POSITIONNE'],
      ['RegistrationRecorded', 'INSCRIT'],
      ['PresenceRecorded', 'PRESENT'],
      ['RecruitmentResultRecorded', 'RETENU'],
      ['EnrolmentOpened', 'INSCRIT_EN_FORMATION'],
    ]);
    expect(view.timeline.every((step) => step.anomaly === null)).toBe(true);
    expect(view.timeline[1]?.actor).toEqual(OF);
    expect(view.parts.map((part) => [part.kind, part.id, part.from, part.status])).toEqual([
      ['POSITIONING', 'REQ-1', null, 'POSITIONNE'],
      ['REGISTRATION', 'REG-1', 'REQ-1', 'RETENU'],
      ['ENROLMENT', 'ENR-1', 'REG-1', 'INSCRIT_EN_FORMATION'],
    ]);
    expect([view.registrationId, view.enrolmentId, view.candidatureId]).toEqual(['REG-1', 'ENR-1', null]);
    expect(view.eventSirets).toEqual([SIRET]);
    expect(view.anomalies).toEqual([]);
  });

  it.each([
    [
      'R2 cancel',
      (s: Script) =>
        s.kairos('RegistrationCancelled', {
          registrationId: 'REG-1',
          modalityId: 'ICO-1',
          reason: null,
          status: 'RDV_ANNULE',
          sourceLabel: 'RDV annulé',
        }),
      'RDV_ANNULE',
      'RDV annulé',
    ],
    ['R4 absent', (s: Script) => s.kairos('PresenceRecorded', presence('REG-1', 'ABSENT')), 'ABSENT', 'Absent'],
    ['R4 present', (s: Script) => s.kairos('PresenceRecorded', presence('REG-1', 'PRESENT')), 'PRESENT', 'Présent'],
    [
      'R6 waitlisted',
      (s: Script) =>
        s
          .kairos('PresenceRecorded', presence('REG-1', 'PRESENT'))
          .kairos('RecruitmentResultRecorded', result('REG-1', 'RETENU_EN_ATTENTE', 'Retenu mis en attente')),
      'RETENU_EN_ATTENTE',
      'Retenu mis en attente',
    ],
    [
      'R7 not retained',
      (s: Script) =>
        s
          .kairos('PresenceRecorded', presence('REG-1', 'PRESENT'))
          .kairos('RecruitmentResultRecorded', result('REG-1', 'NON_RETENU', 'Non retenu')),
      'NON_RETENU',
      'Non retenu',
    ],
    [
      'R8 retained from the waitlist',
      (s: Script) =>
        s
          .kairos('PresenceRecorded', presence('REG-1', 'PRESENT'))
          .kairos('RecruitmentResultRecorded', result('REG-1', 'RETENU_EN_ATTENTE', 'Retenu mis en attente'))
          .kairos('WaitlistDecisionRecorded', {
            registrationId: 'REG-1',
            decision: 'RETENU',
            reason: null,
            status: 'RETENU',
            sourceLabel: 'Retenu',
          })
          .kairos('EnrolmentOpened', opened('ENR-1', 'WAITLIST', 'REG-1')),
      'INSCRIT_EN_FORMATION',
      'Inscrit en formation',
    ],
    [
      'R9 refused after waiting',
      (s: Script) =>
        s
          .kairos('PresenceRecorded', presence('REG-1', 'PRESENT'))
          .kairos('RecruitmentResultRecorded', result('REG-1', 'RETENU_EN_ATTENTE', 'Retenu mis en attente'))
          .kairos('WaitlistDecisionRecorded', {
            registrationId: 'REG-1',
            decision: 'REFUSE_APRES_ATTENTE',
            reason: null,
            status: 'REFUSE_APRES_ATTENTE',
            sourceLabel: 'Refusé après attente',
          }),
      'REFUSE_APRES_ATTENTE',
      'Refusé après attente',
    ],
  ])('when %s, then the journey ends there without anomaly', (_name, act, status, label) => {
    const { view } = act(new Script().registered('REG-1')).journey();
    expect([view.status, view.sourceLabel]).toEqual([status, label]);
    expect(view.anomalies).toEqual([]);
  });

  it('when a registration is transferred (R3), then the new registration leads and links to the old one', () => {
    const { view } = new Script()
      .registered('REG-1')
      .kairos('RegistrationTransferred', {
        registrationId: 'REG-1',
        fromModalityId: 'ICO-1',
        toModalityId: 'ICO-2',
        newRegistrationId: 'REG-2',
        status: 'TRANSFERE',
        sourceLabel: 'Transféré',
      })
      .registered('REG-2', null, 'ICO-2')
      .journey();
    expect(view.status).toBe('INSCRIT');
    expect(view.parts.map((part) => [part.id, part.status, part.from, part.modalityId])).toEqual([
      ['REG-1', 'TRANSFERE', null, 'ICO-1'],
      ['REG-2', 'INSCRIT', 'REG-1', 'ICO-2'],
    ]);
    expect(view.anomalies).toEqual([]);
  });

  it.each([
    [
      'a presence on a cancelled registration',
      (s: Script) =>
        s
          .kairos('RegistrationCancelled', {
            registrationId: 'REG-1',
            modalityId: 'ICO-1',
            reason: null,
            status: 'RDV_ANNULE',
            sourceLabel: 'RDV annulé',
          })
          .kairos('PresenceRecorded', presence('REG-1', 'PRESENT')),
      'RDV_ANNULE',
    ],
    [
      'a result before any presence',
      (s: Script) => s.kairos('RecruitmentResultRecorded', result('REG-1', 'RETENU', 'Retenu')),
      'INSCRIT',
    ],
    [
      'a result for an absent DE (G8)',
      (s: Script) =>
        s
          .kairos('PresenceRecorded', presence('REG-1', 'ABSENT'))
          .kairos('RecruitmentResultRecorded', result('REG-1', 'RETENU', 'Retenu')),
      'ABSENT',
    ],
    [
      'a waitlist decision on a retained DE',
      (s: Script) =>
        s
          .kairos('PresenceRecorded', presence('REG-1', 'PRESENT'))
          .kairos('RecruitmentResultRecorded', result('REG-1', 'NON_RETENU', 'Non retenu'))
          .kairos('WaitlistDecisionRecorded', {
            registrationId: 'REG-1',
            decision: 'RETENU',
            reason: null,
            status: 'RETENU',
            sourceLabel: 'Retenu',
          }),
      'NON_RETENU',
    ],
    [
      'a transfer after presence',
      (s: Script) =>
        s.kairos('PresenceRecorded', presence('REG-1', 'PRESENT')).kairos('RegistrationTransferred', {
          registrationId: 'REG-1',
          fromModalityId: 'ICO-1',
          toModalityId: 'ICO-2',
          newRegistrationId: 'REG-2',
          status: 'TRANSFERE',
          sourceLabel: 'Transféré',
        }),
      'PRESENT',
    ],
    [
      'a second presence',
      (s: Script) =>
        s
          .kairos('PresenceRecorded', presence('REG-1', 'PRESENT'))
          .kairos('PresenceRecorded', presence('REG-1', 'ABSENT')),
      'PRESENT',
    ],
    ['the same registration recorded twice', (s: Script) => s.registered('REG-1'), 'INSCRIT'],
  ])('when %s arrives, then it is kept, flagged impossible, and the status does not move', (_name, act, status) => {
    const { view } = act(new Script().registered('REG-1')).journey();
    expect(view.status).toBe(status);
    const last = view.timeline.at(-1);
    expect(last?.anomaly).toBe('IMPOSSIBLE_TRANSITION');
    expect(view.anomalies).toHaveLength(1);
    expect(view.anomalies[0]).toContain(last?.eventId);
  });

  it('when an event names a registration the journey never saw, then it is kept and flagged UNKNOWN_SUBJECT', () => {
    const { view } = new Script().kairos('PresenceRecorded', presence('REG-404', 'PRESENT')).journey();
    expect(view.status).toBe('UNKNOWN');
    expect(view.timeline).toHaveLength(1);
    expect(view.timeline[0]?.anomaly).toBe('UNKNOWN_SUBJECT');
  });
});

describe('journey — candidatures (§c.2)', () => {
  it('when a candidature goes through contact, interview, presence and result, then it leads to the enrolment', () => {
    const { view } = candidate()
      .kairos('CandidateContactRecorded', contact('CONTACTE', 'Contacté'))
      .kairos('InterviewScheduled', interview)
      .kairos('InterviewPresenceRecorded', interviewPresence('PRESENT'))
      .kairos('CandidatureResultRecorded', candidatureResult('RETENU'))
      .kairos('EnrolmentOpened', opened('ENR-1', 'CANDIDATURE', 'CAND-1'))
      .journey();
    expect(view.timeline.map((step) => step.status)).toEqual([
      'POSITIONNE',
      'CANDIDATURE_RECUE',
      'CONTACTE',
      null,
      'PRESENT_ENTRETIEN',
      'RETENU',
      'INSCRIT_EN_FORMATION',
    ]);
    expect(view.status).toBe('INSCRIT_EN_FORMATION');
    expect(view.parts.find((part) => part.kind === 'ENROLMENT')?.from).toBe('CAND-1');
    expect(view.anomalies).toEqual([]);
  });

  it.each([
    ['unreachable', [contact('INJOIGNABLE', 'Injoignable')], 'INJOIGNABLE'],
    ['declined (G12)', [contact('REFUS_CANDIDAT', 'Refus')], 'REFUS_CANDIDAT'],
    [
      'unreachable then contacted (G13)',
      [contact('INJOIGNABLE', 'Injoignable'), contact('CONTACTE', 'Contacté')],
      'CONTACTE',
    ],
  ])('when the contact follow-up is %s, then the candidature follows', (_name, contacts, status) => {
    const script = candidate();
    for (const body of contacts) script.kairos('CandidateContactRecorded', body);
    const { view } = script.journey();
    expect(view.status).toBe(status);
    expect(view.anomalies).toEqual([]);
  });

  it('when the candidate is absent at the interview or not retained, then the candidature ends there', () => {
    const absent = candidate()
      .kairos('CandidateContactRecorded', contact('CONTACTE', 'Contacté'))
      .kairos('InterviewScheduled', interview)
      .kairos('InterviewPresenceRecorded', interviewPresence('ABSENT'))
      .journey().view;
    expect(absent.status).toBe('ABSENT_ENTRETIEN');
    const refused = candidate()
      .kairos('CandidateContactRecorded', contact('CONTACTE', 'Contacté'))
      .kairos('InterviewScheduled', interview)
      .kairos('InterviewPresenceRecorded', interviewPresence('PRESENT'))
      .kairos('CandidatureResultRecorded', candidatureResult('NON_RETENU'))
      .journey().view;
    expect(refused.status).toBe('NON_RETENU');
    expect([...absent.anomalies, ...refused.anomalies]).toEqual([]);
  });

  it('when the positioning is withdrawn, then the withdrawn candidature is sans suite with its own label', () => {
    const { view } = candidate()
      .withdrawn('REQ-C')
      .kairos('CandidatureWithdrawn', {
        candidatureId: 'CAND-1',
        windowId: 'WIN-1',
        requestId: 'REQ-C',
        reason: null,
        status: 'SANS_SUITE',
        sourceLabel: 'Candidature retirée',
      })
      .journey();
    expect([view.status, view.sourceLabel]).toEqual(['SANS_SUITE', 'Candidature retirée']);
    expect(view.parts[0]?.status).toBe('RETIRE');
  });

  it.each([
    [
      'a result before the interview',
      [['CandidatureResultRecorded', candidatureResult('RETENU')]],
      'IMPOSSIBLE_TRANSITION',
    ],
    ['an interview fixed before any contact', [['InterviewScheduled', interview]], 'IMPOSSIBLE_TRANSITION'],
    [
      'a contact after the refusal',
      [
        ['CandidateContactRecorded', contact('REFUS_CANDIDAT', 'Refus')],
        ['CandidateContactRecorded', contact('CONTACTE', 'Contacté')],
      ],
      'IMPOSSIBLE_TRANSITION',
    ],
    [
      'a presence at an interview never fixed',
      [
        ['CandidateContactRecorded', contact('CONTACTE', 'Contacté')],
        ['InterviewPresenceRecorded', interviewPresence('PRESENT')],
      ],
      'RULE_VIOLATION',
    ],
  ] as const)('when %s, then it is flagged %s', (_name, events, code) => {
    const script = candidate();
    for (const [record, body] of events) script.kairos(record, body);
    expect(script.journey().view.timeline.at(-1)?.anomaly).toBe(code);
  });
});

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

describe('journey — positioning requests', () => {
  it('when a request waits, is refused or is withdrawn, then the journey says so', () => {
    expect(new Script().requested('REQ-1').journey().view.status).toBe('POSITIONNE');
    const refused = new Script().requested('REQ-1').kairos('RegistrationRefused', {
      requestId: 'REQ-1',
      modalityId: 'ICO-1',
      reason: 'NO_PLACE',
      message: 'Plus de place',
    });
    expect([refused.journey().view.status, refused.journey().view.sourceLabel]).toEqual(['REFUSE', 'Demande refusée']);
    expect(new Script().requested('REQ-1').withdrawn('REQ-1').journey().view.status).toBe('RETIRE');
  });

  it('when a second request is refused while the DE is registered, then he stays registered', () => {
    const { view } = new Script()
      .requested('REQ-1')
      .registered('REG-1', 'REQ-1')
      .requested('REQ-2')
      .kairos('RegistrationRefused', {
        requestId: 'REQ-2',
        modalityId: null,
        reason: 'ALREADY_REGISTERED',
        message: '…',
      })
      .journey();
    expect(view.status).toBe('INSCRIT');
  });

  it('when a new request follows a journey that ended, then the new request leads', () => {
    const { view } = new Script()
      .registered('REG-1')
      .kairos('PresenceRecorded', presence('REG-1', 'ABSENT'))
      .requested('REQ-2')
      .journey();
    expect(view.status).toBe('POSITIONNE');
  });

  it('when a withdrawal names an unknown request, then it is kept and flagged', () => {
    const { view } = new Script().withdrawn('REQ-404').journey();
    expect(view.timeline[0]?.anomaly).toBe('UNKNOWN_SUBJECT');
  });
});

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
