import { describe, expect, it } from 'vitest';
import { ficheRegionale } from '../../src/documents/fiche-regionale.js';
import { renderPdf } from '../../src/documents/pdf.js';
import { Scenario } from './scenario.js';

/** Checks the cross-reference table: every object starts exactly where the xref says. */
function checkStructure(pdf: Buffer) {
  const text = pdf.toString('latin1');
  expect(text.startsWith('%PDF-1.4\n')).toBe(true);
  expect(text.endsWith('%%EOF\n')).toBe(true);
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
  expect(text.slice(startxref, startxref + 4)).toBe('xref');
  const entries = text
    .slice(startxref)
    .split('\n')
    .slice(3)
    .filter((line) => / 00000 n $/.test(line));
  entries.forEach((entry, index) => {
    const offset = Number(entry.slice(0, 10));
    expect(text.slice(offset, offset + `${index + 1} 0 obj`.length)).toBe(`${index + 1} 0 obj`);
  });
  const length = Number(/\/Length (\d+) >>\nstream\n/.exec(text)?.[1]);
  const start = text.indexOf('stream\n') + 'stream\n'.length;
  expect(text.slice(start + length, start + length + '\nendstream'.length)).toBe('\nendstream');
  return text;
}

describe('the fiche régionale PDF', () => {
  it('when rendered, then a well-formed PDF whose text keeps French accents (WinAnsi) and escapes parentheses', () => {
    const text = checkStructure(renderPdf([{ text: 'Élève (présent) – œuvre’s \\ ok' }], { title: 'Test' }));
    expect(text).toContain(Buffer.from([0xc9]).toString('latin1')); // É
    expect(text).toContain('\\(pr');
    expect(text).toContain(
      `${String.fromCharCode(0x96)} ${String.fromCharCode(0x9c)}uvre${String.fromCharCode(0x92)}s \\\\ ok`,
    );
  });

  it('when a registered DE has a fiche, then it names the session, the DE and the RDV; unknown ids have none', () => {
    const scenario = new Scenario();
    const registrationId = scenario.register(scenario.ico(3), 1);
    const pdf = ficheRegionale(scenario.current, registrationId, scenario.now);
    const text = checkStructure(pdf ?? Buffer.alloc(0));
    expect(text).toContain('Nom1 Pr');
    expect(text).toContain('Information collective du 2026-12-10');
    expect(text).toContain('Statut : Inscrit');
    expect(ficheRegionale(scenario.current, 'REG-unknown', scenario.now)).toBeUndefined();
  });
});
