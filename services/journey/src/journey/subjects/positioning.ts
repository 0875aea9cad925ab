import { STATUS_LABELS } from '@passerelle/schemas';
import { Anomaly } from '../model.js';
import type { SubjectHandlers } from './handlers.js';

/** Positioning requests (Passerelle's own statuses); a withdrawal is a plain transition of the table. */
export const positioningHandlers: SubjectHandlers = {
  PositioningRequested: (step, body) => {
    const id = body.requestId;
    const known = step.partOf('POSITIONING', id);
    const outcome = {
      subjectKind: 'POSITIONING' as const,
      subjectId: id,
      status: 'POSITIONNE' as const,
      sourceLabel: STATUS_LABELS.POSITIONNE,
    };
    // An answer seen first created the request as implied: the request itself now completes it.
    if (known?.implied) {
      known.implied = false;
      known.modalityId = body.target.modalityId;
      return outcome;
    }
    if (known)
      return { ...outcome, anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', `request ${id} is already recorded`) };
    step.create('POSITIONING', id, 'POSITIONNE', STATUS_LABELS.POSITIONNE, { modalityId: body.target.modalityId });
    return outcome;
  },
  RegistrationRefused: (step, body) => {
    const request = step.requestFor(body.requestId);
    // A request withdrawn before Kairos answered it stays withdrawn: the refusal changes nothing.
    if (request.status === 'RETIRE')
      return { subjectKind: 'POSITIONING', subjectId: request.id, status: null, sourceLabel: null };
    return step.move('POSITIONING', request.id, 'REFUSE');
  },
};
