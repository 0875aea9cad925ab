import { inspectPdf } from '@passerelle/documents';
import { normaliseText, readRenderedPdf } from '@passerelle/documents/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WHAT_TO_BRING } from '../src/domain/invitation.js';
import { type Api, newDe, useKairos } from './harness.js';

// The invitation letter (convocation, annex 7.2) of a DE registered on an ICO or an RDVI, driven by the OF's acts on
// the real broker: the InvitationIssued event, the slot an RDVI registration gets, the PDF parsed back and read back
// from its rendering (PNG + OCR), and the new version a reschedule issues (4.1.3.2).

const { broker, kairos, newSession } = useKairos();

type De = ReturnType<typeof newDe>;

/** The registration's letter: a PDF whose metadata names no one and whose text holds the DE and `expected`. */
async function letterOf(api: Api, registration: string, de: De, expected: readonly string[]) {
  const response = await api.get(`${registration}/invitation.pdf`);
  expect(response.status, response.text).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/pdf');
  expect(response.headers.get('cache-control')).toBe('no-store');
  const pdf = await inspectPdf(response.bytes);
  const metadata = [pdf.title, pdf.author, pdf.subject, pdf.keywords].join(' | ');
  for (const personal of [de.deIdentifier, de.lastName, de.firstName]) expect(metadata).not.toContain(personal);
  const text = pdf.pages.join('\n');
  for (const printed of [de.lastName, de.firstName, 'Titre professionnel Agent de restauration', ...expected])
    expect(text).toContain(printed);
  return { pdf, text, bytes: response.bytes };
}

/** OCR may drop or add a space: compared without spaces, after case and accents are folded. */
async function rendered(bytes: Uint8Array) {
  const squeezed = (text: string) => normaliseText(text).replaceAll(' ', '');
  const seen = squeezed((await readRenderedPdf(bytes)).join('\n'));
  return (word: string) => expect(seen, `"${word}" as rendered`).toContain(squeezed(word));
}

