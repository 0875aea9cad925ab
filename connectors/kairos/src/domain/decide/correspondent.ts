import type { TrainingCorrespondent } from '@passerelle/schemas';
import type { SessionAggregate } from '../state.js';
import type { ActContext, ActOf, Decided } from './guards.js';

/**
 * Saisir / Modifier les coordonnées du correspondant de la formation (seed 4.7): a session-level act with no status
 * (so no row in the lifecycle table). Each act replaces the correspondent and keeps the previous one in the event,
 * so the history of who to call is on the bus.
 */
export function decideCorrespondent(
  state: SessionAggregate,
  act: ActOf<'session.correspondent'>,
  context: ActContext,
): Decided {
  const correspondent: TrainingCorrespondent = {
    name: act.name.trim(),
    phone: act.phone?.trim() ?? null,
    email: act.email?.trim() ?? null,
  };
  context.emission.emit(
    'fr.passerelle.kairos.TrainingCorrespondentRecorded',
    {
      sessionKey: state.sessionKey,
      siret: state.session?.responsibleSiret ?? '',
      correspondent,
      previous: state.correspondent,
    },
    state.sessionKey,
  );
  return { result: { correspondent } };
}
