import { describe, expect, it } from 'vitest';
import type { Act } from '../../src/domain/commands.js';
import { at, de, records, Scenario } from './scenario.js';

const draft = (n: number): Act => ({
  type: 'quote.draft',
  de: de(n),
  amountCents: 345_000,
  hours: 420,
  funderCode: '4',
});

/** Drafts and sends a quote for DE n as the OF; returns its id. */
function submitted(scenario: Scenario, n: number): string {
  const quoteId = scenario.accept(draft(n)).result.quoteId as string;
  scenario.accept({ type: 'quote.submit', quoteId });
  return quoteId;
}

/** The adviser's decision, then the OF acts again. */
function decided(scenario: Scenario, quoteId: string, decision: 'VALIDE' | 'REFUSE', reason?: string) {
  scenario.adviser = { name: 'France Travail Nantes Est' };
  try {
    return scenario.decide({ type: 'quote.decide', quoteId, decision, ...(reason ? { reason } : {}) });
  } finally {
    scenario.adviser = undefined;
  }
}

describe('AIF quote (devis, issue 15) — drafted by the OF, decided by France Travail, followed by the entry', () => {
  it('when the OF drafts and sends a quote and the adviser validates it, then the enrolment opened from it enters', () => {
    const scenario = new Scenario();
    const drafted = scenario.accept(draft(1));
    expect(drafted.status).toBe(201);
    expect(drafted.events[0]?.value).toMatchObject({ amountCents: 345_000, hours: 420, status: 'DEVIS_SAISI' });
    const quoteId = drafted.result.quoteId as string;
    expect(records(scenario.accept({ type: 'quote.submit', quoteId }))).toEqual(['QuoteSubmitted']);
    const validation = decided(scenario, quoteId, 'VALIDE');
    expect('events' in validation && validation.events[0]?.value.envelope.actor).toMatchObject({
      kind: 'PRESCRIBER',
      prescriberNetwork: 'FRANCE_TRAVAIL',
    });
    const opened = scenario.accept({ type: 'quote.enrol', quoteId });
    expect(opened.events[0]?.value).toMatchObject({ origin: 'QUOTE', originId: quoteId, de: { lastName: 'Nom1' } });
    scenario.now = at('2027-01-20T10:00:00');
    const entry = scenario.accept({
      type: 'enrolment.entry',
      enrolmentId: opened.result.enrolmentId as string,
      entryDate: '2027-01-12',
    });
    expect(records(entry)).toEqual(['EntryRecorded']);
  });

  it('when the quote is refused, then the DE enrolled otherwise cannot enter: 409 QUOTE_NOT_VALIDATED', () => {
    const scenario = new Scenario();
    const quoteId = submitted(scenario, 1);
    expect(decided(scenario, quoteId, 'REFUSE')).toMatchObject({
      rejection: { status: 422, rule: 'REASON_REQUIRED', field: 'reason' },
    });
    expect(records(decided(scenario, quoteId, 'REFUSE', 'Financement Région'))).toEqual(['QuoteRefused']);
    expect(scenario.refuse({ type: 'quote.enrol', quoteId })).toMatchObject({ rule: 'QUOTE_NOT_VALIDATED' });
    const enrolmentId = scenario.accept({ type: 'enrolment.propose', de: de(1) }).result.enrolmentId as string;
    scenario.now = at('2027-01-20T10:00:00');
    expect(scenario.refuse({ type: 'enrolment.entry', enrolmentId, entryDate: '2027-01-12' })).toMatchObject({
      status: 409,
      rule: 'QUOTE_NOT_VALIDATED',
    });
  });

  it('when a DE has no quote or only a cancelled one, then the entry is not concerned', () => {
    const scenario = new Scenario();
    const cancelled = submitted(scenario, 2);
    expect(records(scenario.accept({ type: 'quote.cancel', quoteId: cancelled }))).toEqual(['QuoteCancelled']);
    // entered(): proposed directly, then the entry is recorded (and must be accepted).
    for (const n of [1, 2]) {
      const enrolmentId = scenario.entered(n);
      expect(scenario.current.enrolments.get(enrolmentId)?.status).toBe('ENTRE_EN_FORMATION');
    }
  });

  it('the lifecycle guards: one open quote per DE, decisions only on a sent quote, by the adviser only', () => {
    const scenario = new Scenario();
    const quoteId = scenario.accept(draft(1)).result.quoteId as string;
    expect(scenario.refuse(draft(1))).toMatchObject({ status: 409, rule: 'QUOTE_ALREADY_OPEN' });
    expect(decided(scenario, quoteId, 'VALIDE')).toMatchObject({ rejection: { rule: 'INVALID_TRANSITION' } });
    scenario.accept({ type: 'quote.submit', quoteId });
    // The OF cannot decide its own quote, and the adviser cannot act as an OF.
    expect(scenario.refuse({ type: 'quote.decide', quoteId, decision: 'VALIDE' })).toMatchObject({
      status: 403,
      rule: 'ADVISER_ONLY',
    });
    scenario.adviser = { name: 'France Travail Nantes Est' };
    expect(scenario.refuse({ type: 'quote.submit', quoteId })).toMatchObject({ status: 403, rule: 'ADVISER_ONLY' });
    scenario.adviser = undefined;
    decided(scenario, quoteId, 'VALIDE');
    expect(scenario.refuse({ type: 'quote.cancel', quoteId })).toMatchObject({ rule: 'INVALID_TRANSITION' });
    expect(scenario.refuse({ type: 'quote.submit', quoteId: 'QUO-nope' })).toMatchObject({
      status: 404,
      rule: 'UNKNOWN_QUOTE',
    });
  });
});
