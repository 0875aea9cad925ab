import { describe, expect, it } from 'vitest';
import { evolve, fold } from '../../src/domain/evolve.js';
import type { SessionAggregate } from '../../src/domain/state.js';
import { session as baseSession, journeyOf, records, Scenario } from './scenario.js';

describe('positioning requests (CONVENTIONS: exactly one answer per request)', () => {
  it('when a DE is positioned on an ICO with room, then RegistrationRecorded with the requestId and causation', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(2);
    const [answer, ...rest] = scenario.position(1, { modalityId });
    // The one answer, then the invitation letter (annex 7.2), which answers nothing.
    expect(records(rest)).toEqual(['InvitationIssued']);
    expect(answer?.record).toBe('fr.passerelle.kairos.RegistrationRecorded');
    expect(answer?.value).toMatchObject({
      requestId: 'req-1',
      journeyId: journeyOf(1),
      modalityId,
      envelope: { causationId: 'ouiform:req-1', eventId: 'kairos:ouiform:req-1:0', correlationId: journeyOf(1) },
    });
  });

  it('when a request names only a kind, then the earliest live appointment of that kind with room is taken', () => {
    const scenario = new Scenario();
    const later = scenario.ico(5, '2026-12-20');
    const earliest = scenario.ico(1, '2026-12-05');
    scenario.position(1);
    scenario.position(2);
    expect(scenario.current.registrations.get('REG-ouiform:req-1')?.modalityId).toBe(earliest);
    expect(scenario.current.registrations.get('REG-ouiform:req-2')?.modalityId).toBe(later);
  });

  it('when a request cannot be honoured, then RegistrationRefused with the reason the requester can show', () => {
    const scenario = new Scenario();
    const unknown = scenario.position(9);
    expect(unknown[0]?.value).toMatchObject({ reason: 'UNKNOWN_MODALITY', requestId: 'req-9' });
    const full = scenario.ico(1);
    scenario.position(1, { modalityId: full });
    const refusals = [
      scenario.position(2, { modalityId: full }),
      scenario.position(1, { modalityId: scenario.ico(3, '2026-12-11') }, 'req-1-bis'),
    ];
    expect(refusals.map((events) => events[0]?.value)).toMatchObject([
      { reason: 'NO_PLACE', modalityId: full, message: expect.stringContaining('place') },
      { reason: 'ALREADY_REGISTERED' },
    ]);
    const past = scenario.ico(3, '2026-12-12');
    scenario.now = new Date('2026-12-12T12:00:00Z');
    expect(scenario.position(5, { modalityId: past })[0]?.value).toMatchObject({ reason: 'PAST_APPOINTMENT' });
  });

  it('when the window is closed or full, or the DE already applied, then refused; otherwise CandidatureReceived', () => {
    const scenario = new Scenario();
    const windowId = scenario.window(2, '2026-12-05', '2026-12-20');
    expect(scenario.position(1, { modalityId: windowId, modalityKind: 'CANDIDATURE_WINDOW' })[0]?.value).toMatchObject({
      reason: 'WINDOW_CLOSED',
    });
    scenario.now = new Date('2026-12-06T10:00:00Z');
    expect(records(scenario.position(1, { modalityId: windowId }, 'req-1-open'))).toEqual(['CandidatureReceived']);
    expect(scenario.position(1, { modalityId: windowId }, 'req-again')[0]?.value).toMatchObject({
      reason: 'ALREADY_REGISTERED',
    });
    expect(records(scenario.position(2, { modalityId: windowId }))).toEqual(['CandidatureReceived']);
    expect(scenario.position(3, { modalityId: windowId })[0]?.value).toMatchObject({ reason: 'NO_PLACE' });
  });

  it('when the same request arrives twice, then it is answered once', () => {
    const scenario = new Scenario();
    scenario.ico(2);
    expect(records(scenario.position(1))).toEqual(['RegistrationRecorded', 'InvitationIssued']);
    expect(scenario.position(1)).toEqual([]);
    expect(scenario.position(7, { modalityId: 'nope' }, 'req-refused')).toHaveLength(1);
    expect(scenario.position(7, { modalityId: 'nope' }, 'req-refused')).toEqual([]);
  });

  it('when recruitment is closed or the session withdrawn, then SESSION_CLOSED / SESSION_WITHDRAWN', () => {
    const closed = new Scenario({ ...baseSession, session: { ...baseSession.session, recruitmentState: 'SUSPENDED' } });
    closed.ico();
    expect(closed.position(1)[0]?.value).toMatchObject({ reason: 'SESSION_CLOSED' });
    const withdrawn = new Scenario();
    withdrawn.ico();
    withdrawn.withdrawSession();
    expect(withdrawn.position(1)[0]?.value).toMatchObject({ reason: 'SESSION_WITHDRAWN' });
  });

  it('when a positioning is withdrawn, then what it created is cancelled: the registration, then its enrolment', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(1);
    scenario.position(1, { modalityId });
    const cancelled = scenario.withdraw('req-1');
    expect(records(cancelled)).toEqual(['RegistrationCancelled']);
    expect(cancelled[0]?.value.envelope.causationId).toBe('ouiform:withdraw:req-1');
    expect(scenario.counters(modalityId).placesAvailable).toBe(1);
    expect(scenario.withdraw('req-1')).toEqual([]);
    expect(scenario.withdraw('req-unknown')).toEqual([]);

    scenario.position(2, { modalityId });
    scenario.now = new Date('2026-12-15T10:00:00Z');
    scenario.accept({ type: 'registration.presence', registrationId: 'REG-ouiform:req-2', presence: 'PRESENT' });
    scenario.accept({ type: 'registration.result', registrationId: 'REG-ouiform:req-2', result: 'RETENU' });
    expect(records(scenario.withdraw('req-2'))).toEqual(['EnrolmentCancelled']);
  });

  it('when a candidature is withdrawn, then CandidatureWithdrawn frees its place on the window', () => {
    const scenario = new Scenario();
    const windowId = scenario.window(1);
    scenario.position(1, { modalityId: windowId });
    expect(scenario.counters(windowId).placesAvailable).toBe(0);
    expect(records(scenario.withdraw('req-1'))).toEqual(['CandidatureWithdrawn']);
    expect(scenario.counters(windowId).placesAvailable).toBe(1);
    expect(scenario.current.candidatures.get('CAND-ouiform:req-1')?.status).toBe('SANS_SUITE');
  });

  it('when the session is withdrawn, then every live modality is cancelled and its registrants get RDV annulé', () => {
    const scenario = new Scenario();
    const first = scenario.ico(3);
    scenario.ico(3, '2026-12-11');
    scenario.window(3);
    scenario.position(1, { modalityId: first });
    scenario.position(2, { modalityId: first });
    const events = scenario.withdrawSession();
    expect(records(events)).toEqual([
      'RegistrationCancelled',
      'RegistrationCancelled',
      'RecruitmentModalityCancelled',
      'RecruitmentModalityCancelled',
      'RecruitmentModalityCancelled',
    ]);
    expect(events[0]?.value).toMatchObject({ reason: 'SESSION_WITHDRAWN' });
    expect(events[2]?.value).toMatchObject({ registrants: [{ outcome: 'CANCELLED' }, { outcome: 'CANCELLED' }] });
  });
});

