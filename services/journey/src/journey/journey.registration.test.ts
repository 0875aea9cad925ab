import { describe, expect, it } from 'vitest';
import { OF, Script, SIRET } from '../../test/builder.js';
import { opened, presence, result, retained } from '../../test/journey-acts.js';

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
