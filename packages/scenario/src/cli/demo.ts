/**
 * `npm run demo -- --trainees N`: plays the scenario against the running Passerelle (`npm start`), through its
 * HTTP APIs, and prints one JSON summary on stdout (progress on stderr). Exit 0 only when every journey ended
 * where the scenario expected and the OF got every training document (attestations, bilans) its acts issued.
 * `npm run demo -- --trainee T0007` prints that trainee's timeline from the last run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stackConfig } from '@passerelle/infra/local-stack';
import { Api } from '../api.js';
import { HttpPositioning } from '../channels.js';
import { fetchDocuments } from '../documents.js';
import { countEvents } from '../event-counts.js';
import { playScenario } from '../runner.js';
import { credentials, devSettings } from '../settings.js';
import { summarise } from '../summary.js';
import { journeyOf, readFinalStatuses } from '../verify.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};
const progress = (line: string) => process.stderr.write(`[demo] ${line}\n`);

const stack = stackConfig();
const lastRunFile = join(stack.stateDir, 'demo', 'last-run.json');
const settings = devSettings();
const tokens = credentials(settings);
const journey = new Api(settings.urls.journey as string, tokens.journeyOpsToken);

async function main(): Promise<number> {
  const traineeId = option('trainee');
  if (traineeId) return printTimeline(traineeId);

  const trainees = Number(option('trainees') ?? 24);
  if (!Number.isInteger(trainees) || trainees < 1) {
    progress('--trainees must be a positive whole number');
    return 2;
  }
  await requireRunning();
  const runId = `${Date.now().toString(36).slice(-5)}`.toUpperCase();
  const kairos = new Api(settings.urls.kairos as string, tokens.kairosToken.token);
  const run = await playScenario(
    {
      sofi: new Api(settings.urls.sofi as string, tokens.sofiToken),
      kairos,
      kairosAdviser: kairos.withToken(tokens.kairosAdviserToken),
      ofSirets: tokens.kairosToken.grant,
      positioning: new HttpPositioning(
        {
          ouiform: new Api(settings.urls.ouiform as string, tokens.ouiformToken),
          catalogue: new Api(settings.urls.catalogue as string),
          kairos,
          deTokenFor: tokens.deTokenFor,
          journeySecret: tokens.journeySecret,
        },
        runId,
      ),
      journey,
      catalogue: new Api(settings.urls.catalogue as string, tokens.catalogueSearchToken),
    },
    { trainees, runId, progress },
  );
  progress('reading every journey from the journey service');
  await readFinalStatuses(journey, run);
  const eventsByType = await countEvents(
    { brokers: stack.kafkaBrokers, schemaRegistryUrl: stack.schemaRegistryUrl },
    new Set(run.sessions.map((session) => session.sessionKey)),
  );
  progress('downloading the attestations and bilans of the trainees who reached them');
  const documents = await fetchDocuments(kairos, run.trainees);
  const summary = summarise(run, eventsByType, [], documents);
  mkdirSync(dirname(lastRunFile), { recursive: true });
  writeFileSync(
    lastRunFile,
    JSON.stringify({
      runId: run.runId,
      trainees: Object.fromEntries(
        run.trainees.map((t) => [t.trainee.id, { journeyId: t.journeyId, path: t.trainee.path.name }]),
      ),
    }),
  );
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  progress(summary.ok ? 'every journey ended where expected' : 'some journeys did not end where expected (see checks)');
  return summary.ok ? 0 : 1;
}

async function requireRunning() {
  const down: string[] = [];
  for (const [name, url] of Object.entries(settings.urls)) {
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (!ready) down.push(`${name} (${url})`);
  }
  if (down.length > 0) {
    throw new Error(
      `Passerelle is not running or not ready: ${down.join(', ')}. Start it with \`npm start\`, then run the demo.`,
    );
  }
}

async function printTimeline(traineeId: string): Promise<number> {
  let last: { runId: string; trainees: Record<string, { journeyId?: string; path: string }> };
  try {
    last = JSON.parse(readFileSync(lastRunFile, 'utf8'));
  } catch {
    progress(`No demo run recorded yet (${lastRunFile}): run \`npm run demo -- --trainees 24\` first.`);
    return 2;
  }
  const trainee = last.trainees[traineeId];
  if (!trainee?.journeyId) {
    progress(`No trainee ${traineeId} with a journey in run ${last.runId}.`);
    return 2;
  }
  const view = await journeyOf(journey, { journeyId: trainee.journeyId });
  if (!view) {
    progress(`The journey service does not know ${traineeId}'s journey any more (erased?).`);
    return 1;
  }
  const lines = [
    `${traineeId} — ${trainee.path} — run ${last.runId}`,
    `journey ${view.journeyId} on ${view.sessionKey}: ${view.status} (${view.sourceLabel ?? ''})`,
    ...view.timeline.map(
      (step) =>
        `  ${step.occurredAt}  ${(step.status ?? '').padEnd(22)} ${(step.sourceLabel ?? '').padEnd(28)} ${step.record.padEnd(30)} ${step.actor?.kind ?? ''}${step.anomaly ? `  ⚠ ${step.anomaly}` : ''}`,
    ),
    ...(view.anomalies.length > 0 ? ['anomalies:', ...view.anomalies.map((a) => `  ${a}`)] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
