import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patience } from '@passerelle/test-kit';
import { describe, expect, it } from 'vitest';
import { fixture, INTERCARIF, ONISEP } from './helpers.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** How the npm scripts start the CLI: TypeScript through tsx, workspace packages from their sources. */
const node = [process.execPath, '--conditions=passerelle-source', '--import', 'tsx'] as const;
const cli = fileURLToPath(new URL('../src/cli/check.ts', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd ?? repoRoot, env: options.env, maxBuffer: 64 * 1_048_576 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, elapsedMs: performance.now() - started });
      },
    );
  });
}

/** The CLI run directly (what the npm scripts start), from the repo root, without npm's INIT_CWD. */
function check(...args: string[]): Promise<Run> {
  const { INIT_CWD: _ignored, ...env } = process.env;
  return run(node[0], [...node.slice(1), cli, ...args], { env });
}

describe('sofi:check CLI', () => {
  it('when a usable export is checked, then it prints one JSON report with the session summaries and exits 0', async () => {
    const result = await check(ONISEP);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      valid: true,
      lheoVersion: '2.2',
      formations: 1,
      actions: 1,
      sessions: [
        {
          formation: '9436_18706',
          action: '9436_18706',
          session: '9436_18706',
          title: 'BTS négociation et relation client',
          siret: '19290076900014',
          start: '2015-09-01',
          end: '2017-08-31',
          recruitmentState: 'UNKNOWN',
          informationDates: [],
        },
      ],
      errors: [],
      warnings: [],
      errorCount: 0,
      warningCount: 0,
    });
  });

  it('when the LHEO 2.3 fixture is checked, then partial dates, states and information dates are summarised', async () => {
    const result = await check(fixture('lheo-2.3-recrutement.xml'));
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.lheoVersion).toBe('2.3');
    expect(report.sessions.map((s: Record<string, unknown>) => [s.start, s.end, s.recruitmentState])).toEqual([
      ['2024-09-02', '2025-06-30', 'OPEN'],
      ['2025', null, 'CLOSED'],
      ['2025-11', '2026-03', 'SUSPENDED'],
      [null, null, 'UNKNOWN'],
    ]);
    expect(report.sessions[0].informationDates).toEqual(['2024-04-15', '2024-05-13']);
  });

  it('when the Intercarif sample is checked, then it exits 0 with its session and the coordonneFs and SIRET warnings', async () => {
    const result = await check(INTERCARIF);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    expect(report.valid).toBe(true);
    expect(report.sessions).toEqual([
      expect.objectContaining({
        formation: 'F_XX_XX',
        action: 'AC_XX_XXXXXX',
        session: 'SE_XXXXXX',
        siret: '011111111111111',
      }),
    ]);
    expect(report.errors).toEqual([]);
    expect(
      report.warnings.map((warning: { line: number }) => warning.line).sort((a: number, b: number) => a - b),
    ).toEqual([14, 434, 521]);
    expect(report.warnings).toContainEqual({
      line: 14,
      path: '/lheo/offres/formation[1]/contact-formation/coordonneFs',
      message: 'unknown element <coordonneFs> in <contact-formation>; ignored with its content',
    });
  });

  it.each([
    ['billion-laughs.xml', /^DOCTYPE declaration refused/],
    ['external-entity.xml', /^DOCTYPE declaration refused/],
    ['malformed.xml', /^malformed XML at line 5/],
    ['not-lheo.xml', /^not a LHEO document/],
    ['declared-utf8-latin1-bytes.xml', /^wrong encoding/],
  ])('when %s is checked, then it exits 1 quickly with a clear error and nothing expanded', async (name, message) => {
    const result = await check(fixture(name));
    expect(result.code).toBe(1);
    expect(result.elapsedMs).toBeLessThan(patience(5000)); // includes starting tsx; longer on a busy machine
    const report = JSON.parse(result.stdout);
    expect(report.valid).toBe(false);
    expect(report.errors[0].message).toMatch(message);
    expect(result.stdout).not.toContain('lollol');
    expect(result.stdout).not.toContain('root:');
  });

  it('when no file is given, then it exits 2 with the usage on stderr and nothing on stdout', async () => {
    const result = await check();
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain('usage: npm run --silent sofi:check -- <lheo-file.xml>');
  });

  it('when the path does not exist or is a directory, then it exits 2 with the reason on stderr', async () => {
    const missing = await check('/nonexistent/offre.xml');
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('cannot read /nonexistent/offre.xml: ENOENT');
    const directory = await check(tmpdir());
    expect(directory).toMatchObject({ code: 2, stdout: '' });
    expect(directory.stderr).toContain('not a regular file');
  });

  it('when a relative path is given, then it is resolved against the directory the command was typed in (INIT_CWD)', async () => {
    const typedIn = fileURLToPath(new URL('./fixtures/', import.meta.url));
    const result = await run(node[0], [...node.slice(1), cli, 'lheo-2.3-recrutement.xml'], {
      cwd: join(repoRoot, 'connectors/sofi'), // where npm runs workspace scripts
      env: { ...process.env, INIT_CWD: typedIn },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).sessions).toHaveLength(4);
  });

  it('when run through the root npm script with a relative path, then it exits 0 and stdout is exactly the JSON', async () => {
    const { INIT_CWD: _ignored, ...env } = process.env;
    const result = await run('npm', ['run', '--silent', 'sofi:check', '--', relative(repoRoot, ONISEP)], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).valid).toBe(true);
  });

  it('when a file with thousands of sessions is checked, then every session is listed in the streamed JSON', async () => {
    const xml = readFileSync(fixture('lheo-2.3-recrutement.xml'), 'utf8');
    const [head, rest] = xml.split('<formation numero="76_AF_0000012346">') as [string, string];
    const second = `<formation numero="76_AF_0000012346">${rest.split('</offres>')[0]}`;
    const copies = Array.from({ length: 3000 }, (_, i) => second.replaceAll('76_AF_0000012346', `F${i}`)).join('');
    const directory = await mkdtemp(join(tmpdir(), 'sofi-check-'));
    const file = join(directory, 'many.xml');
    await writeFile(file, `${head}${copies}</offres>\n</lheo>\n`);
    const result = await check(file);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.sessions).toHaveLength(3003);
    expect(report.sessions[3002].formation).toBe('F2999');
  });
});
