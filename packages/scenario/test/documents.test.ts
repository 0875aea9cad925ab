import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderPdf } from '@passerelle/documents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../src/api.js';
import { fetchDocuments } from '../src/documents.js';
import { documentsOf, PATHS, planTrainees } from '../src/plan.js';
import type { TraineeRun } from '../src/runner.js';
import { summarise } from '../src/summary.js';

// The demo's side of the training documents: which trainees must have which, how they are downloaded and counted.
// Kairos's side (each document issued by its event on the real broker) is connectors/kairos/test/documents.int.test.ts;
// here an HTTP server answers the way Kairos does, so the client and the summary are checked without the whole system.

const TITLES: Record<string, string> = {
  'attestation-entree': 'Attestation d’entrée en formation',
  'attestation-absence-abandon': 'Attestation d’absence, d’abandon en formation',
  'bilan-fin-formation': 'Bilan de fin de formation',
};

let server: Server;
let kairos: Api;
/** The enrolment whose documents the server does not have (its event "not recorded"). */
const WITHOUT_DOCUMENTS = 'ENR-T0013';

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const match = /\/enrolments\/([^/]+)\/documents\/([a-z-]+)\.pdf$/.exec(request.url ?? '');
    const title = match ? TITLES[match[2] as string] : undefined;
    if (!match || !title || decodeURIComponent(match[1] as string) === WITHOUT_DOCUMENTS) {
      response.writeHead(404, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ type: 'about:blank', title: 'DOCUMENT_NOT_ISSUED', status: 404 }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/pdf' });
    response.end(await renderPdf({ title, blocks: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  kairos = new Api(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'token');
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const runsOf = (trainees: number): TraineeRun[] =>
  planTrainees(trainees, 'DOC').map((trainee) => ({
    trainee,
    sessionKey: `F|A|S${trainee.session}`,
    decision: trainee.path.decision,
    enrolmentId: `ENR-${trainee.id}`,
    failures: [],
  }));

describe('the training documents of the demo', () => {
  it('each path expects the documents its acts issue: entry, absence at entry, abandon, report', () => {
    const byPath = Object.fromEntries(PATHS.map((path) => [path.name, documentsOf(path)]));
    expect(byPath['retained, trained, exited']).toEqual(['attestationEntree', 'bilanFinFormation']);
    expect(byPath['transferred to another ICO, retained, absent at entry']).toEqual(['attestationAbsence']);
    expect(byPath['candidature: contacted, interviewed, retained, abandoned']).toEqual([
      'attestationEntree',
      'attestationAbandon',
    ]);
    expect(byPath['absent at the information collective']).toEqual([]);
  });

  it('when every document is served, then each is downloaded as a PDF, counted, and the check holds', async () => {
    const runs = runsOf(12);
    const documents = await fetchDocuments(kairos, runs);
    expect(documents).toEqual({
      made: { attestationEntree: 4, attestationAbsence: 1, attestationAbandon: 1, bilanFinFormation: 1 },
      expected: 7,
      missing: [],
    });
    const summary = summarise(
      {
        runId: 'DOC',
        sessions: [],
        trainees: runs,
        appointment: { date: '', time: '' },
        startedAt: new Date(),
        finishedAt: new Date(),
        activeMs: 0,
      },
      {},
      [],
      documents,
    );
    expect(summary.documents).toEqual(documents.made);
    expect(summary.checks.find((check) => check.name.startsWith('every entry'))).toMatchObject({ ok: true });
  });

  it('when a document the path expects is not there, then the check fails naming the trainee and the document', async () => {
    const runs = runsOf(24);
    const documents = await fetchDocuments(kairos, runs);
    expect(documents.expected).toBe(14);
    expect(documents.missing).toEqual([
      expect.stringMatching(/^T0013 attestationEntree: .*404 DOCUMENT_NOT_ISSUED/),
      expect.stringMatching(/^T0013 bilanFinFormation: /),
    ]);
    const check = summarise(
      {
        runId: 'DOC',
        sessions: [],
        trainees: runs,
        appointment: { date: '', time: '' },
        startedAt: new Date(),
        finishedAt: new Date(),
        activeMs: 0,
      },
      {},
      [],
      documents,
    ).checks.find((candidate) => candidate.name.startsWith('every entry'));
    expect(check).toMatchObject({ ok: false, detail: expect.stringContaining('T0013 attestationEntree') });
  });
});
