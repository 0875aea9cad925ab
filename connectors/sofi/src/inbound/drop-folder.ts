import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@passerelle/service-kit';
import type { ImportReport, OfferImporter } from '../import/offer-importer.js';

export interface DropFolderOptions {
  /** Root of the drop folder: files are dropped into `<dir>/incoming`. */
  dir: string;
  importer: Pick<OfferImporter, 'import'>;
  log: Logger;
  /** Poll period. A file is taken when its size and mtime are unchanged across two polls. Default 2000 ms. */
  intervalMs?: number;
  /** Called after each import (e.g. to keep the last report for `GET /imports/last`). */
  onReport?: (file: string, report: ImportReport) => void;
}

export interface DropFolder {
  /** Stops polling and waits for the import in progress, if any. */
  stop(): Promise<void>;
}

export const DROP_SUBDIRS = ['incoming', 'processing', 'done', 'rejected'] as const;

/**
 * Watches `<dir>/incoming` by polling (works on network shares, where file events do not). A file is processed once:
 *
 * - taken when its size and mtime are stable across two polls (a copy still being written is left alone), by an
 *   atomic rename into `processing/` — of two instances polling one folder, only one rename succeeds;
 * - imported (all-or-nothing), then moved to `done/` (committed) or `rejected/` (invalid) with
 *   `<name>.report.json` beside it (written before the move, so a file never sits in done/ without its report);
 * - a name already taken in `done/` or `rejected/` gets a timestamp suffix: earlier files and reports are kept.
 *
 * At start, files left in `processing/` by a crash are imported again: imports are all-or-nothing and idempotent.
 * An import that fails for another reason than the file (broker down) leaves the file in `processing/`; it is
 * retried at the next start. Hidden files (`.name`) in incoming/ are ignored: write there, then rename.
 */
export async function watchDropFolder({
  dir,
  importer,
  log: parentLog,
  intervalMs = 2000,
  onReport,
}: DropFolderOptions): Promise<DropFolder> {
  const log = parentLog.child({ component: 'drop-folder' });
  const paths = Object.fromEntries(DROP_SUBDIRS.map((name) => [name, join(dir, name)])) as Record<
    (typeof DROP_SUBDIRS)[number],
    string
  >;
  for (const path of Object.values(paths)) await mkdir(path, { recursive: true });

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  /** What each candidate looked like at the previous poll. */
  let previous = new Map<string, string>();
  let running: Promise<void> = Promise.resolve();

  const importFile = async (name: string) => {
    const file = join(paths.processing, name);
    const fileLog = log.child({ file: name });
    let report: ImportReport;
    try {
      report = await importer.import(file, { sourceName: name });
    } catch (error) {
      fileLog.error({ err: error }, 'drop folder import failed; the file stays in processing/ until the next start');
      return;
    }
    onReport?.(name, report);
    const target = report.committed ? paths.done : paths.rejected;
    const finalName = await freeName(target, name);
    await writeFile(
      join(target, `${finalName}.report.json`),
      `${JSON.stringify({ file: name, ...report }, null, 2)}\n`,
    );
    await rename(file, join(target, finalName));
    fileLog.info(
      { committed: report.committed, errors: report.errorCount, to: report.committed ? 'done' : 'rejected' },
      'drop folder file processed',
    );
  };

  const poll = async () => {
    const seen = new Map<string, string>();
    let names: string[];
    try {
      names = (await readdir(paths.incoming)).filter((name) => !name.startsWith('.')).sort();
    } catch (error) {
      log.error({ err: error }, 'cannot list the drop folder');
      return;
    }
    for (const name of names) {
      if (stopped) return;
      const info = await stat(join(paths.incoming, name)).catch(() => undefined);
      if (!info?.isFile()) continue;
      const signature = `${info.size}:${info.mtimeMs}`;
      if (previous.get(name) !== signature) {
        seen.set(name, signature);
        continue;
      }
      try {
        await rename(join(paths.incoming, name), join(paths.processing, name));
      } catch (error) {
        // Another instance took it first (ENOENT): not ours.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.error({ err: error, file: name }, 'cannot take');
        continue;
      }
      await importFile(name);
    }
    previous = seen;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = poll()
        .catch((error: unknown) => log.error({ err: error }, 'drop folder poll failed'))
        .finally(schedule);
    }, intervalMs);
  };

  // Crash recovery first: what a previous run was importing.
  running = (async () => {
    const leftOver = (await readdir(paths.processing)).filter((name) => !name.startsWith('.')).sort();
    for (const name of leftOver) {
      if (stopped) return;
      log.warn({ file: name }, 'file left in processing/ by a previous run; importing it again');
      await importFile(name);
    }
  })()
    .catch((error: unknown) => log.error({ err: error }, 'drop folder recovery failed'))
    .finally(schedule);

  log.info({ dir, intervalMs }, 'watching drop folder');
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      clearTimeout(timer);
    },
  };
}

/** `name`, or `name.<timestamp>` when `dir` already has a file (or report) by that name. */
async function freeName(dir: string, name: string): Promise<string> {
  const exists = async (candidate: string) =>
    (await stat(join(dir, candidate)).catch(() => undefined)) !== undefined ||
    (await stat(join(dir, `${candidate}.report.json`)).catch(() => undefined)) !== undefined;
  if (!(await exists(name))) return name;
  const stamp = new Date().toISOString().replaceAll(':', '-');
  for (let attempt = 0; ; attempt += 1) {
    const candidate = `${name}.${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    if (!(await exists(candidate))) return candidate;
  }
}
