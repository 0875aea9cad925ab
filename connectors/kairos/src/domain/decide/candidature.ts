import { STATUS_LABELS } from '@passerelle/schemas';
import { traineeFields } from '../emit.js';
import type { CandidatureState, SessionAggregate } from '../state.js';
import { sessionClock } from '../time.js';
import {
  type ActContext,
  type ActOf,
  candidatureOf,
  type Decided,
  openEnrolment,
  refuse,
  requireSessionNotEnded,
  requireTrainingPlace,
  requireTransition,
} from './guards.js';

type CandidatureAct = ActOf<
  'candidature.contact' | 'candidature.interview' | 'candidature.interview-presence' | 'candidature.result'
>;

/**
 * The decider of candidatures on a window (domain.md §c.2, Kairos NG): received from a positioning request (see
 * positioning.ts), then followed up by the OF. Allowed statuses come from the lifecycle table.
 */
export function decideCandidatureAct(state: SessionAggregate, act: CandidatureAct, context: ActContext): Decided {
  switch (act.type) {
    case 'candidature.contact':
      return recordContact(state, act, context);
    case 'candidature.interview':
      return scheduleInterview(state, act, context);
    case 'candidature.interview-presence':
      return recordInterviewPresence(state, act, context);
    case 'candidature.result':
      return recordCandidatureResult(state, act, context);
  }
}

function recordContact(state: SessionAggregate, act: ActOf<'candidature.contact'>, context: ActContext): Decided {
  const candidature = candidatureOf(state, act.candidatureId);
  // C2; G13: an unreachable candidate may be contacted again.
  requireTransition(
    context.lifecycle,
    'fr.passerelle.kairos.CandidateContactRecorded',
    candidature.status,
    'The candidature',
    'recording the contact follow-up',
  );
  if (act.interview && act.outcome !== 'CONTACTE')
    refuse(422, 'INTERVIEW_NEEDS_CONTACT', 'An interview is fixed only with a contacted candidate.', 'interview');
  context.emission.emit(
    'fr.passerelle.kairos.CandidateContactRecorded',
    {
      ...traineeFields(state, candidature.journeyId),
      candidatureId: candidature.candidatureId,
      outcome: act.outcome,
      status: act.outcome,
      sourceLabel: STATUS_LABELS[act.outcome],
    },
    candidature.journeyId,
  );
  if (act.interview) emitInterview(state, candidature, act.interview, context);
  return { result: { candidatureId: candidature.candidatureId, status: act.outcome } };
}

function emitInterview(
  state: SessionAggregate,
  candidature: CandidatureState,
  interview: { date: string; time?: string; modality: 'IN_PERSON' | 'PHONE' | 'VIDEO' | 'EMAIL' | 'OTHER' },
  context: ActContext,
) {
  context.emission.emit(
    'fr.passerelle.kairos.InterviewScheduled',
    {
      ...traineeFields(state, candidature.journeyId),
      candidatureId: candidature.candidatureId,
      date: interview.date,
      time: interview.time ?? null,
      modality: interview.modality,
    },
    candidature.journeyId,
  );
}

function scheduleInterview(state: SessionAggregate, act: ActOf<'candidature.interview'>, context: ActContext): Decided {
  const candidature = candidatureOf(state, act.candidatureId);
  requireTransition(
    context.lifecycle,
    'fr.passerelle.kairos.InterviewScheduled',
    candidature.status,
    'The candidature',
    'fixing the interview',
  );
  emitInterview(state, candidature, act, context);
  return {
    result: { candidatureId: candidature.candidatureId, interview: { date: act.date, time: act.time ?? null } },
  };
}

function recordInterviewPresence(
  state: SessionAggregate,
  act: ActOf<'candidature.interview-presence'>,
  context: ActContext,
): Decided {
  const candidature = candidatureOf(state, act.candidatureId);
  requireTransition(
    context.lifecycle,
    'fr.passerelle.kairos.InterviewPresenceRecorded',
    candidature.status,
    'The candidature',
    'recording interview presence',
  );
  const interview = candidature.interview;
  if (!interview) return refuse(409, 'INTERVIEW_NOT_SCHEDULED', 'No interview was fixed with this candidate.');
  // C3: the interview date must be reached.
  if (`${interview.date} ${interview.time ?? '00:00'}` > sessionClock(state, context.now).stamp)
    refuse(409, 'INTERVIEW_NOT_PAST', 'Presence is recorded once the interview has taken place.');
  const status = act.presence === 'PRESENT' ? 'PRESENT_ENTRETIEN' : 'ABSENT_ENTRETIEN';
  context.emission.emit(
    'fr.passerelle.kairos.InterviewPresenceRecorded',
    {
      ...traineeFields(state, candidature.journeyId),
      candidatureId: candidature.candidatureId,
      presence: act.presence,
      status,
      sourceLabel: STATUS_LABELS[status],
    },
    candidature.journeyId,
  );
  return { result: { candidatureId: candidature.candidatureId, status } };
}

function recordCandidatureResult(
  state: SessionAggregate,
  act: ActOf<'candidature.result'>,
  context: ActContext,
): Decided {
  const candidature = candidatureOf(state, act.candidatureId);
  requireTransition(
    context.lifecycle,
    'fr.passerelle.kairos.CandidatureResultRecorded',
    candidature.status,
    'The candidature',
    'recording the interview result',
  );
  if (act.result === 'RETENU') {
    requireSessionNotEnded(state, context.now);
    requireTrainingPlace(state);
  }
  context.emission.emit(
    'fr.passerelle.kairos.CandidatureResultRecorded',
    {
      ...traineeFields(state, candidature.journeyId),
      candidatureId: candidature.candidatureId,
      result: act.result,
      refusalReason: act.result === 'NON_RETENU' ? (act.reason ?? null) : null,
      comment: act.comment ?? null,
      status: act.result,
      sourceLabel: STATUS_LABELS[act.result],
    },
    candidature.journeyId,
  );
  const enrolmentId =
    act.result === 'RETENU'
      ? openEnrolment(state, candidature.journeyId, candidature.de, 'CANDIDATURE', candidature.candidatureId, context)
      : undefined;
  return {
    result: { candidatureId: candidature.candidatureId, status: act.result, ...(enrolmentId ? { enrolmentId } : {}) },
  };
}
