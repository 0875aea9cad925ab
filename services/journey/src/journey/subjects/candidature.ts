import { Anomaly } from '../model.js';
import type { SubjectHandlers } from './handlers.js';

/** Candidatures on a window (§c.2); a withdrawal is a plain transition of the table. */
export const candidatureHandlers: SubjectHandlers = {
  CandidatureReceived: (step, body) => {
    if (body.requestId) step.requestFor(body.requestId).answered = true;
    return step.born('CANDIDATURE', body.candidatureId, 'CANDIDATURE_RECUE', {
      from: body.requestId,
      modalityId: body.windowId,
    });
  },
  CandidateContactRecorded: (step, body) => {
    const to = body.outcome === 'UNKNOWN' ? null : body.outcome;
    if (to === null)
      return step.noStatus('CANDIDATURE', body.candidatureId, 'outcome UNKNOWN is not a contact outcome');
    return step.move('CANDIDATURE', body.candidatureId, to);
  },
  InterviewScheduled: (step, body) => {
    const touched = step.touch('CANDIDATURE', body.candidatureId);
    if (touched.part) touched.part.interview = { date: body.date, time: body.time };
    return touched;
  },
  InterviewPresenceRecorded: (step, body) => {
    const to = body.presence === 'PRESENT' ? 'PRESENT_ENTRETIEN' : 'ABSENT_ENTRETIEN';
    const interviewed = step.partOf('CANDIDATURE', body.candidatureId)?.interview;
    const outcome = step.move('CANDIDATURE', body.candidatureId, to);
    if (!outcome.anomaly && !interviewed)
      return { ...outcome, anomaly: new Anomaly('RULE_VIOLATION', 'presence at an interview never fixed') };
    return outcome;
  },
  CandidatureResultRecorded: (step, body) => {
    const to = body.result === 'UNKNOWN' ? null : body.result;
    if (to === null) return step.noStatus('CANDIDATURE', body.candidatureId, 'result UNKNOWN is not a result');
    return step.move('CANDIDATURE', body.candidatureId, to);
  },
};
