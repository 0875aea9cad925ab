import { access, constants, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LheoLimits } from '../lheo/limits.js';

/**
 * The one LHEO file a CLI takes, resolved against where the user typed the command (npm runs workspace scripts
 * from the workspace directory; INIT_CWD keeps the user's), checked readable. On a usage problem it says so on
 * stderr and returns undefined: the caller exits 2.
 */
export async function fileArgument(
  command: string,
  usage: string,
  args: string[],
  cwd: string,
): Promise<{ file: string; size: number } | undefined> {
  const files = args.filter((arg) => arg !== '--');
  if (files.length !== 1 || files[0] === '-h' || files[0] === '--help') {
    process.stderr.write(`${usage}\n`);
    return undefined;
  }
  const file = resolve(cwd, files[0] as string);
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a regular file');
    await access(file, constants.R_OK);
    return { file, size: info.size };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    process.stderr.write(`${command}: cannot read ${file}: ${reason}\n${usage}\n`);
    return undefined;
  }
}

/** Progress on an interactive terminal only: scripts reading stderr get nothing there unless something is wrong. */
export function progressReporter(totalBytes: number) {
  if (!process.stderr.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  return {
    update: ({ bytesRead, sessions }: { bytesRead: number; sessions: number }) => {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const percent = totalBytes > 0 ? Math.floor((bytesRead / totalBytes) * 100) : 100;
      process.stderr.write(`\r${(bytesRead / 1_048_576).toFixed(1)} MB read (${percent} %), ${sessions} sessions`);
    },
    done: () => {
      if (last !== 0) process.stderr.write('\r\x1b[K');
    },
  };
}

/** The limits set in the environment: `SOFI_MAX_SESSIONS`, sessions per export. Throws on a value that is not one. */
export function limitsFrom(env: NodeJS.ProcessEnv): Partial<LheoLimits> {
  const raw = env.SOFI_MAX_SESSIONS?.trim();
  if (raw === undefined || raw === '') return {};
  const maxSessions = Number(raw);
  if (!Number.isSafeInteger(maxSessions) || maxSessions < 1) {
    throw new Error(`SOFI_MAX_SESSIONS must be a positive whole number, not "${raw}"`);
  }
  return { maxSessions };
}
