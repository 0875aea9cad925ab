import { describe, expect, it } from 'vitest';
import { inspectPdf, renderPdf } from './index.js';

describe('renderPdf', () => {
  it('when a letter has French text, then it parses back with its title, metadata and every accented word', async () => {
    const pdf = await renderPdf({
      title: 'Confirmation de votre demande de contact',
      subtitle: 'Trouver ma formation — France Travail',
      author: 'Passerelle',
      subject: 'Confirmation TMF',
      keywords: ['confirmation', 'candidature'],
      createdAt: new Date('2026-03-02T08:30:00Z'),
      blocks: [
        {
          kind: 'paragraph',
          text: "L'organisme de formation vous recontactera pour fixer la date de l'entretien « très » vite.",
        },
        { kind: 'heading', text: 'Votre demande' },
        {
          kind: 'fields',
          rows: [
            ['Formation', 'Préparateur(trice) de commandes – œuvre, coût 0 €'],
            ['Période de réception', 'du 01/03/2026 au 31/03/2026'],
            ['Vide', ''],
          ],
        },
      ],
      footer: 'Document généré par Passerelle',
    });

    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const parsed = await inspectPdf(pdf);
    expect(parsed.pageCount).toBe(1);
    expect(parsed.title).toBe('Confirmation de votre demande de contact');
    expect(parsed.author).toBe('Passerelle');
    expect(parsed.subject).toBe('Confirmation TMF');
    expect(parsed.keywords).toBe('confirmation candidature');
    const text = parsed.pages.join('\n');
    for (const expected of [
      'Confirmation de votre demande de contact',
      "L'organisme de formation vous recontactera",
      '« très » vite.',
      'Préparateur(trice) de commandes – œuvre, coût 0 €',
      'Période de réception',
      'page 1 / 1',
    ])
      expect(text).toContain(expected);
  });

  it('when text is long, then it wraps within the page and flows onto new pages with numbered footers', async () => {
    const paragraph =
      'Une formation qualifiante en logistique, préparation de commandes et conduite de chariots. '.repeat(12);
    const pdf = await renderPdf({
      title: 'Fiche',
      blocks: Array.from({ length: 12 }, () => ({ kind: 'paragraph' as const, text: paragraph })),
    });
    const parsed = await inspectPdf(pdf);
    expect(parsed.pageCount).toBeGreaterThan(1);
    expect(parsed.pages.at(-1)).toContain(`page ${parsed.pageCount} / ${parsed.pageCount}`);
    for (const page of parsed.pages) for (const line of page.split('\n')) expect(line.length).toBeLessThan(120);
  });

  it('when text holds characters WinAnsi cannot print, then they become "?" and the document is still made', async () => {
    const parsed = await inspectPdf(await renderPdf({ title: 'Émoji 🎓 et 漢字', blocks: [] }));
    expect(parsed.pages[0]).toContain('Émoji ? et ??');
  });

  it('when rendered twice with the same creation date, then the bytes are identical', async () => {
    const spec = { title: 'Fiche', createdAt: new Date('2026-01-01T00:00:00Z'), blocks: [] };
    expect((await renderPdf(spec)).equals(await renderPdf(spec))).toBe(true);
  });
});
