import { inspectPdf } from '@passerelle/documents';
import { normaliseText, readRenderedPdf } from '@passerelle/documents/testing';
import { describe, expect, it } from 'vitest';
import { type Api, newDe, useKairos } from './harness.js';

// The training documents France Travail pays on — attestation d'entrée, attestation d'absence / d'abandon, bilan de
// fin de formation — driven by the OF's acts on the real broker, fetched as PDFs, parsed back and read back from
// their rendering (PNG + OCR): what a reader at France Travail would see.

const { broker, clock, kairos, newSession } = useKairos();

type De = ReturnType<typeof newDe>;

/** The enrolment's document: a PDF whose metadata names no one, whose text (parsed and rendered) holds `expected`. */
async function documentOf(api: Api, enrolment: string, name: string, de: De, expected: readonly string[]) {
  const response = await api.get(`${enrolment}/documents/${name}.pdf`);
  expect(response.status, `${name}: ${response.text}`).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/pdf');
  expect(response.headers.get('cache-control')).toBe('no-store');
  const pdf = await inspectPdf(response.bytes);
  const metadata = [pdf.title, pdf.author, pdf.subject, pdf.keywords].join(' | ');
  for (const personal of [de.deIdentifier, de.lastName, de.firstName]) expect(metadata).not.toContain(personal);
  expect(pdf.subject).toContain(decodeURIComponent(enrolment.split('/').at(-1) ?? ''));
  // The identity France Travail pays on is printed, and read from the events.
  const text = pdf.pages.join('\n');
  for (const printed of [de.deIdentifier, de.lastName, de.firstName, ...expected]) expect(text).toContain(printed);

  // OCR may drop or add a space ("95 %" read "95%"): compared without spaces, after case and accents are folded.
  const squeezed = (text: string) => normaliseText(text).replaceAll(' ', '');
  const rendered = squeezed((await readRenderedPdf(response.bytes)).join('\n'));
  for (const seen of [pdf.title ?? '', 'Titre professionnel Agent de restauration', de.deIdentifier, ...expected])
    expect(rendered, `${name} as rendered`).toContain(squeezed(seen));
  return pdf;
}

describe('training documents (attestations, bilan) through the OF API', () => {
  it('E2/E3/E5/E6: entry, absence at entry, abandon and the end-of-training report each issue their PDF; none before its event', async () => {
    clock.set('2026-12-01T10:00:00Z');
    const { path } = await newSession(5);
    const propose = async () => {
      const de = newDe();
      const proposed = await kairos.api.post(`${path}/enrolments`, { de });
      expect(proposed.status).toBe(201);
      return { de, enrolment: `${path}/enrolments/${encodeURIComponent(proposed.body.enrolmentId as string)}` };
    };
    const completes = await propose();
    const absent = await propose();
    const quits = await propose();

    // No event, no document: the enrolment exists, its attestation does not yet.
    const early = await kairos.api.get(`${completes.enrolment}/documents/attestation-entree.pdf`);
    expect(early.status).toBe(404);
    expect(early.headers.get('content-type')).toContain('application/problem+json');
    expect(early.body.rule).toBe('DOCUMENT_NOT_ISSUED');
    expect((await kairos.api.get(`${path}/enrolments/ENR-none/documents/attestation-entree.pdf`)).status).toBe(404);
    expect((await kairos.other.get(`${completes.enrolment}/documents/attestation-entree.pdf`)).status).toBe(403);
    expect(
      (await kairos.api.request('GET', `${completes.enrolment}/documents/bilan-fin-formation.pdf`, undefined, null))
        .status,
    ).toBe(401);

    clock.set('2027-01-11T10:00:00Z');
    const absence = await kairos.api.post(`${absent.enrolment}/absence-at-entry`, {});
    expect(await broker.recordNames(absence.body.eventIds)).toEqual(['AbsenceAtEntryRecorded']);
    for (const { enrolment } of [completes, quits]) {
      const entry = await kairos.api.post(`${enrolment}/entry`, { entryDate: '2027-01-11' });
      expect(await broker.recordNames(entry.body.eventIds)).toEqual(['EntryRecorded']);
    }

    clock.set('2027-02-01T10:00:00Z');
    const abandon = await kairos.api.post(`${quits.enrolment}/abandon`, { date: '2027-01-20', reason: 'Déménagement' });
    expect(await broker.recordNames(abandon.body.eventIds)).toEqual(['AbandonRecorded']);
    const attendance = await kairos.api.post(`${completes.enrolment}/attendance`, {
      from: '2027-01-11',
      to: '2027-01-29',
      presentHours: 98,
      absentHours: 7,
    });
    expect(await broker.recordNames(attendance.body.eventIds)).toEqual(['AttendancePeriodRecorded']);

    clock.set('2027-07-01T10:00:00Z');
    const exit = await kairos.api.post(`${completes.enrolment}/exit`, {
      date: '2027-06-30',
      reason: 'END_OF_TRAINING',
    });
    expect(await broker.recordNames(exit.body.eventIds)).toEqual(['ExitRecorded']);
    const bilanBefore = await kairos.api.get(`${completes.enrolment}/documents/bilan-fin-formation.pdf`);
    expect(bilanBefore.body.rule).toBe('DOCUMENT_NOT_ISSUED');
    const report = await kairos.api.post(`${completes.enrolment}/report`, {
      completion: 'TOTAL',
      completionRate: 0.95,
      summary: 'Objectifs atteints',
    });
    expect(await broker.recordNames(report.body.eventIds)).toEqual(['EndOfTrainingReportRecorded']);

    const entered = await documentOf(kairos.api, completes.enrolment, 'attestation-entree', completes.de, [
      '11/01/2027',
    ]);
    expect(entered.title).toBe('Attestation d’entrée en formation');
    await documentOf(kairos.api, quits.enrolment, 'attestation-entree', quits.de, ['11/01/2027']);
    const absentAtEntry = await documentOf(kairos.api, absent.enrolment, 'attestation-absence-abandon', absent.de, [
      'Absence à l’entrée en formation',
      '11/01/2027',
    ]);
    expect(absentAtEntry.title).toBe('Attestation d’absence, d’abandon en formation');
    await documentOf(kairos.api, quits.enrolment, 'attestation-absence-abandon', quits.de, [
      'Abandon en cours de formation',
      '20/01/2027',
      'Déménagement',
    ]);
    const bilan = await documentOf(kairos.api, completes.enrolment, 'bilan-fin-formation', completes.de, [
      'Bilan de fin de formation',
      '30/06/2027',
      '95 %',
      'Objectifs atteints',
    ]);
    expect(bilan.pages.join('\n')).toContain('98 h');

    // Each document exists only for the event it attests.
    for (const [enrolment, name] of [
      [absent.enrolment, 'attestation-entree'],
      [completes.enrolment, 'attestation-absence-abandon'],
      [quits.enrolment, 'bilan-fin-formation'],
    ] as const) {
      const missing = await kairos.api.get(`${enrolment}/documents/${name}.pdf`);
      expect(missing.status, `${name} of ${enrolment}`).toBe(404);
      expect(missing.body.rule).toBe('DOCUMENT_NOT_ISSUED');
    }
    clock.set('2026-12-01T10:00:00Z');
  });
});
