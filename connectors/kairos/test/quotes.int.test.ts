import { describe, expect, it } from 'vitest';
import { newDe, type Response, useKairos } from './harness.js';

// AIF quotes (devis d'aide individuelle à la formation, issue 15): drafted and sent by the OF, validated or refused
// by the France Travail adviser, and the entry in training that follows them — on the real broker and registry.

const { broker, clock, kairos, newSession } = useKairos();

const draftBody = (de = newDe()) => ({ de, amountCents: 345_000, hours: 420, funderCode: '4' });
const quotePath = (path: string, quoteId: string) => `${path}/quotes/${encodeURIComponent(quoteId)}`;

/** Drafts and sends a quote as the OF; returns its id and its DE. */
async function sentQuote(path: string) {
  const body = draftBody();
  const drafted = await kairos.api.post(`${path}/quotes`, body);
  expect(drafted.status).toBe(201);
  const quoteId = drafted.body.quoteId as string;
  const sent = await kairos.api.post(`${quotePath(path, quoteId)}/submit`);
  expect(await broker.recordNames(sent.body.eventIds)).toEqual(['QuoteSubmitted']);
  return { quoteId, de: body.de, drafted };
}

const decide = (path: string, quoteId: string, body: object, headers: Record<string, string> = {}) =>
  kairos.adviser.request('POST', `${quotePath(path, quoteId)}/decision`, body, undefined, headers);

function expectProblem(response: Response, status: number, rule: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.rule).toBe(rule);
}

