/**
 * `npm run -w connectors/sofi bench:import [-- --sessions 60000,400000] [--heap-mb 256] [--json]`
 *
 * The SOFI import end to end on the real broker and registry: a synthetic export is imported into a fresh offer
 * topic (first import: every session published), then imported again by a fresh process (known offer rebuilt from
 * Kafka, nothing published). Each phase runs in its own child process so its peak RSS is its own. Baselines in the
 * same run: parse + map alone (readOfferSessions), the floor of a first import; and the first import itself, which
 * the re-import is compared with — import alone (the service rebuilds its known offer once, at start) and with the
 * rebuild (what a `sofi:import` CLI run pays). A re-import skips the formations whose text it knows (sourceHash).
 * Targets: 60 000 sessions first import < 60 s, peak RSS < 300 MB; re-import ≥ 3× faster; cost linear in size.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bus } from '@passerelle/bus';
import { stackConfig, status } from '@passerelle/infra/local-stack';
import { contracts } from '@passerelle/schemas';
import { createLogger, Metrics } from '@passerelle/service-kit';
import { OFFER_TOPIC, OfferImporter } from '../src/import/offer-importer.js';
import { readOfferSessions } from '../src/read-offer-sessions.js';
import { generate } from './generate-export.js';

type Phase = 'parse' | 'first-import' | 're-import';

interface Measure {
  phase: Phase;
  wallMs: number;
  importMs: number;
  peakRssMb: number;
  sessions: number;
  published: number;
  unchanged: number;
  /** Sessions of formations skipped as known (not mapped, not diffed). */
  skipped: number;
}

async function busFor(topic: string) {
  const brokers = process.env.KAFKA_BROKERS ?? stackConfig().kafkaBrokers;
  const registry = process.env.SCHEMA_REGISTRY_URL ?? stackConfig().schemaRegistryUrl;
  const bus = new Bus({
    config: {
      KAFKA_BROKERS: brokers.split(','),
      SCHEMA_REGISTRY_URL: registry,
      KAFKA_CLIENT_ID: `sofi-bench-${topic}`,
    },
    contracts: {
      ...contracts,
      topics: contracts.topics.map((t) => (t.name === OFFER_TOPIC ? { ...t, name: topic } : t)),
    },
    log: createLogger({ service: 'sofi-bench', level: 'warn' }),
    metrics: new Metrics({ defaultMetrics: false }),
  });
  await bus.ensureTopics();
  await bus.registerSchemas();
  return bus;
}

