import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Bus } from '@passerelle/bus';
import { afterAll, describe, expect, it } from 'vitest';
import { offerTopic, shortRecord } from './inbound-helpers.js';

// `npm run --silent sofi:import -- <file>` from the repository root, on the real broker and a unique topic:
// stdout is one JSON report, the exit code says committed (0), rejected (1) or usage (2).

const root = fileURLToPath(new URL('../../../', import.meta.url));
const buses: Bus[] = [];
afterAll(async () => {
  await Promise.all(buses.map((bus) => bus.stop()));
});

function sofiImport(args: string[], env: Record<string, string>) {
  const { INIT_CWD: _ignored, ...inherited } = process.env;
  const child = spawn('npm', ['run', '--silent', 'sofi:import', '--', ...args], {
    cwd: root,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
}

async function setUp() {
  const offer = await offerTopic(buses);
  const env = {
    KAFKA_BROKERS: offer.stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: offer.stack.schemaRegistryUrl,
    SOFI_OFFER_TOPIC: offer.topic,
    KAFKA_CLIENT_ID: `${offer.topic}.cli`,
  };
  return { ...offer, run: (args: string[]) => sofiImport(args, env) };
}

describe('the sofi:import CLI', () => {
  it('when a good export is imported twice, then it exits 0 with the report and diff counts, publishing once', async () => {
    const { run, events } = await setUp();

    const first = await run(['connectors/sofi/test/fixtures/lheo-2.3-recrutement.xml']);
    const second = await run(['connectors/sofi/test/fixtures/lheo-2.3-recrutement.xml']);

    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(first.stdout)).toMatchObject({
      valid: true,
      committed: true,
      lheoVersion: '2.3',
      formations: 2,
      sessions: 4,
      published: 4,
      updated: 0,
      withdrawn: 0,
      unchanged: 0,
      errors: [],
      errorCount: 0,
    });
    expect(first.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ committed: true, published: 0, unchanged: 4 });
    expect((await events()).map((event) => shortRecord(event.record))).toEqual(Array(4).fill('SessionPublished'));
  });

  it('when the export is rejected, then it exits 1 with errors giving line and path, and nothing is published', async () => {
    const { run, events } = await setUp();

    const result = await run(['connectors/sofi/test/fixtures/truncated.xml']);

    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { committed: boolean; errors: Array<{ line: number; path: string }> };
    expect(report.committed).toBe(false);
    expect(report.errors[0]?.line).toBeGreaterThan(0);
    expect(report.errors[0]?.path).toMatch(/^\//);
    expect(await events()).toEqual([]);
  });

  it('when no file or an unreadable one is given, then it exits 2 with the usage on stderr and nothing on stdout', async () => {
    const { run } = await setUp();

    const none = await run([]);
    const missing = await run(['connectors/sofi/test/fixtures/no-such-file.xml']);

    for (const result of [none, missing]) {
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('usage: npm run --silent sofi:import -- <lheo-file.xml>');
    }
    expect(missing.stderr).toContain('ENOENT');
  });
});
