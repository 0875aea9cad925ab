import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from '@passerelle/infra/runnables';
import { describe, expect, it } from 'vitest';
import { lheoExport, scenarioSessions } from '../src/lheo.js';

describe('the scenario export', () => {
  it('when checked by the SOFI connector, then every session maps without error or warning, on the scenario organisations', async () => {
    const organisations = [
      { siret: '12345678900013', name: 'Campus Numérique' },
      { siret: '98765432100019', name: 'AFPA Normandie & Co' },
    ];
    const sessions = scenarioSessions(4, organisations, { start: new Date('2026-11-26T00:00:00Z'), runId: 'T1' });
    const file = join(mkdtempSync(join(tmpdir(), 'scenario-')), 'export.xml');
    writeFileSync(file, lheoExport(sessions, new Date('2026-11-26T06:00:00Z')));

    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'sofi:check', '--', file], {
      cwd: repositoryRoot,
    });
    const report = JSON.parse(stdout) as {
      valid: boolean;
      errors: unknown[];
      warnings: unknown[];
      sessions: Array<{ formation: string; action: string; session: string; siret: string; start: string }>;
    };
    expect(report).toMatchObject({ valid: true, errors: [], warnings: [] });
    expect(report.sessions.map((s) => `${s.formation}|${s.action}|${s.session}`)).toEqual(
      sessions.map((s) => s.sessionKey),
    );
    expect(report.sessions.map((s) => s.siret)).toEqual([
      '12345678900013',
      '98765432100019',
      '12345678900013',
      '98765432100019',
    ]);
    expect(report.sessions[0]?.start).toBe('2026-11-26');
  });
});