describe('evolve', () => {
  it('when every event is folded again from nothing, then the same state as the live one (restart = rebuild)', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(3);
    scenario.position(1, { modalityId });
    scenario.position(2, { modalityId });
    scenario.withdraw('req-2');
    scenario.entered(3);
    let rebuilt: SessionAggregate | undefined;
    for (const event of scenario.history) rebuilt = evolve(rebuilt, event);
    expect(rebuilt).toEqual(scenario.state);
  });

  it('when folded in place, then the same states as the pure evolve, which leaves its input untouched', () => {
    const scenario = new Scenario();
    const modalityId = scenario.ico(3);
    scenario.position(1, { modalityId });
    scenario.entered(2);
    let pure: SessionAggregate | undefined;
    let inPlace: SessionAggregate | undefined;
    const snapshots: string[] = [];
    for (const event of scenario.history) {
      const before = pure;
      const size = before?.registrations.size;
      pure = evolve(pure, event);
      expect(before?.registrations.size).toBe(size);
      inPlace = fold(inPlace, event);
      snapshots.push(JSON.stringify([...(pure?.registrations.keys() ?? [])]));
    }
    expect(inPlace).toEqual(pure);
    expect(snapshots.at(-1)).toContain('REG-ouiform:req-1');
  });

  it('when an event is unknown, a tombstone, or about an unknown id, then the state is unchanged', () => {
    const scenario = new Scenario();
    const state = scenario.state;
    expect(evolve(state, { key: 'k', record: 'fr.passerelle.other.Thing', value: {} })).toBe(state);
    expect(evolve(state, { key: 'k', record: 'fr.passerelle.kairos.RegistrationCancelled', value: null })).toBe(state);
    expect(evolve(state, { key: 'k', record: null, value: null })).toBe(state);
    const unknownId = evolve(state, {
      key: 'k',
      record: 'fr.passerelle.kairos.PresenceRecorded',
      value: { registrationId: 'nope', presence: 'PRESENT' },
    });
    expect(unknownId?.registrations).toEqual(state?.registrations);
  });
});
