import type { Actor } from '@passerelle/schemas';
import type { Act, Command, Rejection } from '../commands.js';
import { type DomainEvent, Emission } from '../emit.js';
import { emptyAggregate, holdsPlace, type SessionAggregate } from '../state.js';
import { decideCandidatureAct } from './candidature.js';
import { decideCorrespondent } from './correspondent.js';
import { decideEnrolmentAct } from './enrolment.js';
import {
  type ActContext,
  type Decided,
  type DecisionContext,
  isAppointment,
  isFuture,
  lifecycleOf,
  Refusal,
  recruitmentClosed,
  refuse,
  registrationRefusal,
} from './guards.js';
import { decideQuoteAct } from './quote.js';
import { decideRegistrationAct } from './registration.js';
import { decideModalityAct } from './session.js';

export type { DecisionContext };

export type Decision =
  | { events: DomainEvent[]; status: 200 | 201; result: Record<string, unknown> }
  | { rejection: Rejection };

/**
 * Decides an OF act on a session: the events that record it, or the rule it breaks (and then nothing). Pure: the
 * same state, command and clock give the same events with the same ids.
 */
export function decide(state: SessionAggregate | undefined, command: Command, context: DecisionContext): Decision {
  const aggregate = state ?? emptyAggregate(command.sessionKey);
  try {
    const actor = authorise(aggregate, command);
    const emission = new Emission({
      origin: command.commandId,
      now: context.now,
      actor,
      sourceSystem: command.act.type.startsWith('candidature.') ? 'KAIROS_NG' : 'KAIROS',
      causationId: null,
    });
    const decided = decideAct(aggregate, command.act, {
      ...context,
      emission,
      commandId: command.commandId,
      lifecycle: lifecycleOf(context),
    });
    return { events: emission.events, status: decided.status ?? 200, result: decided.result };
  } catch (error) {
    if (error instanceof Refusal) return { rejection: error.rejection };
    throw error;
  }
}

/**
 * An OF acts only on sessions where one of its SIRETs is the responsible or a delivering organisation; the quote
 * decision is the France Travail adviser's alone (the adviser token names no SIRET and no other act).
 */
function authorise(state: SessionAggregate, command: Command): Actor {
  const adviserAct = command.act.type === 'quote.decide';
  if (command.adviser !== undefined || adviserAct) {
    if (command.adviser === undefined || !adviserAct)
      refuse(403, 'ADVISER_ONLY', 'Only a France Travail adviser decides an AIF quote, and only that.');
    return {
      kind: 'PRESCRIBER',
      siret: null,
      organisationName: command.adviser?.name ?? null,
      prescriberNetwork: 'FRANCE_TRAVAIL',
      channel: 'KAIROS',
    };
  }
  const sirets = command.actorSirets;
  const session = state.session;
  const siret = session
    ? sirets.find((candidate) => candidate === session.responsibleSiret || session.deliveringSirets.includes(candidate))
    : undefined;
  // The same answer for an unknown session and someone else's: nothing about other OFs' sessions leaks.
  if (siret === undefined) refuse(403, 'FORBIDDEN_SESSION', 'This session is not one of your organisation.');
  return {
    kind: 'OF',
    siret: siret ?? null,
    organisationName: siret === session?.responsibleSiret ? (session?.organisationName ?? null) : null,
    prescriberNetwork: null,
    channel: 'KAIROS',
  };
}

/** Each subject has its decider (its own file); an act names its subject in its type. */
function decideAct(state: SessionAggregate, act: Act, context: ActContext): Decided {
  switch (act.type) {
    case 'modality.schedule':
    case 'modality.modify':
    case 'modality.duplicate':
    case 'modality.delete':
    case 'modality.adjust-window':
      return decideModalityAct(state, act, context);
    case 'registration.register':
    case 'registration.cancel':
    case 'registration.transfer':
    case 'registration.presence':
    case 'registration.result':
    case 'registration.waitlist':
      return decideRegistrationAct(state, act, context);
    case 'candidature.contact':
    case 'candidature.interview':
    case 'candidature.interview-presence':
    case 'candidature.result':
      return decideCandidatureAct(state, act, context);
    case 'enrolment.propose':
    case 'enrolment.entry':
    case 'enrolment.correct-entry':
    case 'enrolment.absence-at-entry':
    case 'enrolment.interruption':
    case 'enrolment.end-interruption':
    case 'enrolment.attendance':
    case 'enrolment.abandon':
    case 'enrolment.exit':
    case 'enrolment.report':
    case 'enrolment.cancel':
      return decideEnrolmentAct(state, act, context);
    case 'quote.draft':
    case 'quote.submit':
    case 'quote.cancel':
    case 'quote.decide':
    case 'quote.enrol':
      return decideQuoteAct(state, act, context);
    case 'session.correspondent':
      return decideCorrespondent(state, act, context);
  }
}

export { holdsPlace, isAppointment, isFuture, recruitmentClosed, registrationRefusal };
