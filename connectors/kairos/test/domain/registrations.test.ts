import { describe, expect, it } from 'vitest';
import { at, session as baseSession, de, records, Scenario } from './scenario.js';

describe('registrations on an ICO / RDVI (domain.md §c.1)', () => {
  it('R1: when a DE is registered, then RegistrationRecorded (Inscrit) takes one place', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(2);
    const decision = scenario.accept({ type: 'registration.register', modalityId, de: de(1) });
    expect(decision.status).toBe(201);
    expect(records(decision)).toEqual(['RegistrationRecorded', 'InvitationIssued']);
    expect(decision.events[0]?.value).toMatchObject({ status: 'INSCRIT', sourceLabel: 'Inscrit', modalityKind: 'ICO' });
    expect(scenario.counters(modalityId)).toMatchObject({ taken: 1, placesAvailable: 1 });
  });

  it('R1: when no place is left, the RDV is past, or the DE is already registered on the session, then 409', () => {
    const scenario = new Scenario();
    const full = scenario.ico(1);
    const other = scenario.ico(5, '2026-12-11');
    scenario.register(full, 1);
    expect(scenario.refuse({ type: 'registration.register', modalityId: full, de: de(2) })).toMatchObject({
      status: 409,
      rule: 'NO_PLACE_LEFT',
    });
    expect(scenario.refuse({ type: 'registration.register', modalityId: other, de: de(1) })).toMatchObject({
      status: 409,
      rule: 'ALREADY_REGISTERED',
    });
    scenario.now = new Date('2026-12-11T09:00:00Z'); // 10:00 in Paris, after the 09:30 start
    expect(scenario.refuse({ type: 'registration.register', modalityId: other, de: de(3) })).toMatchObject({
      status: 409,
      rule: 'PAST_APPOINTMENT',
    });
  });

  it('R1: when the DE identifier is malformed, a window is targeted or recruitment is closed, then refused', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico();
    expect(
      scenario.refuse({ type: 'registration.register', modalityId, de: { ...de(1), deIdentifier: 'x' } }),
    ).toMatchObject({ status: 422, rule: 'INVALID_DE_IDENTIFIER', field: 'de.deIdentifier' });
    const windowId = scenario.window();
    expect(scenario.refuse({ type: 'registration.register', modalityId: windowId, de: de(1) })).toMatchObject({
      status: 422,
      rule: 'MODALITY_KIND',
    });
    const closed = new Scenario({ ...baseSession, session: { ...baseSession.session, recruitmentState: 'CLOSED' } });
    const ico = closed.ico();
    expect(closed.refuse({ type: 'registration.register', modalityId: ico, de: de(1) })).toMatchObject({
      status: 409,
      rule: 'SESSION_CLOSED',
    });
  });

  it('R2: when the RDV is cancelled for a DE, then RDV annulé frees the place; not once presence is recorded', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(1);
    const registrationId = scenario.register(modalityId, 1);
    const cancelled = scenario.accept({ type: 'registration.cancel', registrationId, reason: 'Demande du DE' });
    expect(records(cancelled)).toEqual(['RegistrationCancelled']);
    expect(scenario.counters(modalityId).placesAvailable).toBe(1);
    expect(scenario.refuse({ type: 'registration.cancel', registrationId })).toMatchObject({
      status: 409,
      rule: 'INVALID_TRANSITION',
    });
    const present = scenario.present(2);
    expect(scenario.refuse({ type: 'registration.cancel', registrationId: present })).toMatchObject({
      rule: 'INVALID_TRANSITION',
    });
  });

  it('R3: when a DE is transferred, then the source is Transféré and a new registration takes a place on the target', () => {
    const scenario = new Scenario();
    const source = scenario.ico(1);
    const target = scenario.ico(1, '2026-12-11');
    const registrationId = scenario.register(source, 1);
    const moved = scenario.accept({ type: 'registration.transfer', registrationId, toModalityId: target });
    expect(records(moved)).toEqual(['RegistrationTransferred', 'RegistrationRecorded', 'InvitationIssued']);
    expect(scenario.current.registrations.get(registrationId)?.status).toBe('TRANSFERE');
    expect(scenario.counters(source).placesAvailable).toBe(1);
    expect(scenario.counters(target).placesAvailable).toBe(0);
    const second = scenario.register(source, 2);
    expect(
      scenario.refuse({ type: 'registration.transfer', registrationId: second, toModalityId: target }),
    ).toMatchObject({
      status: 409,
      rule: 'NO_PLACE_LEFT',
      field: 'toModalityId',
    });
    expect(
      scenario.refuse({ type: 'registration.transfer', registrationId: second, toModalityId: source }),
    ).toMatchObject({
      status: 422,
      rule: 'SAME_MODALITY',
    });
  });

  it('R4: when presence is entered before the appointment, then 409 APPOINTMENT_NOT_PAST; after it, Présent / Absent', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(3);
    const first = scenario.register(modalityId, 1);
    const second = scenario.register(modalityId, 2);
    expect(
      scenario.refuse({ type: 'registration.presence', registrationId: first, presence: 'PRESENT' }),
    ).toMatchObject({
      status: 409,
      rule: 'APPOINTMENT_NOT_PAST',
    });
    scenario.now = new Date('2026-12-10T08:31:00Z'); // 09:31 in Paris
    expect(
      records(scenario.accept({ type: 'registration.presence', registrationId: first, presence: 'PRESENT' })),
    ).toEqual(['PresenceRecorded']);
    scenario.accept({ type: 'registration.presence', registrationId: second, presence: 'ABSENT' });
    expect(scenario.current.registrations.get(second)?.status).toBe('ABSENT');
    // G8: an absent DE gets no result.
    expect(
      scenario.refuse({ type: 'registration.result', registrationId: second, result: 'NON_RETENU' }),
    ).toMatchObject({
      rule: 'INVALID_TRANSITION',
    });
  });

  it('R5: when a present DE is retained, then the result and the enrolment (Inscrit en formation) are recorded together', () => {
    const scenario = new Scenario();
    const registrationId = scenario.present(1);
    const retained = scenario.accept({ type: 'registration.result', registrationId, result: 'RETENU' });
    expect(records(retained)).toEqual(['RecruitmentResultRecorded', 'EnrolmentOpened']);
    expect(retained.events[1]?.value).toMatchObject({ origin: 'RECRUITMENT_RESULT', originId: registrationId });
    expect(retained.result.enrolmentId).toBeDefined();
  });

  it('R5: when the training places are all taken, then 409 SESSION_FULL and the OF waitlists instead (R6)', () => {
    const scenario = new Scenario();
    for (const n of [11, 12, 13]) scenario.accept({ type: 'enrolment.propose', de: de(n) });
    const registrationId = scenario.present(1);
    expect(scenario.refuse({ type: 'registration.result', registrationId, result: 'RETENU' })).toMatchObject({
      status: 409,
      rule: 'SESSION_FULL',
    });
    const waitlisted = scenario.accept({ type: 'registration.result', registrationId, result: 'RETENU_EN_ATTENTE' });
    expect(records(waitlisted)).toEqual(['RecruitmentResultRecorded']);
    const modalityId = scenario.current.registrations.get(registrationId)?.modalityId ?? '';
    expect(scenario.counters(modalityId).waitlisted).toBe(1);
  });

  it('R7: when a DE is not retained, then the result carries its reason', () => {
    const scenario = new Scenario();
    const registrationId = scenario.present(1);
    const decision = scenario.accept({
      type: 'registration.result',
      registrationId,
      result: 'NON_RETENU',
      reason: 'PREREQUISITES_NOT_MET',
    });
    expect(decision.events[0]?.value).toMatchObject({ result: 'NON_RETENU', refusalReason: 'PREREQUISITES_NOT_MET' });
    expect(scenario.refuse({ type: 'registration.result', registrationId, result: 'RETENU' })).toMatchObject({
      rule: 'INVALID_TRANSITION',
    });
  });

  it('R8/R9: when a waitlisted DE is retained, then enrolled (origin WAITLIST); refused, then Refusé après attente', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(5);
    const first = scenario.register(modalityId, 1);
    const second = scenario.register(modalityId, 2);
    scenario.now = at('2026-12-15T12:00:00');
    for (const registrationId of [first, second])
      scenario.accept({ type: 'registration.presence', registrationId, presence: 'PRESENT' });
    scenario.accept({ type: 'registration.result', registrationId: first, result: 'RETENU_EN_ATTENTE' });
    scenario.accept({ type: 'registration.result', registrationId: second, result: 'RETENU_EN_ATTENTE' });
    const retained = scenario.accept({ type: 'registration.waitlist', registrationId: first, decision: 'RETENU' });
    expect(records(retained)).toEqual(['WaitlistDecisionRecorded', 'EnrolmentOpened']);
    expect(retained.events[1]?.value).toMatchObject({ origin: 'WAITLIST' });
    const refused = scenario.accept({
      type: 'registration.waitlist',
      registrationId: second,
      decision: 'REFUSE_APRES_ATTENTE',
    });
    expect(records(refused)).toEqual(['WaitlistDecisionRecorded']);
    expect(scenario.current.registrations.get(second)?.status).toBe('REFUSE_APRES_ATTENTE');
    expect(scenario.counters(modalityId).waitlisted).toBe(0);
    expect(
      scenario.refuse({ type: 'registration.waitlist', registrationId: second, decision: 'RETENU' }),
    ).toMatchObject({
      rule: 'INVALID_TRANSITION',
    });
  });

  it('when the registration is unknown, then 404 naming the field', () => {
    expect(new Scenario().refuse({ type: 'registration.cancel', registrationId: 'REG-x' })).toMatchObject({
      status: 404,
      rule: 'UNKNOWN_REGISTRATION',
      field: 'registrationId',
    });
  });

  it('when the same command is decided twice on the same state, then the same events with the same ids', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico();
    const state = scenario.state;
    const once = scenario.decide({ type: 'registration.register', modalityId, de: de(1) }, 'cmd-fixed');
    scenario.state = state;
    const again = scenario.decide({ type: 'registration.register', modalityId, de: de(1) }, 'cmd-fixed');
    expect(again).toEqual(once);
    expect('events' in once && once.events[0]?.value.envelope.eventId).toBe('kairos:cmd-fixed:0');
  });
});
