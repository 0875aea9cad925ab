import { describe, expect, it } from 'vitest';
import { DELIVERING, de, OTHER_OF, records, Scenario } from './scenario.js';

describe('recruitment modalities (domain.md §d)', () => {
  it('when the OF schedules an ICO, then RecruitmentModalityScheduled carries it with its places', () => {
    const scenario = new Scenario();
    const decision = scenario.accept({
      type: 'modality.schedule',
      kind: 'ICO',
      date: '2026-12-10',
      startTime: '09:30',
      endTime: '11:30',
      remoteLink: 'https://visio.example.org/ico',
      capacity: 10,
    });
    expect(decision.status).toBe(201);
    expect(records(decision)).toEqual(['RecruitmentModalityScheduled']);
    const event = decision.events[0];
    expect(event?.record === 'fr.passerelle.kairos.RecruitmentModalityScheduled' && event.value.modality).toMatchObject(
      {
        kind: 'ICO',
        capacity: 10,
        remoteLink: 'https://visio.example.org/ico',
      },
    );
    expect(event?.value.envelope).toMatchObject({ actor: { kind: 'OF', siret: scenario.sirets[0] } });
  });

  it('when an RDVI range has no capacity, then it has one place per slot', () => {
    const decision = new Scenario().accept({
      type: 'modality.schedule',
      kind: 'RDVI',
      date: '2026-12-10',
      startTime: '09:00',
      endTime: '12:00',
      slotMinutes: 30,
      place: 'Nantes',
    });
    expect(decision.result.capacity).toBe(6);
  });

  it('when a candidature window is opened, then it carries its reception period and maximum capacity', () => {
    const scenario = new Scenario();
    const windowId = scenario.window(20);
    expect(scenario.state?.modalities.get(windowId)?.modality).toMatchObject({
      kind: 'CANDIDATURE_WINDOW',
      receptionStart: '2026-11-20',
      receptionEnd: '2026-12-20',
      capacity: 20,
    });
  });

  it('when a modality is invalid, then 422 names the rule and the field', () => {
    const scenario = new Scenario();
    const base = {
      type: 'modality.schedule',
      kind: 'ICO',
      startTime: '09:30',
      endTime: '11:30',
      place: 'Nantes',
    } as const;
    expect(scenario.refuse({ ...base, date: '2026-11-30', capacity: 5 })).toMatchObject({
      status: 422,
      rule: 'DATE_IN_PAST',
      field: 'date',
    });
    expect(scenario.refuse({ ...base, date: '2026-12-10' })).toMatchObject({
      rule: 'MISSING_FIELD',
      field: 'capacity',
    });
    expect(scenario.refuse({ ...base, date: '2026-12-10', capacity: 5, endTime: '09:00' })).toMatchObject({
      rule: 'INVALID_PERIOD',
      field: 'endTime',
    });
    expect(scenario.refuse({ ...base, place: undefined, date: '2026-12-10', capacity: 5 })).toMatchObject({
      rule: 'MISSING_FIELD',
      field: 'place',
    });
    expect(
      scenario.refuse({
        type: 'modality.schedule',
        kind: 'CANDIDATURE_WINDOW',
        receptionStart: '2026-12-20',
        receptionEnd: '2026-12-01',
        capacity: 3,
      }),
    ).toMatchObject({ rule: 'INVALID_PERIOD', field: 'receptionEnd' });
  });

  it('when the OF is neither the responsible nor a delivering OF, then 403 — the same as for an unknown session', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico();
    scenario.sirets = [OTHER_OF];
    const forbidden = scenario.refuse({ type: 'modality.delete', modalityId });
    expect(forbidden).toEqual({ status: 403, rule: 'FORBIDDEN_SESSION', detail: expect.any(String) });
    const unknown = new Scenario();
    unknown.state = undefined;
    expect(unknown.refuse({ type: 'modality.delete', modalityId })).toEqual(forbidden);
    scenario.sirets = [DELIVERING];
    expect(records(scenario.accept({ type: 'modality.delete', modalityId }))).toEqual(['RecruitmentModalityCancelled']);
  });

  it('when the date or place changes, then Rescheduled (registrants informed); a capacity change is Adjusted', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(3);
    scenario.register(modalityId, 1);
    const moved = scenario.accept({ type: 'modality.modify', modalityId, date: '2026-12-11', capacity: 4 });
    expect(records(moved)).toEqual([
      'RecruitmentModalityRescheduled',
      'InvitationIssued',
      'RecruitmentModalityAdjusted',
    ]);
    expect(moved.result).toMatchObject({ registrantsInformed: 1 });
    expect(scenario.state?.modalities.get(modalityId)?.modality).toMatchObject({ date: '2026-12-11', capacity: 4 });
  });

  it('when the capacity would go below the active registrants, then 409 CAPACITY_BELOW_REGISTRANTS', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(3);
    scenario.register(modalityId, 1);
    scenario.register(modalityId, 2);
    expect(scenario.refuse({ type: 'modality.modify', modalityId, capacity: 1 })).toMatchObject({
      status: 409,
      rule: 'CAPACITY_BELOW_REGISTRANTS',
      field: 'capacity',
    });
  });

  it('when a modality is duplicated, then a new modality with the same settings on the new date', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(7);
    const decision = scenario.accept({ type: 'modality.duplicate', modalityId, date: '2026-12-17' });
    expect(records(decision)).toEqual(['RecruitmentModalityDuplicated']);
    const copy = scenario.state?.modalities.get(decision.result.modalityId as string)?.modality;
    expect(copy).toMatchObject({ kind: 'ICO', capacity: 7, date: '2026-12-17', place: 'Nantes' });
    expect(copy?.modalityId).not.toBe(modalityId);
  });

  it('when a modality with registrants is deleted, then the OF must say their fate: cancelled or transferred', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(3);
    const first = scenario.register(modalityId, 1);
    scenario.register(modalityId, 2);
    expect(scenario.refuse({ type: 'modality.delete', modalityId })).toMatchObject({
      status: 409,
      rule: 'REGISTRANTS_FATE_REQUIRED',
      field: 'registrants',
    });
    const deleted = scenario.accept({ type: 'modality.delete', modalityId, registrants: { action: 'cancel' } });
    expect(records(deleted)).toEqual([
      'RegistrationCancelled',
      'RegistrationCancelled',
      'RecruitmentModalityCancelled',
    ]);
    expect(scenario.state?.registrations.get(first)?.status).toBe('RDV_ANNULE');
    expect(scenario.state?.modalities.get(modalityId)?.cancelled).toBe(true);
    expect(
      scenario.refuse({
        type: 'registration.register',
        modalityId,
        de: de(1),
      }),
    ).toMatchObject({
      rule: 'MODALITY_CANCELLED',
    });
  });

  it('when registrants are transferred on deletion, then each one moves and the target must have room for all', () => {
    const scenario = new Scenario();
    const source = scenario.ico(3);
    const small = scenario.ico(1, '2026-12-11');
    const large = scenario.ico(5, '2026-12-12');
    scenario.register(source, 1);
    scenario.register(source, 2);
    expect(
      scenario.refuse({
        type: 'modality.delete',
        modalityId: source,
        registrants: { action: 'transfer', toModalityId: small },
      }),
    ).toMatchObject({ status: 409, rule: 'NO_PLACE_LEFT', field: 'registrants.toModalityId' });
    const deleted = scenario.accept({
      type: 'modality.delete',
      modalityId: source,
      registrants: { action: 'transfer', toModalityId: large },
    });
    expect(records(deleted)).toEqual([
      'RegistrationTransferred',
      'RegistrationRecorded',
      'InvitationIssued',
      'RegistrationTransferred',
      'RegistrationRecorded',
      'InvitationIssued',
      'RecruitmentModalityCancelled',
    ]);
    expect(scenario.counters(large).taken).toBe(2);
    expect(scenario.counters(source).taken).toBe(0);
  });

  it('when a window is adjusted, then its period and capacity change without cancelling candidatures (C5)', () => {
    const scenario = new Scenario();
    const windowId = scenario.window(3);
    scenario.position(1, { modalityKind: 'CANDIDATURE_WINDOW' });
    scenario.position(2, { modalityKind: 'CANDIDATURE_WINDOW' });
    const adjusted = scenario.accept({
      type: 'modality.adjust-window',
      modalityId: windowId,
      capacity: 1,
      receptionEnd: '2027-01-05',
    });
    expect(records(adjusted)).toEqual(['RecruitmentModalityAdjusted']);
    expect(scenario.counters(windowId)).toMatchObject({ capacity: 1, taken: 2, placesAvailable: 0 });
    expect([...scenario.current.candidatures.values()].every((c) => c.status === 'CANDIDATURE_RECUE')).toBe(true);
    const ico = scenario.ico();
    expect(scenario.refuse({ type: 'modality.adjust-window', modalityId: ico, capacity: 4 })).toMatchObject({
      status: 422,
      rule: 'MODALITY_KIND',
    });
  });

  it('when an unknown modality is named, then 404 UNKNOWN_MODALITY', () => {
    expect(new Scenario().refuse({ type: 'modality.modify', modalityId: 'nope', capacity: 3 })).toMatchObject({
      status: 404,
      rule: 'UNKNOWN_MODALITY',
      field: 'modalityId',
    });
  });

  it('when the session was withdrawn from the offer, then no modality can be scheduled', () => {
    const scenario = new Scenario();
    scenario.withdrawSession();
    expect(
      scenario.refuse({
        type: 'modality.schedule',
        kind: 'CANDIDATURE_WINDOW',
        receptionStart: '2026-12-01',
        receptionEnd: '2026-12-31',
        capacity: 2,
      }),
    ).toMatchObject({ status: 409, rule: 'SESSION_WITHDRAWN' });
  });
});
