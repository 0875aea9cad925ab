import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patience } from '@passerelle/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, formation, lheo, readAll } from './helpers.js';

// Issue 14, point 1: memory stays bounded whatever the number of sessions. A limit on sessions per export refuses
// what is beyond it; below it, what is kept per session is small; and a process near its heap limit refuses the
// file with a complete report instead of dying of an out-of-memory (exit 134, output cut short).

const cli = fileURLToPath(new URL('../src/cli/check.ts', import.meta.url));

describe('limits in the reading', () => {
  it('when an export has more sessions than the limit, then it is refused at the first one beyond', async () => {
    const xml = lheo(formation({ numero: 'F1' }) + formation({ numero: 'F2' }) + formation({ numero: 'F3' }));

    const { report } = await readAll(bytes(xml), { limits: { maxSessions: 2 } });

    expect(report).toMatchObject({ valid: false, errorCount: 1 });
    expect(report.errors).toEqual([
      {
        line: 25,
        path: '/lheo/offres/formation[3]/action[1]/session[1]',
        message: 'more than 2 sessions in one export: over the limit (SOFI_MAX_SESSIONS)',
      },
    ]);
  });

  it('when the heap is fuller than the budget, then reading stops with the reason in the report', async () => {
    const { report } = await readAll(bytes(lheo(formation())), { limits: { maxHeapFraction: 0 } });

    expect(report.valid).toBe(false);
    expect(report.errors[0]?.message).toMatch(/^heap budget exceeded: \d+ MB of the \d+ MB heap in use/);
  });
});

/** A LHEO export of `sessions` sessions of one `numero` attribute each, `perFormation` to a formation, streamed. */
async function minimalExport(file: string, sessions: number, perFormation: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="http://lheo.gouv.fr/2.3">\n<offres>\n');
  const responsible =
    '<organisme-formation-responsable><SIRET-organisme-formation><SIRET>12345678900013</SIRET>' +
    '</SIRET-organisme-formation></organisme-formation-responsable>\n';
  for (let written = 0, f = 0; written < sessions; f++) {
    const parts = [
      `<formation numero="F${f}">\n<intitule-formation>Soudeur</intitule-formation>\n<action numero="A">\n`,
    ];
    for (let s = 0; s < perFormation && written < sessions; s++, written++)
      parts.push(`<session numero="${written}"/>\n`);
    parts.push(`</action>\n${responsible}</formation>\n`);
    await write(parts.join(''));
  }
  await write('</offres>\n</lheo>\n');
  out.end();
  await once(out, 'finish');
}

interface CheckRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Peak resident memory of the CLI process, from /proc (null where there is none). */
  peakRssMb: number | null;
  elapsedMs: number;
}

/** `sofi:check` as its npm script runs it (one node process), stdout to `output`, its peak RSS sampled from /proc. */
async function checkInProcess(file: string, output: string, heapMb: number): Promise<CheckRun> {
  const started = performance.now();
  const out = createWriteStream(output);
  const written = once(out, 'close');
  const { INIT_CWD: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, ['--conditions=passerelle-source', '--import', 'tsx', cli, file], {
    env: { ...env, NODE_OPTIONS: `--max-old-space-size=${heapMb}`, SOFI_MAX_SESSIONS: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.pipe(out);
  let peakKb: number | null = null;
  const sample = () => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      if (hwm !== undefined) peakKb = Math.max(peakKb ?? 0, Number(hwm));
    } catch {
      // The process has exited, or there is no /proc here.
    }
  };
  const sampler = setInterval(sample, 50);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearInterval(sampler);
  await written;
  return { code, signal, peakRssMb: peakKb === null ? null : peakKb / 1024, elapsedMs: performance.now() - started };
}

const SUMMARY = '{"formation":';
const AFTER_SESSIONS = '],"valid":';

/** Reads a report too large to parse whole: how many session summaries it lists, and the fields after them. */
async function streamedReport(output: string): Promise<{ sessions: number; rest: Record<string, unknown> }> {
  let sessions = 0;
  let head = '';
  let carry = ''; // shorter than a summary start: none is counted twice, none is cut unseen
  let rest: string | undefined;
  for await (const chunk of createReadStream(output, { encoding: 'utf8' })) {
    if (rest !== undefined) {
      rest += chunk;
      continue;
    }
    const text = carry + (chunk as string);
    head ||= text.slice(0, 13);
    const end = text.indexOf(AFTER_SESSIONS);
    sessions += text.slice(0, end < 0 ? text.length : end).split(SUMMARY).length - 1;
    if (end >= 0) rest = `{${text.slice(end + 2)}`;
    carry = text.slice(-(SUMMARY.length - 1));
  }
  expect(head).toBe('{"sessions":[');
  expect(rest).toBeDefined();
  return { sessions, rest: JSON.parse(rest as string) as Record<string, unknown> };
}

describe('sofi:check at scale, with the connector heap', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sofi-memory-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'when an export has 3 million minimal sessions, then a 256 MB heap refuses it at the session limit with a complete report, under 300 MB',
    async () => {
      const file = join(dir, 'three-million.xml');
      await minimalExport(file, 3_000_000, 1000);
      expect((await stat(file)).size).toBeGreaterThan(80_000_000);

      const run = await checkInProcess(file, join(dir, 'three-million.json'), 256);

      expect({ code: run.code, signal: run.signal }).toEqual({ code: 1, signal: null });
      const { sessions, rest } = await streamedReport(join(dir, 'three-million.json'));
      // The summaries of the formations handed over before the refusal (those of its last slice of text are not).
      expect(sessions).toBeGreaterThan(990_000);
      expect(sessions).toBeLessThanOrEqual(1_000_000);
      expect(rest).toMatchObject({ valid: false, formations: 1000, errorCount: 1 });
      // 3 lines before the first formation, 1006 lines per formation, its session after 3 lines of its own.
      expect(rest.errors).toEqual([
        {
          line: 3 + 1000 * 1006 + 4,
          path: '/lheo/offres/formation[1001]/action[1]/session[1]',
          message: 'more than 1000000 sessions in one export: over the limit (SOFI_MAX_SESSIONS)',
        },
      ]);
      if (run.peakRssMb !== null) expect(run.peakRssMb).toBeLessThan(300);
    },
    patience(240_000),
  );

  it(
    'when one formation needs more heap than the process has, then it is refused with a complete report, not an out-of-memory',
    async () => {
      // 300 000 sessions in one formation: some 60 MB of parsed elements, more than a 64 MB heap holds.
      const file = join(dir, 'one-formation.xml');
      await minimalExport(file, 300_000, 300_000);

      const run = await checkInProcess(file, join(dir, 'one-formation.json'), 64);

      expect({ code: run.code, signal: run.signal }).toEqual({ code: 1, signal: null });
      const report = JSON.parse(readFileSync(join(dir, 'one-formation.json'), 'utf8'));
      expect(report).toMatchObject({ valid: false, sessions: [], errorCount: 1 });
      expect(report.errors[0].message).toMatch(/^heap budget exceeded: \d+ MB of the 64 MB heap in use/);
    },
    patience(120_000),
  );
});
