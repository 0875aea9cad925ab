import { mayRecord, STATUS_LABELS, statusLabel } from '@passerelle/schemas';
import { type SessionEventName, traineeFields } from '../emit.js';
import type { QuoteState, SessionAggregate } from '../state.js';
import {
  type ActContext,
  type ActOf,
  type Decided,
  invalidTransition,
  journeyIdOf,
  openEnrolment,
  openForRecruitment,
  personalData,
  refuse,
  requireSessionNotEnded,
  requireTrainingPlace,
  requireTransition,
} from './guards.js';

type QuoteAct = ActOf<'quote.draft' | 'quote.submit' | 'quote.cancel' | 'quote.enrol' | 'quote.decide'>;

/** A quote still in play: drafted, sent, or validated (refused and cancelled ones are over). */
const OPEN: ReadonlySet<QuoteState['status']> = new Set(['DEVIS_SAISI', 'DEVIS_TRANSMIS', 'DEVIS_VALIDE']);

export function quoteOf(state: SessionAggregate, quoteId: string): QuoteState {
  const quote = state.quotes.get(quoteId);
  if (!quote) return refuse(404, 'UNKNOWN_QUOTE', 'No such AIF quote on this session.', 'quoteId');
  return quote;
}

/**
 * "The entry follows it" (issue 15): a DE with an AIF quote on the session enters only once a quote is validated.
 * Cancelled quotes do not count, so a DE whose only quote was withdrawn is back to entering without one; a DE with
 * no quote at all is not concerned.
 */
export function requireValidatedQuote(state: SessionAggregate, journeyId: string): void {
  const quotes = [...state.quotes.values()].filter(
    (quote) => quote.journeyId === journeyId && quote.status !== 'DEVIS_ANNULE',
  );
  if (quotes.length > 0 && !quotes.some((quote) => quote.status === 'DEVIS_VALIDE'))
    refuse(
      409,
      'QUOTE_NOT_VALIDATED',
      `The DE's AIF quote is ${quotes.map((quote) => statusLabel(quote.status)).join(', ')}: the entry waits for its validation by France Travail.`,
    );
}

function draft(state: SessionAggregate, act: ActOf<'quote.draft'>, context: ActContext): Decided {
  openForRecruitment(state);
  requireSessionNotEnded(state, context.now);
  const de = personalData(act.de);
  const journeyId = journeyIdOf(context, de, state.sessionKey);
  // One quote at a time per DE and session: a new one is drafted once the previous is refused or cancelled.
  for (const quote of state.quotes.values())
    if (quote.journeyId === journeyId && OPEN.has(quote.status))
      refuse(409, 'QUOTE_ALREADY_OPEN', `The DE already has an AIF quote on this session (${quote.quoteId}).`);
  const quoteId = `QUO-${context.commandId}`;
  context.emission.emit(
    'fr.passerelle.kairos.QuoteDrafted',
    {
      ...traineeFields(state, journeyId),
      quoteId,
      amountCents: act.amountCents,
      hours: act.hours,
      funderCode: act.funderCode,
      de,
      status: 'DEVIS_SAISI',
      sourceLabel: STATUS_LABELS.DEVIS_SAISI,
    },
    journeyId,
  );
  return { status: 201, result: { quoteId, journeyId, status: 'DEVIS_SAISI' } };
}

function move(
  state: SessionAggregate,
  quote: QuoteState,
  context: ActContext,
  record: SessionEventName & `fr.passerelle.kairos.Quote${string}`,
  status: 'DEVIS_TRANSMIS' | 'DEVIS_VALIDE' | 'DEVIS_REFUSE' | 'DEVIS_ANNULE',
  extra: Record<string, unknown>,
): Decided {
  context.emission.emit(
    record,
    {
      ...traineeFields(state, quote.journeyId),
      quoteId: quote.quoteId,
      ...extra,
      status,
      sourceLabel: STATUS_LABELS[status],
    } as never,
    quote.journeyId,
  );
  return { result: { quoteId: quote.quoteId, status } };
}

function submit(state: SessionAggregate, act: ActOf<'quote.submit'>, context: ActContext): Decided {
  const quote = quoteOf(state, act.quoteId);
  requireTransition(context.lifecycle, 'fr.passerelle.kairos.QuoteSubmitted', quote.status, 'The quote', 'sending it');
  return move(state, quote, context, 'fr.passerelle.kairos.QuoteSubmitted', 'DEVIS_TRANSMIS', {});
}

function cancel(state: SessionAggregate, act: ActOf<'quote.cancel'>, context: ActContext): Decided {
  const quote = quoteOf(state, act.quoteId);
  requireTransition(
    context.lifecycle,
    'fr.passerelle.kairos.QuoteCancelled',
    quote.status,
    'The quote',
    'cancelling it',
  );
  return move(state, quote, context, 'fr.passerelle.kairos.QuoteCancelled', 'DEVIS_ANNULE', {
    reason: act.reason ?? null,
  });
}

/** The France Travail adviser's decision: only on a quote the OF has sent, a refusal always with its reason. */
function decideQuote(state: SessionAggregate, act: ActOf<'quote.decide'>, context: ActContext): Decided {
  const quote = quoteOf(state, act.quoteId);
  const record =
    act.decision === 'VALIDE' ? 'fr.passerelle.kairos.QuoteValidated' : 'fr.passerelle.kairos.QuoteRefused';
  if (!mayRecord(context.lifecycle, record, quote.status, { actor: 'PRESCRIBER' }))
    invalidTransition('The quote', quote.status, act.decision === 'VALIDE' ? 'validating it' : 'refusing it');
  if (act.decision === 'VALIDE')
    return move(state, quote, context, 'fr.passerelle.kairos.QuoteValidated', 'DEVIS_VALIDE', {
      comment: act.reason ?? null,
    });
  const reason = act.reason?.trim();
  if (!reason) return refuse(422, 'REASON_REQUIRED', 'A refused quote says why.', 'reason');
  return move(state, quote, context, 'fr.passerelle.kairos.QuoteRefused', 'DEVIS_REFUSE', { reason });
}

/** E1 for an AIF-funded trainee: the enrolment is opened from the validated quote, with the DE it names. */
function enrol(state: SessionAggregate, act: ActOf<'quote.enrol'>, context: ActContext): Decided {
  const quote = quoteOf(state, act.quoteId);
  if (quote.status !== 'DEVIS_VALIDE')
    refuse(
      409,
      'QUOTE_NOT_VALIDATED',
      `The quote is ${statusLabel(quote.status)}: only a validated quote opens an enrolment.`,
    );
  openForRecruitment(state);
  requireSessionNotEnded(state, context.now);
  requireTrainingPlace(state);
  const enrolmentId = openEnrolment(state, quote.journeyId, quote.de, 'QUOTE', quote.quoteId, context);
  return { status: 201, result: { enrolmentId, journeyId: quote.journeyId, quoteId: quote.quoteId } };
}

/** The decider of AIF quotes (devis d'aide individuelle à la formation, issue 15). */
export function decideQuoteAct(state: SessionAggregate, act: QuoteAct, context: ActContext): Decided {
  switch (act.type) {
    case 'quote.draft':
      return draft(state, act, context);
    case 'quote.submit':
      return submit(state, act, context);
    case 'quote.cancel':
      return cancel(state, act, context);
    case 'quote.decide':
      return decideQuote(state, act, context);
    case 'quote.enrol':
      return enrol(state, act, context);
  }
}
