/**
 * problem+json (RFC 9457), defined once: the shape every 4xx/5xx of Passerelle has, its JSON Schema (what the
 * OpenAPI documents show) and the builders the runnables throw.
 */

/** One request field a problem is about: `body.<path>`, `querystring.<name>`, `params.<name>`, `headers.<name>`. */
export interface FieldError {
  field: string;
  message: string;
  /** The business rule, when a well-formed request breaks one. */
  rule?: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** JSON Schema of a problem: the members every runnable uses; other extensions (a report's counts) may follow. */
export const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: '`urn:passerelle:problem:<kind>`, or `about:blank`' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The path of the request' },
    rule: { type: 'string', description: 'The business rule that refused the request' },
    errors: {
      type: 'array',
      description: 'The request fields at fault',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: {
          field: { type: 'string', description: 'body.<path>, querystring.<name>, params.<name> or headers.<name>' },
          message: { type: 'string' },
          rule: { type: 'string' },
        },
      },
    },
  },
} as const;

/** A request that does not validate: 400 (or 422 where a runnable said so) naming the fields. */
export const invalidRequest = (errors: readonly FieldError[], options: { detail?: string; status?: number } = {}) =>
  new ProblemError({
    type: 'urn:passerelle:problem:validation',
    title: 'Invalid request',
    status: options.status ?? 400,
    detail: options.detail ?? errors.map((error) => error.message).join('; '),
    errors: [...errors],
  });

/** A problem of the given status with the given kind (`urn:passerelle:problem:<kind>`, or `about:blank`). */
export const problem = (status: number, type: string, title: string, detail?: string) =>
  new ProblemError({
    type: type === 'about:blank' || type.startsWith('urn:') ? type : `urn:passerelle:problem:${type}`,
    title,
    status,
    ...(detail === undefined ? {} : { detail }),
  });

/** The 401 every API answers to a missing or wrong token: nothing to learn from it. */
export const unauthorized = () => problem(401, 'unauthorized', 'Unauthorized');
