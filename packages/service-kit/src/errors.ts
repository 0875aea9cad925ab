/**
 * The three outcomes every failure is classified into, once, where it happens:
 * - RetriableError: the world may change (broker unavailable, timeout, 5xx, 429) — retry with backoff;
 * - NonRetriableError: this input will never succeed (undecodable, invalid, a rule refused it) — dead-letter it,
 *   or answer 4xx, and go on;
 * - anything else is a programmer error — crash, and let the restart policy act.
 * Codes are UPPER_SNAKE with an owner prefix (BUS_DECODE_FAILED, KAIROS_NO_PLACE …) so logs and DLQ headers stay greppable.
 */
export class AppError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export class RetriableError extends AppError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, retriable: true });
  }
}

export class NonRetriableError extends AppError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, retriable: false });
  }
}

export type ErrorClass = 'retriable' | 'non-retriable' | 'programmer';

/** Kafka client errors carry `retriable: true` when the broker says so; everything unknown is a programmer error. */
export function classifyError(error: unknown): ErrorClass {
  if (error instanceof NonRetriableError) return 'non-retriable';
  if (error instanceof RetriableError) return 'retriable';
  if (error instanceof AppError) return error.retriable ? 'retriable' : 'non-retriable';
  if (typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true) {
    return 'retriable';
  }
  return 'programmer';
}

export const errorCodeOf = (error: unknown): string =>
  error instanceof AppError ? error.code : error instanceof Error ? error.name : 'UNKNOWN';

export const errorMessageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
