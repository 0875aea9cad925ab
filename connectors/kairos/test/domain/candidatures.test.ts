import { describe, expect, it } from 'vitest';
import { at, records, Scenario } from './scenario.js';

/** A candidature received on an open window through a positioning request; returns its id. */
function received(scenario: Scenario, n = 1): string {
  scenario.window(5);
  const [event] = scenario.position(n, { modalityKind: 'CANDIDATURE_WINDOW' });
  if (event?.record !== 'fr.passerelle.kairos.CandidatureReceived') throw new Error(`not received: ${event?.record}`);
  return event.value.candidatureId;
}

describe('candidatures — Kairos NG (domain.md §c.2)', () => {
  it('C2: when the OF reached the candidate and fixes the interview, then Contacté with InterviewScheduled', () => {
    const scenario = new Scenario();
    const candidatureId = received(scenario);
    const decision = scenario.accept({
      type: 'candidature.contact',
      candidatureId,
      outcome: 'CONTACTE',
      interview: { date: '2026-12-05', time: '14:00', modality: 'VIDEO' },
    });
    expect(records(decision)).toEqual(['CandidateContactRecorded', 'InterviewScheduled']);
    expect(scenario.current.candidatures.get(candidatureId)).toMatchObject({
      status: 'CONTACTE',
      interview: { date: '2026-12-05', time: '14:00', modality: 'VIDEO' },
    });
  });

  it('C2 / G13: when the candidate is unreachable, then the OF may try again; a declined candidate is final', () => {
    const scenario = new Scenario();
    const candidatureId = received(scenario);
    scenario.accept({ type: 'candidature.contact', candidatureId, outcome: 'INJOIGNABLE' });
    scenario.accept({ type: 'candidature.contact', candidatureId, outcome: 'REFUS_CANDIDAT' });
    expect(scenario.current.candidatures.get(candidatureId)?.status).toBe('REFUS_CANDIDAT');
    expect(scenario.refuse({ type: 'candidature.contact', candidatureId, outcome: 'CONTACTE' })).toMatchObject({
      status: 409,
      rule: 'INVALID_TRANSITION',
    });
  });

  it('when an interview is fixed with a candidate not contacted, then refused', () => {
    const scenario = new Scenario();
    const candidatureId = received(scenario);
    expect(
      scenario.refuse({
        type: 'candidature.contact',
        candidatureId,
        outcome: 'INJOIGNABLE',
        interview: { date: '2026-12-05', modality: 'PHONE' },
      }),
    ).toMatchObject({ status: 422, rule: 'INTERVIEW_NEEDS_CONTACT', field: 'interview' });
    expect(
      scenario.refuse({ type: 'candidature.interview', candidatureId, date: '2026-12-05', modality: 'PHONE' }),
    ).toMatchObject({ rule: 'INVALID_TRANSITION' });
  });

  it('C3: when interview presence is entered before the interview, then 409; after it, present or absent', () => {
    const scenario = new Scenario();
    const candidatureId = received(scenario);
    scenario.accept({ type: 'candidature.contact', candidatureId, outcome: 'CONTACTE' });
    expect(
      scenario.refuse({ type: 'candidature.interview-presence', candidatureId, presence: 'PRESENT' }),
    ).toMatchObject({
      status: 409,
      rule: 'INTERVIEW_NOT_SCHEDULED',
    });
    scenario.accept({
      type: 'candidature.interview',
      candidatureId,
      date: '2026-12-05',
      time: '14:00',
      modality: 'IN_PERSON',
    });
    expect(
      scenario.refuse({ type: 'candidature.interview-presence', candidatureId, presence: 'PRESENT' }),
    ).toMatchObject({
      status: 409,
      rule: 'INTERVIEW_NOT_PAST',
    });
    scenario.now = at('2026-12-05T14:30:00');
    const presence = scenario.accept({ type: 'candidature.interview-presence', candidatureId, presence: 'PRESENT' });
    expect(records(presence)).toEqual(['InterviewPresenceRecorded']);
    expect(scenario.current.candidatures.get(candidatureId)?.status).toBe('PRESENT_ENTRETIEN');
  });

  it('C4: when a present candidate is retained, then enrolled (origin CANDIDATURE); a result needs presence', () => {
    const scenario = new Scenario();
    const candidatureId = received(scenario);
    expect(scenario.refuse({ type: 'candidature.result', candidatureId, result: 'RETENU' })).toMatchObject({
      rule: 'INVALID_TRANSITION',
    });
    scenario.accept({
      type: 'candidature.contact',
      candidatureId,
      outcome: 'CONTACTE',
      interview: { date: '2026-12-05', modality: 'PHONE' },
    });
    scenario.now = at('2026-12-06T10:00:00');
    scenario.accept({ type: 'candidature.interview-presence', candidatureId, presence: 'PRESENT' });
    const retained = scenario.accept({ type: 'candidature.result', candidatureId, result: 'RETENU' });
    expect(records(retained)).toEqual(['CandidatureResultRecorded', 'EnrolmentOpened']);
    expect(retained.events[1]?.value).toMatchObject({ origin: 'CANDIDATURE', originId: candidatureId });
  });

  it('C4: when a present candidate is not retained, then the result carries the reason', () => {
    const scenario = new Scenario();
    const candidatureId = received(scenario);
    scenario.accept({
      type: 'candidature.contact',
      candidatureId,
      outcome: 'CONTACTE',
      interview: { date: '2026-12-01', modality: 'PHONE' },
    });
    scenario.accept({ type: 'candidature.interview-presence', candidatureId, presence: 'PRESENT' });
    const decision = scenario.accept({
      type: 'candidature.result',
      candidatureId,
      result: 'NON_RETENU',
      reason: 'NOT_ELIGIBLE',
    });
    expect(decision.events[0]?.value).toMatchObject({ result: 'NON_RETENU', refusalReason: 'NOT_ELIGIBLE' });
  });

  it('when the candidature is unknown, then 404', () => {
    expect(
      new Scenario().refuse({ type: 'candidature.contact', candidatureId: 'C', outcome: 'CONTACTE' }),
    ).toMatchObject({
      status: 404,
      rule: 'UNKNOWN_CANDIDATURE',
    });
  });
});
