import type { Decision } from '../positioning/decision.js';
import { currentStep, type JourneyStep, stepsOfRequest } from '../positioning/journey-steps.js';
import type { SelfRegistration } from '../positioning/self-registrations.js';

export const positioningPath = (channel: string, sessionKey: string, requestId: string) =>
  `/channels/${channel}/sessions/${encodeURIComponent(sessionKey)}/positionings/${requestId}`;

const stepView = (step: JourneyStep) => ({
  subject: step.subject,
  subjectId: step.subjectId,
  status: step.status,
  label: step.label,
  at: step.at,
  date: step.date,
});

/**
 * A positioning as its DE (or the adviser who made it) reads it: the first decision, and where his journey stands
 * since — contact, interview, presence, result, enrolment, entry —, each step with its French label and date, from
 * the acts the OF recorded in Kairos. `journey` is null until Kairos decided, and for a refusal.
 */
export function positioningView(registration: SelfRegistration, journey: readonly JourneyStep[]) {
  const { channel, target, requestId } = registration;
  const self = positioningPath(channel, target.sessionKey, requestId);
  const decision: Decision | null = registration.decision;
  const steps = stepsOfRequest(decision, journey);
  const current = currentStep(steps);
  return {
    requestId,
    channel,
    sessionKey: target.sessionKey,
    modalityKind: target.modalityKind,
    origin: registration.prescriber === null ? 'DE' : 'PRESCRIBER',
    requestedAt: registration.requestedAt,
    status:
      registration.withdrawnAt !== null
        ? 'WITHDRAWN'
        : decision === null
          ? 'PENDING'
          : decision.outcome === 'REFUSED'
            ? 'REFUSED'
            : 'ACCEPTED',
    withdrawnAt: registration.withdrawnAt,
    decision,
    journey:
      current === undefined
        ? null
        : { status: current.status, label: current.label, since: current.at, steps: steps.map(stepView) },
    // The convocation (date, time, place, what to bring, version): gone once the DE withdrew.
    invitation: registration.withdrawnAt === null ? registration.invitation : null,
    links: {
      self,
      ...(decision?.outcome === 'CANDIDATURE_RECEIVED' && registration.withdrawnAt === null
        ? { letter: `${self}/letter` }
        : {}),
    },
  };
}
