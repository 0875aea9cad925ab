import { inspectPdf, renderPdf } from '@passerelle/documents';
import { describe, expect, it } from 'vitest';
import { ficheRegionale } from '../../src/documents/fiche-regionale.js';
import { Scenario } from './scenario.js';

describe('the fiche régionale', () => {
  it('when a registered DE has a fiche, then it names the session, the DE and the RDV, in French, and keeps the DE out of the metadata', async () => {
    const scenario = new Scenario();
    const registrationId = scenario.register(scenario.ico(3), 1);
    const fiche = ficheRegionale(scenario.current, registrationId, scenario.now);
    if (!fiche) throw new Error('a registered DE has a fiche');
    const pdf = await inspectPdf(await renderPdf(fiche));
    const text = pdf.pages.join('\n');
    expect(text).toContain('Fiche régionale du candidat');
    expect(text).toContain(`Session\n${scenario.current.sessionKey}`);
    expect(text).toContain('Nom – Prénom\nNom1 Prénom1');
    expect(text).toContain('Information collective\nle 2026-12-10');
    expect(text).toContain('Statut\nInscrit');
    expect(text).toContain('Pas d’inscription en formation.');
    expect(pdf.title).toBe('Fiche régionale du candidat');
    expect(JSON.stringify({ title: pdf.title, author: pdf.author })).not.toContain('Nom1');
  });

  it('when the id is neither a registration nor a candidature of the session, then there is no fiche', () => {
    const scenario = new Scenario();
    expect(ficheRegionale(scenario.current, 'REG-unknown', scenario.now)).toBeUndefined();
  });
});
