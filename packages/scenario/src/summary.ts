import type { DocumentsMade } from './documents.js';
import type { ScenarioRun, TraineeRun } from './runner.js';

export interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface ScenarioSummary {
  runId: string;
  trainees: number;
  sessions: number;
  byFinalStatus: Record<string, number>;
  eventsByType: Record<string, number>;
  /** The training documents (PDF) the OF downloaded, per document, when the run fetched them. */
  documents?: Record<string, number>;
  checks: Check[];
  ok: boolean;
  durationMs: number;
}

/**
 * The demo's answer: one JSON document. `ok` only when every journey ended where its path said and every check
 * held; each check names what it verified so a failing run says what went wrong.
 */
export function summarise(
  run: ScenarioRun,
  eventsByType: Record<string, number>,
  extraChecks: readonly Check[] = [],
  documents?: DocumentsMade,
): ScenarioSummary {
  const byFinalStatus: Record<string, number> = {};
  for (const trainee of run.trainees) {
    const status = trainee.finalStatus ?? 'UNKNOWN';
    byFinalStatus[status] = (byFinalStatus[status] ?? 0) + 1;
  }
  const misplaced = run.trainees.filter((t) => t.finalStatus !== t.trainee.path.expected);
  const failed = run.trainees.filter((t) => t.failures.length > 0);
  const checks: Check[] = [
    {
      name: 'every journey ended in the status its path expects',
      ok: misplaced.length === 0,
      ...(misplaced.length > 0
        ? { detail: describe(misplaced, (t) => `${t.finalStatus ?? 'none'} ≠ ${t.trainee.path.expected}`) }
        : {}),
    },
    {
      name: 'every act of the scenario was accepted (or refused exactly where the path expects)',
      ok: failed.length === 0,
      ...(failed.length > 0 ? { detail: describe(failed, (t) => t.failures.join('; ')) } : {}),
    },
    lettersCheck(run),
    ...(documents ? [documentsCheck(documents)] : []),
    ...(run.listings
      ? [
          {
            name: 'every imported session reached AUDEF, OUIFORM, TMF and MA_FORMATION with its modalities',
            ok: run.listings.listed === run.listings.sessions * run.listings.channels.length,
            detail: `${run.listings.listed} of ${run.listings.sessions * run.listings.channels.length} listings, in ${run.listings.ms} ms`,
          },
        ]
      : []),
    ...extraChecks,
  ];
  return {
    runId: run.runId,
    trainees: run.trainees.length,
    sessions: run.sessions.length,
    byFinalStatus: sortKeys(byFinalStatus),
    eventsByType: sortKeys(eventsByType),
    ...(documents ? { documents: documents.made } : {}),
    checks,
    ok: checks.every((check) => check.ok),
    durationMs: run.finishedAt.getTime() - run.startedAt.getTime(),
  };
}

/** A DE's contact request on a candidature window, from a channel, comes with the letter saying the OF will call. */
function lettersCheck(run: ScenarioRun): Check {
  const candidates = run.trainees.filter(
    (t) => t.trainee.path.origin !== 'OUIFORM' && t.trainee.path.target === 'WINDOW' && t.decision === 'ACCEPTED',
  );
  const without = candidates.filter((t) => !t.letterBytes);
  return {
    name: `every candidature sent from a channel came with its confirmation letter (${candidates.length} letters)`,
    ok: without.length === 0,
    ...(without.length > 0 ? { detail: describe(without, () => 'no letter') } : {}),
  };
}

/** An entry, an absence at entry, an abandon or an end-of-training report issues its document. */
function documentsCheck(documents: DocumentsMade): Check {
  const made = Object.values(documents.made).reduce((sum, count) => sum + count, 0);
  return {
    name: `every entry, absence at entry, abandon and end-of-training report issued its PDF (${made} of ${documents.expected} documents)`,
    ok: documents.missing.length === 0 && made === documents.expected,
    ...(documents.missing.length > 0
      ? {
          detail:
            documents.missing.slice(0, 5).join(' | ') +
            (documents.missing.length > 5 ? ` | … ${documents.missing.length - 5} more` : ''),
        }
      : {}),
  };
}

const describe = (runs: TraineeRun[], what: (run: TraineeRun) => string) =>
  runs
    .slice(0, 5)
    .map((run) => `${run.trainee.id} (${run.trainee.path.name}): ${what(run)}`)
    .join(' | ') + (runs.length > 5 ? ` | … ${runs.length - 5} more` : '');

const sortKeys = (record: Record<string, number>) =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
