import { LIFECYCLE, type Lifecycle } from '@passerelle/schemas';
import { LIFECYCLE_WITH_REINSTATEMENT, REINSTATED } from '@passerelle/schemas/lifecycle-fixture';
import { describe, expect, it } from 'vitest';
import { Refusal, requireTransition } from '../../src/domain/decide/guards.js';
import type { SessionEventName } from '../../src/domain/emit.js';
import { Scenario } from './scenario.js';

// The fictitious record is in no contract, hence in no generated type: only its name is cast, the table is injected.
const reinstated = REINSTATED as SessionEventName;

describe('Kairos guards and an act added to the lifecycle table', () => {
  it('when the table has a reinstatement from RDV annulé, then the guard lets an OF record it, and only then', () => {
    const scenario = new Scenario();
    const registrationId = scenario.register(scenario.ico(2), 1);
    scenario.accept({ type: 'registration.cancel', registrationId });
    const status = scenario.current.registrations.get(registrationId)?.status;
    expect(status).toBe('RDV_ANNULE');
    if (status === undefined) return;

    const guard = (lifecycle: Lifecycle) => () =>
      requireTransition(lifecycle, reinstated, status, 'The registration', 'reinstating it');
    expect(guard(LIFECYCLE_WITH_REINSTATEMENT)).not.toThrow();
    expect(guard(LIFECYCLE)).toThrow(Refusal);
    try {
      guard(LIFECYCLE)();
    } catch (error) {
      expect((error as Refusal).rejection).toEqual({
        status: 409,
        rule: 'INVALID_TRANSITION',
        detail: 'The registration is RDV_ANNULE: reinstating it is not possible from this status.',
      });
    }
  });

  it('when the act is added, then the guards of the existing acts are what they were', () => {
    const scenario = new Scenario();
    const registrationId = scenario.register(scenario.ico(2), 1);
    scenario.accept({ type: 'registration.cancel', registrationId });
    expect(() =>
      requireTransition(
        LIFECYCLE_WITH_REINSTATEMENT,
        'fr.passerelle.kairos.RegistrationCancelled',
        'RDV_ANNULE',
        'The registration',
        'cancelling the RDV',
      ),
    ).toThrow(Refusal);
  });
});
