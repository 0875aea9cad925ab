import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';

export type Logger = PinoLogger;

/**
 * Field names that hold a job seeker's personal data (architecture.md §6) or secrets. They are censored at any
 * depth up to four levels wherever they appear in a log line: logs carry ids, never a DE's identity.
 */
export const REDACTED_KEYS = [
  'deIdentifier',
  'lastName',
  'firstName',
  'birthName',
  'email',
  'phone',
  'address',
  'de',
  'person',
  'password',
  'token',
  'secret',
] as const;

const REDACTED_HEADERS = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'];

function redactionPaths(): string[] {
  const paths: string[] = [...REDACTED_HEADERS];
  for (const key of REDACTED_KEYS) {
    let prefix = '';
    for (let depth = 0; depth < 4; depth += 1) {
      paths.push(`${prefix}${key}`);
      prefix += '*.';
    }
  }
  return paths;
}

export interface LoggerOptions {
  service: string;
  level?: string;
  version?: string;
  /** Where lines go; stdout by default. Tests pass an in-memory stream. */
  destination?: DestinationStream;
}

/** The one root logger of a process: JSON lines on stdout, base bindings, personal data censored. */
export function createLogger({ service, level = 'info', version, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service, ...(version ? { version } : {}) },
      redact: { paths: redactionPaths(), censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
