/**
 * `npm run --silent sofi:check -- <file>`: parses and maps a LHEO export without publishing anything, and prints one
 * JSON document on stdout. Exit 0 when the file is usable (warnings allowed), 1 when it is rejected, 2 on a usage
 * error (no file, unreadable path), with the message on stderr.
 *
 * The JSON is written as the file is read, so checking a national export needs no more memory than importing it:
 * `sessions` therefore comes first and `valid` after it (JSON key order carries no meaning). `SOFI_MAX_SESSIONS`
 * sets the limit on sessions per export (default 1 000 000).
 */
import { once } from 'node:events';
import type { OfferSession } from '../mapping/offer-session.js';
import { readOfferSessions } from '../read-offer-sessions.js';
import { fileArgument, limitsFrom, progressReporter } from './cli-support.js';

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

async function main(args: string[]): Promise<number> {
  const argument = await fileArgument('sofi:check', USAGE, args, process.env.INIT_CWD ?? process.cwd());
  if (!argument) return 2;
  const { file, size } = argument;
  const limits = limitsFrom(process.env);

  const output = new Output();
  const progress = progressReporter(size);
  let first = true;
  await output.write('{"sessions":[');
  const report = await readOfferSessions(file, {
    limits,
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
