import { describe, expect, it } from 'vitest';
import {
  candidate,
  candidatureResult,
  contact,
  interview,
  interviewPresence,
  opened,
} from '../../test/journey-acts.js';

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