describe('AIF quotes through the OF and adviser APIs', () => {
  it('when the OF drafts and sends a quote and the adviser validates it, then the enrolment opened from it enters', async () => {
    clock.set('2026-12-01T10:00:00Z');
    const { path, session } = await newSession();
    const { quoteId, de, drafted } = await sentQuote(path);
    const [draftedEvent] = await broker.recorded(drafted.body.eventIds);
    expect(draftedEvent?.record).toBe('fr.passerelle.kairos.QuoteDrafted');
    // Keyed by the session, the DE only in the DePersonalData field.
    expect(draftedEvent?.key).toBe(session.sessionKey);
    expect(draftedEvent?.key).not.toContain(de.deIdentifier);
    expect(draftedEvent?.value).toMatchObject({ quoteId, amountCents: 345_000, hours: 420, status: 'DEVIS_SAISI' });

    const validated = await decide(path, quoteId, { decision: 'VALIDE', reason: 'Projet cohérent' });
    expect(validated.status).toBe(200);
    const [validation] = await broker.recorded(validated.body.eventIds);
    expect(validation?.record).toBe('fr.passerelle.kairos.QuoteValidated');
    expect(validation?.value).toMatchObject({
      status: 'DEVIS_VALIDE',
      envelope: { actor: { kind: 'PRESCRIBER', prescriberNetwork: 'FRANCE_TRAVAIL', siret: null } },
    });
    // A decision answered 202 under load is polled by the adviser; the OF does not see the adviser's command.
    const commandPath = `/commands/${validated.body.commandId as string}`;
    const polled = await kairos.adviser.get(commandPath);
    expect(polled.status).toBe(200);
    expect(polled.body.eventIds).toEqual(validated.body.eventIds);
    expect((await kairos.api.get(commandPath)).status).toBe(404);
    const read = await kairos.api.get(quotePath(path, quoteId));
    expect(read.body).toMatchObject({ quoteId, status: 'DEVIS_VALIDE', amountCents: 345_000 });

    const enrolled = await kairos.api.post(`${quotePath(path, quoteId)}/enrolment`);
    expect(enrolled.status).toBe(201);
    const [opened] = await broker.recorded(enrolled.body.eventIds);
    expect(opened?.value).toMatchObject({ origin: 'QUOTE', originId: quoteId, status: 'INSCRIT_EN_FORMATION' });

    clock.set('2027-01-20T10:00:00Z');
    const entry = await kairos.api.post(`${path}/enrolments/${enrolled.body.enrolmentId as string}/entry`, {
      entryDate: '2027-01-12',
    });
    expect(entry.status).toBe(200);
    expect(await broker.recordNames(entry.body.eventIds)).toEqual(['EntryRecorded']);
  });

  it('when the adviser refuses the quote, then the entry of that DE is refused: 409 QUOTE_NOT_VALIDATED', async () => {
    clock.set('2026-12-01T10:00:00Z');
    const { path } = await newSession();
    const { quoteId, de } = await sentQuote(path);
    const noReason = await decide(path, quoteId, { decision: 'REFUSE' });
    expectProblem(noReason, 422, 'REASON_REQUIRED');
    expect(noReason.body.errors?.map((error) => error.field)).toEqual(['reason']);
    const refused = await decide(path, quoteId, { decision: 'REFUSE', reason: 'Financement Région possible' });
    expect(await broker.recordNames(refused.body.eventIds)).toEqual(['QuoteRefused']);
    expectProblem(await kairos.api.post(`${quotePath(path, quoteId)}/enrolment`), 409, 'QUOTE_NOT_VALIDATED');

    // Proposed directly, the DE still has the refused quote: the entry waits for a validated one.
    const proposed = await kairos.api.post(`${path}/enrolments`, { de });
    expect(proposed.status).toBe(201);
    clock.set('2027-01-20T10:00:00Z');
    const entry = await kairos.api.post(`${path}/enrolments/${proposed.body.enrolmentId as string}/entry`, {
      entryDate: '2027-01-12',
    });
    expectProblem(entry, 409, 'QUOTE_NOT_VALIDATED');
    expect(entry.body.detail).toContain('Devis refusé');
  });

  it('when another OF or the wrong kind of token acts on a quote, then 403 or 401, and bad input names the field', async () => {
    clock.set('2026-12-01T10:00:00Z');
    const { path } = await newSession();
    expectProblem(await kairos.other.post(`${path}/quotes`, draftBody()), 403, 'FORBIDDEN_SESSION');
    const { quoteId } = await sentQuote(path);
    expectProblem(await kairos.other.post(`${quotePath(path, quoteId)}/cancel`, {}), 403, 'FORBIDDEN_SESSION');
    // An OF does not decide its own quote, an adviser does nothing else.
    const byOf = await kairos.api.post(`${quotePath(path, quoteId)}/decision`, { decision: 'VALIDE' });
    expect(byOf.status).toBe(401);
    expect((await kairos.adviser.post(`${quotePath(path, quoteId)}/submit`)).status).toBe(401);

    const badAmount = await kairos.api.post(`${path}/quotes`, { ...draftBody(), amountCents: 12.5 });
    expect(badAmount.status).toBe(400);
    expect(badAmount.headers.get('content-type')).toContain('application/problem+json');
    expect(badAmount.body.errors?.map((error) => error.field)).toContain('body.amountCents');
    const badDecision = await decide(path, quoteId, { decision: 'PEUT-ETRE' });
    expect(badDecision.status).toBe(400);
    expect(badDecision.body.errors?.map((error) => error.field)).toContain('body.decision');
    expectProblem(await decide(path, 'QUO-unknown', { decision: 'VALIDE' }), 404, 'UNKNOWN_QUOTE');
  });

  it('when a draft or a decision is retried with the same Idempotency-Key, then it is recorded once', async () => {
    clock.set('2026-12-01T10:00:00Z');
    const { path } = await newSession();
    const body = draftBody();
    const draft = () =>
      kairos.api.request('POST', `${path}/quotes`, body, undefined, { 'idempotency-key': 'devis-0001' });
    const first = await draft();
    const again = await draft();
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const quoteId = first.body.quoteId as string;
    await kairos.api.post(`${quotePath(path, quoteId)}/submit`);
    const decision = { decision: 'VALIDE' };
    const validated = await decide(path, quoteId, decision, { 'idempotency-key': 'decision-0001' });
    const retried = await decide(path, quoteId, decision, { 'idempotency-key': 'decision-0001' });
    expect(retried.body).toEqual(validated.body);
    await broker.recorded(validated.body.eventIds);
    const ofQuote = (record: string) =>
      broker.sessionEvents.filter(
        (event) =>
          event.record === `fr.passerelle.kairos.${record}` && (event.value as { quoteId: string }).quoteId === quoteId,
      );
    expect(ofQuote('QuoteDrafted')).toHaveLength(1);
    expect(ofQuote('QuoteValidated')).toHaveLength(1);
  });
});
