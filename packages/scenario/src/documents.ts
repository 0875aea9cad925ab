import { inspectPdf } from '@passerelle/documents';
import { type Api, seg } from './api.js';
import { documentsOf, type TrainingDocumentKind } from './plan.js';
import { forEachLimited, type TraineeRun } from './runner.js';

/** Where Kairos serves each document of an enrolment, and the title it must carry. */
const DOCUMENTS: Record<TrainingDocumentKind, { name: string; title: string }> = {
  attestationEntree: { name: 'attestation-entree', title: 'Attestation d’entrée en formation' },
  attestationAbsence: { name: 'attestation-absence-abandon', title: 'Attestation d’absence, d’abandon en formation' },
  attestationAbandon: { name: 'attestation-absence-abandon', title: 'Attestation d’absence, d’abandon en formation' },
  bilanFinFormation: { name: 'bilan-fin-formation', title: 'Bilan de fin de formation' },
};

export interface DocumentsMade {
  /** PDFs downloaded and checked, per document. */
  made: Record<TrainingDocumentKind, number>;
  /** How many the paths of the trainees that played them without failure expect. */
  expected: number;
  /** The ones missing or wrong: `T0001 attestationEntree: …`. */
  missing: string[];
}

/**
 * The OF downloads the documents of its trainees once their events are recorded: the attestation d'entrée, the
 * attestation d'absence / d'abandon and the bilan de fin de formation, each a PDF with the expected title. Trainees
 * whose path already failed are left to the check that reports them.
 */
export async function fetchDocuments(
  kairos: Api,
  runs: readonly TraineeRun[],
  concurrency = 6,
): Promise<DocumentsMade> {
  const made = Object.fromEntries(Object.keys(DOCUMENTS).map((kind) => [kind, 0])) as Record<
    TrainingDocumentKind,
    number
  >;
  const missing: string[] = [];
  let expected = 0;
  const wanted = runs.filter((run) => run.failures.length === 0 && run.decision === 'ACCEPTED');
  await forEachLimited(wanted, concurrency, async (run) => {
    for (const kind of documentsOf(run.trainee.path)) {
      expected += 1;
      const { name, title } = DOCUMENTS[kind];
      const path = `/sessions/${seg(run.sessionKey)}/enrolments/${seg(run.enrolmentId ?? '')}/documents/${name}.pdf`;
      try {
        const { body } = await kairos.call<unknown>('GET', path);
        if (!Buffer.isBuffer(body)) throw new Error('not a file');
        const pdf = await inspectPdf(body);
        if (pdf.title !== title) throw new Error(`titled ${JSON.stringify(pdf.title)}`);
        made[kind] += 1;
      } catch (error) {
        missing.push(`${run.trainee.id} ${kind}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  });
  return { made, expected, missing };
}
