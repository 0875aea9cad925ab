import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus } from '@passerelle/bus';
import { waitFor } from '@passerelle/test-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { type DropFolder, watchDropFolder } from '../src/inbound/drop-folder.js';
import { fixture, ONISEP } from './helpers.js';
import { offerTopic, shortRecord, testLog } from './inbound-helpers.js';

// The drop folder on the real broker: a good export ends in done/ with its report and its events on the topic, a
// bad one in rejected/ with a report locating the problem (nothing published), and a file left in processing/ by
// a crash is imported at start.

const buses: Bus[] = [];
const folders: DropFolder[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => folder.stop()));
  await Promise.all(buses.map((bus) => bus.stop()));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function setUp() {
  const offer = await offerTopic(buses);
  const dir = await mkdtemp(join(tmpdir(), 'sofi-drop-'));
  dirs.push(dir);
  const start = async () => {
    const folder = await watchDropFolder({ dir, importer: offer.importer(), log: testLog, intervalMs: 20 });
    folders.push(folder);
    return folder;
  };
  const listing = async (sub: string) => (await readdir(join(dir, sub))).sort();
  const report = async (sub: string, name: string) =>
    JSON.parse(await readFile(join(dir, sub, `${name}.report.json`), 'utf8')) as Record<string, unknown>;
  return { ...offer, dir, start, listing, report };
}

describe('the SOFI drop folder', () => {
  it('when a good export is dropped, then it ends in done/ with its report and its sessions are published', async () => {
    const { dir, start, listing, report, events } = await setUp();
    const folder = await start();

    await copyFile(fixture('lheo-2.3-recrutement.xml'), join(dir, 'incoming', 'export-1.xml'));
    await waitFor(async () => (await listing('done')).includes('export-1.xml.report.json'), {
      description: 'the export to be done',
    });
    await waitFor(async () => (await listing('done')).includes('export-1.xml'), { description: 'the file moved' });
    await folder.stop();

    expect(await listing('done')).toEqual(['export-1.xml', 'export-1.xml.report.json']);
    expect(await listing('incoming')).toEqual([]);
    expect(await listing('processing')).toEqual([]);
    expect(await report('done', 'export-1.xml')).toMatchObject({
      file: 'export-1.xml',
      committed: true,
      formations: 2,
      published: 4,
    });
    expect((await events()).map((event) => shortRecord(event.record))).toEqual(Array(4).fill('SessionPublished'));
  });

  it('when a bad export is dropped, then it ends in rejected/ with a report giving line and path, and nothing is published', async () => {
    const { dir, start, listing, report, events } = await setUp();
    const folder = await start();

    await copyFile(fixture('truncated.xml'), join(dir, 'incoming', 'broken.xml'));
    await waitFor(async () => (await listing('rejected')).includes('broken.xml'), { description: 'the rejection' });
    await folder.stop();

    const rejected = await report('rejected', 'broken.xml');
    expect(rejected).toMatchObject({ committed: false, valid: false });
    const errors = rejected.errors as Array<{ line: number; path: string; message: string }>;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.line).toBeGreaterThan(0);
    expect(errors[0]?.path).toMatch(/^\//);
    expect(await listing('done')).toEqual([]);
    expect(await events()).toEqual([]);
  });

  it('when a file was left in processing/ by a crash, then it is imported at start', async () => {
    const { dir, start, listing, report, events } = await setUp();
    await mkdir(join(dir, 'processing'), { recursive: true });
    await copyFile(ONISEP, join(dir, 'processing', 'onisep.xml'));

    const folder = await start();
    await waitFor(async () => (await listing('done')).includes('onisep.xml'), { description: 'the left-over file' });
    await folder.stop();

    expect(await listing('processing')).toEqual([]);
    expect(await report('done', 'onisep.xml')).toMatchObject({ committed: true, published: 1 });
    expect(await events()).toHaveLength(1);
  });

  it('when the same name is dropped again, then the earlier file and report are kept and the re-import publishes nothing', async () => {
    const { dir, start, listing, events } = await setUp();
    const folder = await start();

    await copyFile(ONISEP, join(dir, 'incoming', 'daily.xml'));
    await waitFor(async () => (await listing('done')).includes('daily.xml'), { description: 'the first import' });
    await copyFile(ONISEP, join(dir, 'incoming', 'daily.xml'));
    await waitFor(async () => (await listing('done')).length === 4, { description: 'the second import' });
    await folder.stop();

    const done = await listing('done');
    const second = done.find((name) => name.startsWith('daily.xml.') && !name.endsWith('.report.json')) as string;
    const secondReport = JSON.parse(await readFile(join(dir, 'done', `${second}.report.json`), 'utf8'));
    expect(done).toContain('daily.xml.report.json');
    expect(secondReport).toMatchObject({ committed: true, published: 0, unchanged: 1 });
    expect(await events()).toHaveLength(1);
  });
});
