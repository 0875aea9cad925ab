import { inspectPdf, renderPdf } from '@passerelle/documents';
import { describe, expect, it } from 'vitest';
import { frenchDate, trainingDocument } from '../../src/documents/training-documents.js';
import { at, de, Scenario } from './scenario.js';

const textOf = async (scenario: Scenario, enrolmentId: string, name: Parameters<typeof trainingDocument>[2]) => {
  const answer = trainingDocument(scenario.current, enrolmentId, name, scenario.now);
  if (answer.kind !== 'issued') throw new Error(`${name} not issued: ${answer.kind}`);
  const pdf = await inspectPdf(await renderPdf(answer.spec));
  return { pdf, text: pdf.pages.join('\n') };
};

describe('the training documents (attestations, bilan)', () => {
  it('when a DE retained after an ICO enters, then the attestation names the DE of the registration, not of the enrolment event', async () => {
    const scenario = new Scenario();
    const registrationId = scenario.present(1);
    const enrolmentId = scenario.accept({ type: 'registration.result', registrationId, result: 'RETENU' }).result
      .enrolmentId as string;
    expect(trainingDocument(scenario.current, enrolmentId, 'attestation-entree', scenario.now)).toEqual({
      kind: 'not-issued',
      requires: 'the entry (entrée effective)',
    });
    scenario.now = at('2027-02-01T10:00:00');
    scenario.accept({ type: 'enrolment.entry', enrolmentId, entryDate: '2027-01-11' });
    const { pdf, text } = await textOf(scenario, enrolmentId, 'attestation-entree');
    expect(text).toContain(`Identifiant France Travail\n${de(1).deIdentifier}`);
    expect(text).toContain(`Nom\n${de(1).lastName}`);
    expect(text).toContain('Date d’entrée effective\n11/01/2027');
    expect(text).toContain('Établie le 01/02/2027');
    expect(JSON.stringify([pdf.title, pdf.author, pdf.subject, pdf.keywords])).not.toContain(de(1).lastName);
  });

  it('when a trainee is out and reported, then the bilan sums attendance and prints the exit reason in French', async () => {
    const scenario = new Scenario();
    const enrolmentId = scenario.entered(2);
    for (const [from, to, presentHours] of [
      ['2027-01-11', '2027-01-15', 30],
      ['2027-01-18', '2027-01-22', 32.5],
    ] as const)
      scenario.accept({ type: 'enrolment.attendance', enrolmentId, from, to, presentHours, absentHours: 2 });
    scenario.now = at('2027-07-01T10:00:00');
    scenario.accept({ type: 'enrolment.exit', enrolmentId, date: '2027-06-30', reason: 'EMPLOYMENT' });
    scenario.accept({ type: 'enrolment.report', enrolmentId, completion: 'PARTIAL', completionRate: 0.5 });
    const { text } = await textOf(scenario, enrolmentId, 'bilan-fin-formation');
    for (const expected of [
      'Fin de formation\nsortie le 30/06/2027 (reprise d’emploi)',
      'Heures de présence\n62,5 h',
      'Heures d’absence\n4 h',
      'Réalisation\npartielle',
      'Taux de réalisation\n50 %',
    ])
      expect(text).toContain(expected);
  });

  it('when an id is not an enrolment of the session, then it is unknown; LHEO partial dates print at their precision', () => {
    const scenario = new Scenario();
    expect(trainingDocument(scenario.current, 'ENR-none', 'bilan-fin-formation', scenario.now)).toEqual({
      kind: 'unknown-enrolment',
    });
    expect([frenchDate('2027-01-11'), frenchDate('2027-01'), frenchDate(null)]).toEqual([
      '11/01/2027',
      '01/2027',
      'non renseignée',
    ]);
  });
});
