import { inspectPdf, renderPdf } from '@passerelle/documents';
import { fixtures } from '@passerelle/schemas/fixtures';
import { describe, expect, it } from 'vitest';
import { confirmationLetter } from './confirmation-letter.js';
import type { SelfRegistration } from './self-registrations.js';

const listing = { ...fixtures['fr.passerelle.catalogue.ListingPublished'], channel: 'MA_FORMATION' as const };
const registration = (decision: SelfRegistration['decision']): SelfRegistration => ({
  requestId: 'CAT-00000000-0000-4000-8000-000000000000',
  channel: 'MA_FORMATION',
  target: { sessionKey: listing.sessionKey, modalityKind: 'CANDIDATURE_WINDOW', modalityId: 'WIN-1' },
  journeyId: 'j',
  de: { firstName: 'Camille', lastName: 'Lefèvre' },
  requestedAt: new Date('2026-04-05T13:00:00Z'),
  decision,
  withdrawnAt: null,
  prescriber: null,
  invitation: null,
});

describe('confirmationLetter', () => {
  it('when a contact request was received, then the letter says the OF will call back, with the session and the request', async () => {
    const decided = registration({
      outcome: 'CANDIDATURE_RECEIVED',
      modalityId: 'WIN-1',
      candidatureId: 'CAND-1',
      decidedAt: new Date('2026-04-05T13:00:02Z'),
    });
    const window = {
      modalityId: 'WIN-1',
      kind: 'CANDIDATURE_WINDOW' as const,
      date: null,
      startTime: null,
      endTime: null,
      place: null,
      remote: false,
      capacity: 20,
      placesLeft: 19,
      receptionStart: '2026-04-01',
      receptionEnd: '2026-05-31',
    };
    const pdf = await inspectPdf(await renderPdf(confirmationLetter(decided, { ...listing, modalities: [window] })));
    const text = pdf.pages.join('\n');
    expect(pdf.pageCount).toBe(1);
    expect(pdf.title).toBe('Confirmation de votre demande de contact');
    expect(text).toContain('Bonjour Camille Lefèvre,');
    expect(text).toContain('reçue le 5 avril 2026');
    expect(text).toContain('vous recontactera pour fixer la date et la modalité de votre entretien');
    expect(text).toContain(listing.title);
    expect(text).toContain('du 01/04/2026 au 31/05/2026');
    expect(text).toContain('application Ma Formation');
    expect(text).toContain(decided.requestId);
  });

  it('when the session has left the channel, then the letter still names the request', async () => {
    const decided = registration({
      outcome: 'CANDIDATURE_RECEIVED',
      modalityId: 'WIN-1',
      candidatureId: 'C',
      decidedAt: new Date(),
    });
    const text = (await inspectPdf(await renderPdf(confirmationLetter(decided, null)))).pages.join('\n');
    expect(text).toContain(listing.sessionKey);
  });

  it('when the request was not a received candidature, then there is no letter to write', () => {
    expect(() => confirmationLetter(registration(null), listing)).toThrow();
  });
});
