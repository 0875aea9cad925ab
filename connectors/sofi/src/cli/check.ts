/**
 * `npm run --silent sofi:check -- <file>`: parses and maps a LHEO export without publishing anything, and prints one
 * JSON document on stdout. Exit 0 when the file is usable (warnings allowed), 1 when it is rejected, 2 on a usage
 * error (no file, unreadable path), with the message on stderr.
 *
 * The JSON is written as the file is read, so checking a national export needs no more memory than importing it:
 * `sessions` therefore comes first and `valid` after it (JSON key order carries no meaning).
 */
import { once } from 'node:events';
import { access, constants, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { OfferSession } from '../mapping/offer-session.js';
import { readOfferSessions } from '../read-offer-sessions.js';

const USAGE = 'usage: npm run --silent sofi:check -- <lheo-file.xml>';

class Output {
  private buffer = '';
  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= 64 * 1024) await this.flush();
  }
  async flush(): Promise<void> {
    const text = this.buffer;
    this.buffer = '';
    if (text !== '' && !process.stdout.write(text)) await once(process.stdout, 'drain');
  }
}

function summary(snapshot: OfferSession) {
  return {
    formation: snapshot.formation.numero,
    action: snapshot.action.numero,
    session: snapshot.session.numero,
    title: snapshot.formation.title,
    siret: snapshot.formation.responsibleOrganisation.siret,
    start: snapshot.session.start,
    end: snapshot.session.end,
    recruitmentState: snapshot.session.recruitmentState,
    informationDates: snapshot.action.informationDates,
  };
}

/** Progress on an interactive terminal only: scripts reading stderr get nothing there unless something is wrong. */
function progressReporter(totalBytes: number) {
  if (!process.stderr.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  const show = (bytesRead: number, sessions: number) => {
    const percent = totalBytes > 0 ? Math.floor((bytesRead / totalBytes) * 100) : 100;
    const megabytes = (bytesRead / 1_048_576).toFixed(1);
    process.stderr.write(`\r${megabytes} MB read (${percent} %), ${sessions} sessions`);
  };
  return {
    update: ({ bytesRead, sessions }: { bytesRead: number; sessions: number }) => {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      show(bytesRead, sessions);
    },
    done: () => {
      if (last !== 0) process.stderr.write('\r\x1b[K');
    },
  };
}

async function main(args: string[]): Promise<number> {
  const files = args.filter((arg) => arg !== '--');
  if (files.length !== 1 || files[0] === '-h' || files[0] === '--help') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // npm runs workspace scripts from the workspace directory; INIT_CWD is where the user typed the command.
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), files[0] as string);
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a regular file');
    await access(file, constants.R_OK);
    size = info.size;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    process.stderr.write(`sofi:check: cannot read ${file}: ${reason}\n${USAGE}\n`);
    return 2;
  }

  const output = new Output();
  const progress = progressReporter(size);
  let first = true;
  await output.write('{"sessions":[');
  const report = await readOfferSessions(file, {
    onProgress: progress.update,
    onSession: async (snapshot) => {
      await output.write(`${first ? '' : ','}${JSON.stringify(summary(snapshot))}`);
      first = false;
    },
  });
  progress.done();
  const rest = {
    valid: report.valid,
    lheoVersion: report.lheoVersion,
    formations: report.formations,
    actions: report.actions,
    errors: report.errors,
    warnings: report.warnings,
    errorCount: report.errorCount,
    warningCount: report.warningCount,
  };
  await output.write(`],${JSON.stringify(rest).slice(1)}\n`);
  await output.flush();
  return report.valid ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`sofi:check: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
