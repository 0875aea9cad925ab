import type { SubjectHandlers } from './handlers.js';

/** Registrations on an ICO / RDVI (§c.1); a cancellation and a transfer are plain transitions of the table. */
export const registrationHandlers: SubjectHandlers = {
  RegistrationRecorded: (step, body) => {
    const from = body.requestId ?? step.fold.transferredFrom.get(body.registrationId) ?? null;
    if (body.requestId) step.requestFor(body.requestId).answered = true;
    return step.born('REGISTRATION', body.registrationId, 'INSCRIT', { from, modalityId: body.modalityId });
  },
  PresenceRecorded: (step, body) => {
    const to = body.presence === 'PRESENT' ? 'PRESENT' : body.presence === 'ABSENT' ? 'ABSENT' : null;
    if (to === null) return step.noStatus('REGISTRATION', body.registrationId, 'presence UNKNOWN is not a presence');
    return step.move('REGISTRATION', body.registrationId, to);
  },
  RecruitmentResultRecorded: (step, body) => {
    const to = body.result === 'UNKNOWN' ? null : body.result;
    if (to === null) return step.noStatus('REGISTRATION', body.registrationId, 'result UNKNOWN is not a result');
    return step.move('REGISTRATION', body.registrationId, to);
  },
  WaitlistDecisionRecorded: (step, body) => {
    const to = body.decision === 'UNKNOWN' ? null : body.decision;
    if (to === null)
      return step.noStatus('REGISTRATION', body.registrationId, 'decision UNKNOWN is not a waitlist decision');
    return step.move('REGISTRATION', body.registrationId, to);
  },
};