describe('the invitation letter (annex 7.2) through the OF API', () => {
  it('when a DE is registered on an ICO, then InvitationIssued and a letter with date, time, place and what to bring', async () => {
    const { path } = await newSession();
    const scheduled = await kairos.api.post(`${path}/modalities`, {
      kind: 'ICO',
      date: '2026-12-17',
      startTime: '09:30',
      endTime: '11:30',
      place: '11 rue Étienne Coutan 44100 Nantes',
      capacity: 10,
      whatToBring: 'Votre CV et une pièce d’identité',
    });
    expect(scheduled.status).toBe(201);
    const modality = `${path}/modalities/${encodeURIComponent(scheduled.body.modalityId as string)}`;
    const de = newDe();
    const registered = await kairos.api.post(`${modality}/registrations`, { de });
    expect(registered.status).toBe(201);
    const events = await broker.recorded(registered.body.eventIds);
    expect(events.map((event) => event.record)).toEqual([
      'fr.passerelle.kairos.RegistrationRecorded',
      'fr.passerelle.kairos.InvitationIssued',
    ]);
    expect(events[0]?.value).toMatchObject({ slotTime: null });
    expect(events[1]?.value).toMatchObject({
      version: 1,
      date: '2026-12-17',
      time: '09:30',
      endTime: '11:30',
      place: '11 rue Étienne Coutan 44100 Nantes',
      whatToBring: 'Votre CV et une pièce d’identité',
    });
    // The letter event carries no personal data: it goes to prescribers' feeds and webhooks as it is.
    const letterEvent = JSON.stringify(events[1]?.value);
    for (const personal of [de.deIdentifier, de.lastName, de.firstName]) expect(letterEvent).not.toContain(personal);

    const registration = `${path}/registrations/${encodeURIComponent(registered.body.registrationId as string)}`;
    const { pdf, bytes } = await letterOf(kairos.api, registration, de, [
      'Convocation à une information collective',
      'le 17/12/2026',
      'de 09:30 à 11:30',
      '11 rue Étienne Coutan 44100 Nantes',
      'Votre CV et une pièce d’identité',
    ]);
    expect(pdf.title).toBe('Convocation à une information collective');
    expect(pdf.subject).toContain('version 1');
    const sees = await rendered(bytes);
    for (const word of ['Convocation', '17/12/2026', '09:30', 'Nantes', 'Votre CV']) sees(word);

    // The fiche régionale's scoping: another OF, no token, an unknown registration.
    expect((await kairos.other.get(`${registration}/invitation.pdf`)).status).toBe(403);
    expect((await kairos.api.request('GET', `${registration}/invitation.pdf`, undefined, null)).status).toBe(401);
    const unknown = await kairos.api.get(`${path}/registrations/REG-none/invitation.pdf`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it('when two DEs register on an RDVI range, then they get consecutive slots, on the events and their letters', async () => {
    const { path } = await newSession();
    const scheduled = await kairos.api.post(`${path}/modalities`, {
      kind: 'RDVI',
      date: '2026-12-15',
      startTime: '14:00',
      endTime: '15:30',
      place: 'Saint-Nazaire',
      slotMinutes: 30,
    });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body.capacity).toBe(3);
    const modality = `${path}/modalities/${encodeURIComponent(scheduled.body.modalityId as string)}`;
    const slots: string[] = [];
    for (const [de, slot, end] of [
      [newDe(), '14:00', '14:30'],
      [newDe(), '14:30', '15:00'],
    ] as const) {
      const registered = await kairos.api.post(`${modality}/registrations`, { de });
      expect(registered.status).toBe(201);
      const [recorded, letter] = await broker.recorded(registered.body.eventIds);
      slots.push(String((recorded?.value as { slotTime?: string } | undefined)?.slotTime));
      expect(letter?.value).toMatchObject({ version: 1, time: slot, endTime: end });
      const registration = `${path}/registrations/${encodeURIComponent(registered.body.registrationId as string)}`;
      const { pdf } = await letterOf(kairos.api, registration, de, [
        'Convocation à un rendez-vous individuel',
        'le 15/12/2026',
        `de ${slot} à ${end}`,
        DEFAULT_WHAT_TO_BRING,
      ]);
      expect(pdf.title).toBe('Convocation à un rendez-vous individuel');
    }
    expect(slots).toEqual(['14:00', '14:30']);
  });

  it('when the OF reschedules, then each registrant gets letter version 2 with the new date and time', async () => {
    const { path } = await newSession();
    const scheduled = await kairos.api.post(`${path}/modalities`, {
      kind: 'RDVI',
      date: '2026-12-16',
      startTime: '09:00',
      endTime: '10:00',
      place: 'Nantes',
      slotMinutes: 20,
    });
    const modalityId = scheduled.body.modalityId as string;
    const modality = `${path}/modalities/${encodeURIComponent(modalityId)}`;
    const first = newDe();
    const second = newDe();
    const registrations: string[] = [];
    for (const de of [first, second]) {
      const registered = await kairos.api.post(`${modality}/registrations`, { de });
      expect(registered.status).toBe(201);
      registrations.push(`${path}/registrations/${encodeURIComponent(registered.body.registrationId as string)}`);
    }

    const moved = await kairos.api.patch(modality, { date: '2026-12-22', startTime: '13:00', endTime: '14:00' });
    expect(moved.status, moved.text).toBe(200);
    const events = await broker.recorded(moved.body.eventIds);
    expect(events.map((event) => event.record?.split('.').at(-1))).toEqual([
      'RecruitmentModalityRescheduled',
      'InvitationIssued',
      'InvitationIssued',
    ]);
    expect(events.slice(1).map((event) => event.value)).toMatchObject([
      { version: 2, date: '2026-12-22', time: '13:00', endTime: '13:20' },
      { version: 2, date: '2026-12-22', time: '13:20', endTime: '13:40' },
    ]);

    const { pdf, bytes } = await letterOf(kairos.api, registrations[1] as string, second, [
      'convocation mise à jour (version 2)',
      'annule et remplace la précédente',
      'le 22/12/2026',
      'de 13:20 à 13:40',
    ]);
    expect(pdf.subject).toContain('version 2');
    const sees = await rendered(bytes);
    for (const word of ['mise à jour', '22/12/2026', '13:20']) sees(word);
    const { text } = await letterOf(kairos.api, registrations[0] as string, first, ['le 22/12/2026', 'de 13:00']);
    expect(text).not.toContain('16/12/2026');
  });
});
