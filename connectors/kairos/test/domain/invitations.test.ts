import type { RecruitmentModality } from '@passerelle/schemas';
import { describe, expect, it } from 'vitest';
import { evolve } from '../../src/domain/evolve.js';
import { DEFAULT_WHAT_TO_BRING, rescheduledSlot, slotTimesOf } from '../../src/domain/invitation.js';
import type { SessionAggregate } from '../../src/domain/state.js';
import { records, Scenario } from './scenario.js';

const rdvi = (scenario: Scenario, extra: Partial<Record<string, unknown>> = {}) =>
  scenario.accept({
    type: 'modality.schedule',
    kind: 'RDVI',
    date: '2026-12-10',
    startTime: '14:00',
    endTime: '15:30',
    place: 'Nantes',
    slotMinutes: 30,
    ...extra,
  }).result.modalityId as string;

const invitationOf = (scenario: Scenario, registrationId: string) =>
  scenario.current.registrations.get(registrationId)?.invitation;

describe('RDVI slots and the invitation letter (annex 7.2, 4.1.3.2)', () => {
  it('when an RDVI range is scheduled, then its slots are one per place, slotMinutes apart from its start', () => {
    const scenario = new Scenario();
    const modalityId = rdvi(scenario);
    const modality = scenario.current.modalities.get(modalityId)?.modality as RecruitmentModality;
    expect(slotTimesOf(modality)).toEqual(['14:00', '14:30', '15:00']);
    expect(slotTimesOf({ ...modality, kind: 'ICO' })).toEqual([]);
    expect(slotTimesOf({ ...modality, slotMinutes: null })).toEqual([]);
  });

  it('when DEs register on an RDVI, then each gets the first free slot, on the registration and on its letter', () => {
    const scenario = new Scenario();
    const modalityId = rdvi(scenario);
    const first = scenario.register(modalityId, 1);
    const second = scenario.register(modalityId, 2);
    expect(scenario.current.registrations.get(first)?.slotTime).toBe('14:00');
    expect(scenario.current.registrations.get(second)?.slotTime).toBe('14:30');
    expect(invitationOf(scenario, second)).toMatchObject({
      version: 1,
      date: '2026-12-10',
      time: '14:30',
      endTime: '15:00',
      whatToBring: DEFAULT_WHAT_TO_BRING,
    });

    // A cancelled RDV gives its slot back: the next DE takes it, not a later one.
    scenario.accept({ type: 'registration.cancel', registrationId: first });
    const third = scenario.register(modalityId, 3);
    expect(scenario.current.registrations.get(third)?.slotTime).toBe('14:00');
  });

  it('when a DE registers on an ICO, then no slot: the letter gives the ICO start and the OF’s list to bring', () => {
    const scenario = new Scenario();
    const modalityId = scenario.accept({
      type: 'modality.schedule',
      kind: 'ICO',
      date: '2026-12-10',
      startTime: '09:30',
      endTime: '11:30',
      place: 'Nantes',
      capacity: 3,
      whatToBring: 'Un stylo',
    }).result.modalityId as string;
    const registrationId = scenario.register(modalityId, 1);
    expect(scenario.current.registrations.get(registrationId)?.slotTime).toBeNull();
    expect(invitationOf(scenario, registrationId)).toMatchObject({
      version: 1,
      time: '09:30',
      endTime: '11:30',
      place: 'Nantes',
      whatToBring: 'Un stylo',
    });
  });

  it('when several DEs are transferred at once onto an RDVI, then they get distinct consecutive slots', () => {
    const scenario = new Scenario();
    const source = scenario.ico(3);
    const target = rdvi(scenario, { date: '2026-12-11' });
    scenario.register(source, 1);
    scenario.register(source, 2);
    const deleted = scenario.accept({
      type: 'modality.delete',
      modalityId: source,
      registrants: { action: 'transfer', toModalityId: target },
    });
    const times = deleted.events.flatMap((event) =>
      event.record === 'fr.passerelle.kairos.InvitationIssued' ? [event.value.time] : [],
    );
    expect(times).toEqual(['14:00', '14:30']);
  });

  it('when the appointment is rescheduled, then each DE still invited gets letter version 2 at the same rank', () => {
    const scenario = new Scenario();
    const modalityId = rdvi(scenario);
    const first = scenario.register(modalityId, 1);
    const second = scenario.register(modalityId, 2);
    const cancelled = scenario.register(modalityId, 3);
    scenario.accept({ type: 'registration.cancel', registrationId: cancelled });
    const moved = scenario.accept({ type: 'modality.modify', modalityId, date: '2026-12-12', startTime: '09:00' });
    expect(records(moved)).toEqual(['RecruitmentModalityRescheduled', 'InvitationIssued', 'InvitationIssued']);
    expect(invitationOf(scenario, first)).toMatchObject({ version: 2, date: '2026-12-12', time: '09:00' });
    expect(invitationOf(scenario, second)).toMatchObject({ version: 2, date: '2026-12-12', time: '09:30' });
    expect(invitationOf(scenario, cancelled)?.version).toBe(1);

    scenario.accept({ type: 'modality.modify', modalityId, place: 'Saint-Nazaire' });
    expect(invitationOf(scenario, second)).toMatchObject({ version: 3, time: '09:30', place: 'Saint-Nazaire' });
    // The letter is the state folded from the events: a rebuild says the same.
    const rebuilt = scenario.history.reduce<SessionAggregate | undefined>(evolve, undefined);
    expect(rebuilt?.registrations.get(second)?.invitation).toEqual(invitationOf(scenario, second));
  });

  it('rescheduledSlot keeps the rank under a new start and slot length; no slot stays no slot', () => {
    const before = { startTime: '14:00', slotMinutes: 30 } as RecruitmentModality;
    expect(rescheduledSlot(before, { ...before, startTime: '09:00' }, '15:00')).toBe('10:00');
    expect(rescheduledSlot(before, { ...before, slotMinutes: 20 }, '15:00')).toBe('14:40');
    expect(rescheduledSlot(before, before, null)).toBeNull();
  });
});
