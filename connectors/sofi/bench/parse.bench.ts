/**
 * `npm run -w connectors/sofi bench:parse [-- --sessions 60000,400000]`
 *
 * Generates synthetic Intercarif-like LHEO exports (a regional one, 60 000 sessions, and a national one, 400 000)
 * with a streamed writer, then measures, each in its own child process so that peak RSS belongs to one run:
 *   - read:   the file's bytes read and thrown away (disk/page-cache floor);
 *   - sax:    the same bytes decoded and passed through saxes with no handlers (the XML floor);
 *   - import: readOfferSessions — parse, check, map every session to an OfferSession with its content hash.
 * Targets for the later import: 60 000 sessions < 60 s with peak RSS < 300 MB, and cost linear in size.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TextDecoder } from 'node:util';
import { SaxesParser } from 'saxes';
import { readOfferSessions } from '../src/read-offer-sessions.js';
import { generate } from './generate-export.js';

type Kind = 'read' | 'sax' | 'import';

interface Measure {
  kind: Kind;
  wallMs: number;
  peakRssMb: number;
  sessions: number;
  valid?: boolean;
}

/** Runs one measurement in this (child) process and prints it as JSON. */
async function measure(kind: Kind, file: string): Promise<void> {
  const started = performance.now();
  let sessions = 0;
  let valid: boolean | undefined;
  if (kind === 'read') {
    for await (const _chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
      // bytes only
    }
  } else if (kind === 'sax') {
    const parser = new SaxesParser({ xmlns: true, position: true });
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
      parser.write(decoder.decode(chunk as Buffer, { stream: true }));
    }
    parser.close();
  } else {
    const report = await readOfferSessions(file, {
      onSession: () => {
        sessions += 1;
      },
    });
    valid = report.valid && report.mappedSessions === sessions;
  }
  const wallMs = performance.now() - started;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ kind, wallMs, peakRssMb, sessions, valid } satisfies Measure));
}

function runChild(kind: Kind, file: string): Measure {
  const self = fileURLToPath(import.meta.url);
  const output = execFileSync(process.execPath, [...process.execArgv, self, '--child', kind, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output) as Measure;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await measure(args[1] as Kind, args[2] as string);
    return;
  }
  const sizesArg = args[args.indexOf('--sessions') + 1];
  const sizes = args.includes('--sessions') && sizesArg ? sizesArg.split(',').map(Number) : [60_000, 400_000];
  const directory = await mkdtemp(join(tmpdir(), 'sofi-bench-'));
  console.log(`Node ${process.version}, synthetic Intercarif-like LHEO 2.2 exports in ${directory}`);
  const rows: string[] = [];
  try {
    for (const sessions of sizes) {
      const file = join(directory, `export-${sessions}.xml`);
      const generationStarted = performance.now();
      await generate(file, sessions);
      const bytes = statSync(file).size;
      const megabytes = bytes / 1_048_576;
      console.log(
        `\n${sessions} sessions: ${megabytes.toFixed(0)} MB generated in ${((performance.now() - generationStarted) / 1000).toFixed(1)} s`,
      );
      runChild('read', file); // warm the page cache so every measurement reads from memory alike
      const read = runChild('read', file);
      const sax = runChild('sax', file);
      const imported = runChild('import', file);
      if (imported.valid !== true || imported.sessions !== sessions) {
        throw new Error(`import mapped ${imported.sessions} of ${sessions} sessions (valid: ${imported.valid})`);
      }
      for (const m of [read, sax, imported]) {
        const seconds = m.wallMs / 1000;
        const line =
          `  ${m.kind.padEnd(7)} ${seconds.toFixed(2).padStart(7)} s  ${(megabytes / seconds).toFixed(1).padStart(7)} MB/s` +
          `  ${Math.round(sessions / seconds)
            .toString()
            .padStart(8)} sessions/s  peak RSS ${m.peakRssMb.toFixed(0).padStart(4)} MB` +
          (m.kind === 'import' ? `  (×${(m.wallMs / sax.wallMs).toFixed(2)} the saxes baseline)` : '');
        console.log(line);
      }
      rows.push(
        `${sessions} sessions (${megabytes.toFixed(0)} MB): import ${(imported.wallMs / 1000).toFixed(1)} s, ` +
          `${Math.round(sessions / (imported.wallMs / 1000))} sessions/s, peak RSS ${imported.peakRssMb.toFixed(0)} MB, ` +
          `×${(imported.wallMs / sax.wallMs).toFixed(2)} saxes-only, µs/session ${((imported.wallMs * 1000) / sessions).toFixed(1)}`,
      );
      await rm(file);
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  console.log(`\nSummary\n  ${rows.join('\n  ')}`);
}

await main();
