import { describe, expect, it } from 'vitest';
import { renderPdf } from '../index.js';
import { normaliseText, readRenderedPdf } from './index.js';

describe('readRenderedPdf', () => {
  it('when a French document is rendered to PNG and read back, then its title, accented words and numbers are there', async () => {
    const pdf = await renderPdf({
      title: 'Attestation d’entrée en formation',
      blocks: [{ kind: 'fields', rows: [['Date d’entrée', 'le 11/01/2027']] }],
      createdAt: new Date('2026-12-01T10:00:00Z'),
    });
    const pages = await readRenderedPdf(pdf);
    expect(pages).toHaveLength(1);
    const text = normaliseText(pages[0] ?? '');
    expect(text).toContain("attestation d'entree en formation");
    expect(text).toContain('11/01/2027');
  });

  it('normalises case, accents, typographic apostrophes and whitespace', () => {
    expect(normaliseText('  Bilan  de FIN\nde formation — l’Été ')).toBe("bilan de fin de formation - l'ete");
  });
});