/** One phase, in this (child) process; prints its measure as JSON. */
async function measure(phase: Phase, file: string, topic: string): Promise<void> {
  const started = performance.now();
  let result = { importMs: 0, sessions: 0, published: 0, unchanged: 0, skipped: 0 };
  if (phase === 'parse') {
    const report = await readOfferSessions(file, { onSession: () => {} });
    result = {
      importMs: performance.now() - started,
      sessions: report.sessions,
      published: 0,
      unchanged: 0,
      skipped: 0,
    };
  } else {
    const bus = await busFor(topic);
    const importer = new OfferImporter({ bus, log: createLogger({ service: 'sofi-bench', level: 'warn' }), topic });
    await importer.known();
    const importStarted = performance.now();
    const report = await importer.import(file);
    result = {
      importMs: performance.now() - importStarted,
      sessions: report.sessions,
      published: report.published,
      unchanged: report.unchanged,
      skipped: report.skippedSessions,
    };
    await bus.stop();
  }
  const measured: Measure = {
    phase,
    wallMs: Math.round(performance.now() - started),
    ...result,
    importMs: Math.round(result.importMs),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(JSON.stringify(measured));
}

/**
 * The connector's heap bound (its start script runs with --max-old-space-size=256): a capped heap makes V8 collect
 * instead of growing; a national offer (400 000 sessions) needs `--heap-mb 512`.
 */
let heapMb = 256;

function runChild(phase: Phase, file: string, topic: string): Measure {
  const script = fileURLToPath(import.meta.url);
  const out = execFileSync(
    process.execPath,
    [
      `--max-old-space-size=${heapMb}`,
      '--conditions=passerelle-source',
      '--import',
      'tsx',
      script,
      '--child',
      phase,
      file,
      topic,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out.trim().split('\n').pop() as string) as Measure;
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return measure(args[1] as Phase, args[2] as string, args[3] as string);
  if (!process.env.KAFKA_BROKERS && !(await status()).kafka.answers) {
    throw new Error('No broker: run `npm run stack:up` (or set KAFKA_BROKERS and SCHEMA_REGISTRY_URL).');
  }
  const heapArg = args.indexOf('--heap-mb');
  if (heapArg >= 0) heapMb = Number(args[heapArg + 1]);
  const sizesArg = args.indexOf('--sessions');
  const sizes = (sizesArg >= 0 ? (args[sizesArg + 1] as string) : '60000').split(',').map(Number);
  const dir = await mkdtemp(join(tmpdir(), 'sofi-import-bench-'));
  const results = [];
  try {
    for (const sessions of sizes) {
      const file = join(dir, `export-${sessions}.xml`);
      await generate(file, sessions);
      const topic = `bench.offer.${sessions}.${randomBytes(4).toString('hex')}`;
      const parse = runChild('parse', file, topic);
      const first = runChild('first-import', file, topic);
      const again = runChild('re-import', file, topic);
      results.push({
        sessions,
        fileMb: Math.round(statSync(file).size / 1e6),
        parse,
        firstImport: { ...first, eventsPerSecond: Math.round(first.published / (first.importMs / 1000)) },
        reImport: {
          ...again,
          rebuildMs: again.wallMs - again.importMs,
          sessionsPerSecond: Math.round(again.sessions / (again.importMs / 1000)),
        },
        reImportSpeedup: Number((first.importMs / again.importMs).toFixed(2)),
        reImportWithRebuildSpeedup: Number((first.importMs / again.wallMs).toFixed(2)),
        firstImportVsParse: Number((first.importMs / parse.importMs).toFixed(2)),
        microsecondsPerSession: Math.round((first.importMs * 1000) / sessions),
        reImportMicrosecondsPerSession: Math.round((again.importMs * 1000) / sessions),
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (args.includes('--json')) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  for (const r of results) {
    console.log(`${r.sessions} sessions (${r.fileMb} MB), heap capped at ${heapMb} MB:`);
    console.log(`  parse + map only      ${(r.parse.importMs / 1000).toFixed(1)} s, peak RSS ${r.parse.peakRssMb} MB`);
    console.log(
      `  first import          ${(r.firstImport.importMs / 1000).toFixed(1)} s, ${r.firstImport.eventsPerSecond} events/s, ${r.firstImport.published} published, peak RSS ${r.firstImport.peakRssMb} MB (×${r.firstImportVsParse} parse)`,
    );
    console.log(
      `  no-change re-import   ${(r.reImport.importMs / 1000).toFixed(1)} s, ${r.reImport.sessionsPerSecond} sessions/s, ${r.reImport.published} published, ${r.reImport.skipped} sessions skipped, peak RSS ${r.reImport.peakRssMb} MB`,
    );
    console.log(
      `                        ${r.reImportSpeedup}× faster than the first import; with the known offer's rebuild (${(r.reImport.rebuildMs / 1000).toFixed(1)} s, as a CLI run): ${r.reImportWithRebuildSpeedup}×`,
    );
    console.log(
      `  ${r.microsecondsPerSession} µs per session (first import), ${r.reImportMicrosecondsPerSession} µs (re-import)`,
    );
  }
  const [smallest, largest] = [results[0], results.at(-1)];
  if (smallest && largest && largest !== smallest) {
    // Linear cost: the per-session cost stays flat as the export grows.
    console.log(
      `linearity (${largest.sessions} vs ${smallest.sessions} sessions, per-session cost ratio): first import ×${(largest.microsecondsPerSession / smallest.microsecondsPerSession).toFixed(2)}, re-import ×${(largest.reImportMicrosecondsPerSession / smallest.reImportMicrosecondsPerSession).toFixed(2)}`,
    );
  }
}

await main();
