import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bus } from '@passerelle/bus';
import { waitFor } from '@passerelle/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, ONISEP } from './helpers.js';
import { offerTopic, shortRecord } from './inbound-helpers.js';

// The connector runnable (src/main.ts) in its own process, on a unique offer topic: the upload endpoint's answers
// over real HTTP, what reaches Kafka (nothing for a refused upload), and the token absent from every log line.

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const recrutement = readFileSync(fixture('lheo-2.3-recrutement.xml'));
const onisep = readFileSync(ONISEP);
const MAX_BYTES = 20_000;
const token = randomBytes(24).toString('base64url');
const buses: Bus[] = [];
let child: ChildProcess;
const output = { stdout: '', stderr: '' };
let url: string;
let topic: Awaited<ReturnType<typeof offerTopic>>;
const dropDir = mkdtempSync(join(tmpdir(), 'sofi-main-drop-'));

beforeAll(async () => {
  topic = await offerTopic(buses);
  child = spawn(process.execPath, ['--conditions=passerelle-source', '--import', 'tsx', main], {
    env: {
      ...process.env,
      KAFKA_BROKERS: topic.stack.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: topic.stack.schemaRegistryUrl,
      KAFKA_CLIENT_ID: `${topic.topic}.connector`,
      SOFI_OFFER_TOPIC: topic.topic,
      SOFI_API_TOKEN: token,
      SOFI_MAX_UPLOAD_BYTES: String(MAX_BYTES),
      // Everything the connector can log, so that the redaction check sees it all.
      LOG_LEVEL: 'trace',
      HTTP_PORT: '0',
      SOFI_DROP_DIR: dropDir,
      SOFI_DROP_INTERVAL_MS: '20',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
  });
  url = await waitFor(
    () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"service started"/.exec(output.stdout)?.[1],
    {
      description: 'the connector to listen',
      timeoutMs: 60_000,
    },
  );
});

afterAll(async () => {
  child?.kill('SIGKILL');
  rmSync(dropDir, { recursive: true, force: true });
  await Promise.all(buses.map((bus) => bus.stop()));
});

const upload = (body: Uint8Array | string, headers: Record<string, string> = {}) =>
  fetch(`${url}/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml', ...headers },
    body,
  });

describe('the SOFI upload endpoint (POST /imports)', () => {
  it('when the token is missing or wrong, then 401 problem+json without detail and nothing is published', async () => {
    const missing = await fetch(`${url}/imports`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: recrutement,
    });
    // Another last character, whatever the random token ends with (ending with "x" would make it the right one).
    const wrongToken = `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`;
    const wrong = await upload(recrutement, { authorization: `Bearer ${wrongToken}` });
    const notBearer = await upload(recrutement, { authorization: `Basic ${token}` });

    for (const response of [missing, wrong, notBearer]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as Record<string, unknown>;
      expect(problem).toMatchObject({ status: 401, title: 'Unauthorized' });
      expect(problem.detail).toBeUndefined();
    }
    expect(await topic.events()).toEqual([]);
  });

  it('when the body is not XML, then 415 problem+json naming the content type', async () => {
    const response = await upload(JSON.stringify({ hello: 'world' }), { 'content-type': 'application/json' });

    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({
      status: 415,
      errors: [{ field: 'header.content-type' }],
    });
  });

  it('when the declared body is over the limit, then 413 problem+json and nothing is published', async () => {
    const big = Buffer.concat([recrutement, Buffer.alloc(MAX_BYTES, ' ')]);

    const response = await upload(big);

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ status: 413, errors: [{ field: 'body' }] });
    expect(await topic.events()).toEqual([]);
  });

  it('when a streamed body without length goes over the limit, then 413 and the import is aborted: nothing published', async () => {
    // The valid export first (its sessions are read and staged), then padding past the limit.
    const chunks = [recrutement, Buffer.alloc(MAX_BYTES, ' ')];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });

    const response = await fetch(`${url}/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      body,
      duplex: 'half',
    } as RequestInit);

    expect(response.status).toBe(413);
    expect(await topic.events()).toEqual([]);
  });

  it('when the file is truncated or hostile, then 422 lheo-rejected with line and path, and nothing is published', async () => {
    for (const name of ['truncated.xml', 'billion-laughs.xml']) {
      const response = await upload(readFileSync(fixture(name)), { 'content-type': 'text/xml; charset=utf-8' });

      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as { type: string; errors: Array<{ line: number; path: string }> };
      expect(problem.type).toBe('urn:passerelle:problem:lheo-rejected');
      expect(problem.errors.length).toBeGreaterThan(0);
      for (const error of problem.errors) {
        expect(error.line).toBeGreaterThan(0);
        expect(error.path).toMatch(/^\//);
      }
    }
    expect(await topic.events()).toEqual([]);
  });

  it('when good exports are uploaded, then 200 with the counts, their sessions are published and /imports/last says so', async () => {
    const first = await upload(recrutement, { 'content-type': 'application/octet-stream' });
    const firstReport = await first.json();
    const again = await upload(recrutement);
    const againReport = await again.json();
    const events = await topic.events();
    // The ONISEP export replaces the offer: its one session published, the four others withdrawn.
    const replaced = await upload(onisep);
    const replacedReport = await replaced.json();
    const last = await fetch(`${url}/imports/last`, { headers: { authorization: `Bearer ${token}` } });
    const lastUnauthorized = await fetch(`${url}/imports/last`);

    expect(first.status).toBe(200);
    expect(firstReport).toMatchObject({ committed: true, formations: 2, published: 4, updated: 0, withdrawn: 0 });
    expect(again.status).toBe(200);
    expect(againReport).toMatchObject({ committed: true, published: 0, unchanged: 4 });
    expect(events.map((event) => shortRecord(event.record))).toEqual(Array(4).fill('SessionPublished'));
    expect(replaced.status).toBe(200);
    expect(replacedReport).toMatchObject({ committed: true, published: 1, withdrawn: 4, lheoVersion: '2.2' });
    expect(await topic.events()).toHaveLength(9);
    expect(last.status).toBe(200);
    expect(await last.json()).toMatchObject({ input: 'http', committed: true, published: 1, withdrawn: 4 });
    expect(lastUnauthorized.status).toBe(401);
  });

  it('when requests were made, then the token never appears in the connector logs', async () => {
    await upload(recrutement, { authorization: `Bearer ${token}` });
    const logs = output.stdout + output.stderr;

    expect(logs).toContain('request refused');
    expect(logs).not.toContain(token);
  });

  it('when a file is dropped in the connector drop folder, then it is imported and /imports/last reports it', async () => {
    writeFileSync(join(dropDir, 'incoming', 'recrutement.xml'), recrutement);

    await waitFor(() => readdirSync(join(dropDir, 'done')).includes('recrutement.xml'), {
      description: 'the dropped file to be done',
    });
    const last = await fetch(`${url}/imports/last`, { headers: { authorization: `Bearer ${token}` } });

    expect(await last.json()).toMatchObject({ input: 'drop-folder', source: 'recrutement.xml', committed: true });
  });

  it('when SIGTERM arrives, then the connector stops its drop folder and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    child.kill('SIGTERM');

    expect(await exited).toBe(0);
    expect(output.stdout + output.stderr).not.toContain(token);
  });
});
