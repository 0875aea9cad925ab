import { LIFECYCLE_WITH_REINSTATEMENT } from '@passerelle/schemas/lifecycle-fixture';
import { describe, expect, it } from 'vitest';
import { Script } from '../../test/builder.js';
import { type JourneyFact, type JourneyRecord, toFact } from './facts.js';
import { JourneyFold } from './journey.js';

/** The script's events as facts of the journey, the fictitious record included (named as the table names it). */
function factsOf(script: Script): JourneyFact[] {
  return script.events.flatMap((event, seq) => {
    const record = (event.record ?? '').replace(/^fr\.passerelle\.(kairos|positioning)\./, '') as JourneyRecord;
    const fact = toFact(record, event.value)?.fact;
    return fact ? [{ ...fact, seq } as JourneyFact] : [];
  });
}

describe('journey — an act added to the lifecycle table', () => {
  it('when the table has a reinstatement from RDV annulé, then the fold applies it with no rule of its own', () => {
    const script = new Script()
      .registered('REG-1')
      .kairos('RegistrationCancelled', {
        registrationId: 'REG-1',
        modalityId: 'ICO-1',
        reason: null,
        status: 'RDV_ANNULE',
        sourceLabel: 'RDV annulé',
      })
      .kairos('RegistrationReinstated', { registrationId: 'REG-1', status: 'INSCRIT', sourceLabel: 'Réinscrit' });
    const view = JourneyFold.of(factsOf(script), undefined, LIFECYCLE_WITH_REINSTATEMENT).view('J', 'S');
    expect(view.status).toBe('INSCRIT');
    expect(view.sourceLabel).toBe('Réinscrit');
    expect(view.timeline.map((step) => [step.record, step.status])).toEqual([
      ['RegistrationRecorded', 'INSCRIT'],
      ['RegistrationCancelled', 'RDV_ANNULE'],
      ['RegistrationReinstated', 'INSCRIT'],
    ]);
    expect(view.anomalies).toEqual([]);
  });

  it('when the act comes from a status the table does not allow, then it is flagged like any other', () => {
    const script = new Script()
      .registered('REG-1')
      .kairos('RegistrationReinstated', { registrationId: 'REG-1', status: 'INSCRIT', sourceLabel: 'Réinscrit' });
    const view = JourneyFold.of(factsOf(script), undefined, LIFECYCLE_WITH_REINSTATEMENT).view('J', 'S');
    expect(view.timeline.at(-1)?.anomaly).toBe('IMPOSSIBLE_TRANSITION');
    expect(view.timeline.at(-1)?.anomalyDetail).toBe('RegistrationReinstated: INSCRIT → INSCRIT is not a transition');
  });

  it('when a fold extends with one more fact, then it keeps the table it was given', () => {
    const script = new Script()
      .registered('REG-1')
      .kairos('RegistrationCancelled', {
        registrationId: 'REG-1',
        modalityId: 'ICO-1',
        reason: null,
        status: 'RDV_ANNULE',
        sourceLabel: 'RDV annulé',
      })
      .kairos('RegistrationReinstated', { registrationId: 'REG-1', status: 'INSCRIT', sourceLabel: 'Réinscrit' });
    const facts = factsOf(script);
    const last = facts.at(-1) as JourneyFact;
    const extended = JourneyFold.of(facts.slice(0, -1), undefined, LIFECYCLE_WITH_REINSTATEMENT).extended(
      last,
      undefined,
    );
    expect(extended?.view('J', 'S').status).toBe('INSCRIT');
    expect(extended?.view('J', 'S').anomalies).toEqual([]);
  });
});
