import { Writable } from 'node:stream';
import type { Bus } from '@passerelle/bus';
import { DEFAULT_BODY_LIMIT, PROBLEM_MEDIA_TYPE } from '@passerelle/service-kit';
import { waitFor } from './wait-for.js';

/**
 * The route-by-route security pass (issue 16), shared by every runnable's `test/security.int.test.ts`. The routes
 * come from the OpenAPI document the runnable serves (generated from its route schemas), so a route added tomorrow
 * is attacked without editing any test; which cases apply is read from the document too (security requirement,
 * request body and its media types, path parameters). Each answer must be a 4xx problem+json of an expected status;
 * around the whole pass, the runnable's output topics must not move and its logs must hold none of the personal
 * values the hostile requests carried.
 */

/** The personal data the hostile bodies carry: none of it may reach the logs (nor a topic: nothing may be published). */
export const PERSONAL = {
  deIdentifier: '7318254W',
  lastName: 'Vandercasteele',
  firstName: 'Zoéline',
  birthName: 'Quennehen',
  email: 'zoeline.vandercasteele@example.org',
  phone: '+33 6 12 98 34 76',
  birthDate: '1987-04-23',
} as const;

/** Path parameter values a client may forge (already URL-encoded, as they go on the wire). */
export const HOSTILE_IDS: readonly string[] = [
  '..%2F..%2Fetc%2Fpasswd',
  '..%5C..%5Cwindows%5Cwin.ini',
  '%252e%252e%252fetc%252fpasswd',
  '%00',
  'abc%00def',
  'x'.repeat(5000),
  encodeURIComponent('Été-Łódź-💥-ﬁ'),
  '%E0%A4%A',
  encodeURIComponent("<script>' OR '1'='1"),
];

export type CaseKind =
  | 'unauthenticated'
  | 'unknown-token'
  | 'foreign-token'
  | 'oversize-body'
  | 'malformed-json'
  | 'malformed-body'
  | 'wrong-content-type'
  | 'hostile-id';

export interface Operation {
  method: string;
  /** OpenAPI template: `/sessions/{sessionKey}`. */
  path: string;
  secured: boolean;
  pathParameters: string[];
  /** Media types of the request body; empty: the operation takes none. */
  bodyTypes: string[];
  bodySchema: unknown;
}

export interface SecurityTarget {
  runnable: string;
  url: string;
  /** A token the runnable accepts on its secured routes: the cases past authentication use it. */
  token: string;
  /** A token the runnable accepts on that operation instead of `token` (an ops act), by `METHOD /template`. */
  tokenFor?: Record<string, string>;
  /**
   * A genuine token of another organisation (another OF's SIRET, another prescriber) than the one `ids` belong
   * to: on a route with path parameters it must get a 403, or a 404 where the code hides what exists.
   */
  foreignToken?: string;
  /**
   * Operations with path parameters but no owner to refuse another caller (a search any front end may run, a DE
   * registering himself on any session), by `METHOD /template`, each with why: no foreign-token case there.
   */
  shared?: Record<string, string>;
  /** Path parameter values that exist for `token`, by name (a hostile value replaces one at a time). */
  ids?: Record<string, string>;
  /** The largest body the runnable reads (default: service-kit's). */
  bodyLimit?: number;
  /** The runnable's output topics, which must not move during the pass, and the test's own bus to read them. */
  outputs: readonly string[];
  bus?: Bus;
  logs: LogCapture;
  /**
   * The runnable's OPS_TOKEN: its ops actions on consumers (`POST /status/consumers/{name}/{action}`, from
   * packages/runtime, left out of every OpenAPI document as operational) are attacked too.
   */
  opsToken?: string;
  /** Fewer cases than this fails the pass: an empty enumeration must never look green. */
  minimumCases: number;
}

export interface CaseResult {
  kind: CaseKind;
  request: string;
  status: number;
  type: string | null;
  /** What is wrong with the answer; undefined: as expected. */
  problem?: string;
}

export interface SecurityReport {
  runnable: string;
  operations: number;
  cases: CaseResult[];
  failures: CaseResult[];
  /** Records that reached the output topics during the pass, by topic. */
  published: Record<string, number>;
  /** Personal values found in the logs. */
  leaked: string[];
  byKind: Record<string, number>;
  byStatus: Record<string, number>;
}

/** A runnable's log lines, kept in memory: give `stream` to `startService` (option `logDestination`). */
export class LogCapture {
  text = '';
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.text += chunk.toString('utf8');
      done();
    },
  });
}

declare module 'vitest' {
  interface TaskMeta {
    /** How many security cases the test tried: the summary reporter adds them up for the run. */
    securityCases?: number;
  }
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/** The operations of an OpenAPI 3 document, with what the security cases need of each. */
export function operationsOf(document: unknown): Operation[] {
  const doc = document as {
    security?: unknown[];
    paths?: Record<string, Record<string, Record<string, unknown>>>;
  };
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {}))
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const security = (operation.security as unknown[] | undefined) ?? doc.security ?? [];
      const parameters = (operation.parameters as { in: string; name: string }[] | undefined) ?? [];
      const content =
        (operation.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content ?? {};
      const bodyTypes = Object.keys(content);
      operations.push({
        method: method.toUpperCase(),
        path,
        secured: security.length > 0,
        pathParameters: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        bodyTypes,
        bodySchema: bodyTypes[0] === undefined ? undefined : content[bodyTypes[0]]?.schema,
      });
    }
  return operations;
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
};

/** Plausible values a string field may hold, tried against its pattern (dates, times, ids, links, codes). */
const STRING_CANDIDATES = [
  '2030-01-15',
  '10:00',
  '2030-01-15T10:00:00Z',
  PERSONAL.deIdentifier,
  PERSONAL.email,
  PERSONAL.phone,
  'https://example.org/visio',
  '12345678900011',
  '12345',
  'sample',
];

/**
 * A value `schema` accepts, built from its required members (and enough others for `minProperties`): personal
 * fields get the personal values above, so they travel in the requests whose logs are then searched.
 */
export function exampleOf(schema: JsonSchema | undefined, name = ''): unknown {
  if (!schema) return {};
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const branch = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (branch) return exampleOf(branch, name);
  const type = [schema.type ?? 'object'].flat().find((candidate) => candidate !== 'null') ?? 'null';
  switch (type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const names = [...(schema.required ?? [])];
      for (const other of Object.keys(properties))
        if (names.length < (schema.minProperties ?? 0) && !names.includes(other)) names.push(other);
      return Object.fromEntries(names.map((member) => [member, exampleOf(properties[member], member)]));
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => exampleOf(schema.items));
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default: {
      const personal = (PERSONAL as Record<string, string>)[name];
      const candidates = personal ? [personal, ...STRING_CANDIDATES] : STRING_CANDIDATES;
      const pattern = schema.pattern ? new RegExp(schema.pattern, 'u') : undefined;
      const fits = (value: string) => (!pattern || pattern.test(value)) && value.length >= (schema.minLength ?? 0);
      return candidates.find(fits) ?? 'sample';
    }
  }
}

interface Attempt {
  kind: CaseKind;
  operation: Operation;
  path: string;
  token: string | null;
  headers?: Record<string, string>;
  body?: string | Buffer;
  expected: readonly number[];
}

const fill = (template: string, ids: Record<string, string>) =>
  template.replaceAll(/\{([^}]+)\}/g, (_, name: string) => ids[name] ?? 'sample');

/** The cases that apply to one operation. */
function attemptsOf(operation: Operation, target: SecurityTarget): Attempt[] {
  const ids = Object.fromEntries(
    operation.pathParameters.map((name) => [name, encodeURIComponent(target.ids?.[name] ?? 'sample')]),
  );
  const key = `${operation.method} ${operation.path}`;
  const token = target.tokenFor?.[key] ?? target.token;
  const json = operation.bodyTypes.find((type) => type.includes('json'));
  const validBody =
    operation.bodyTypes.length === 0
      ? undefined
      : json
        ? JSON.stringify(exampleOf(operation.bodySchema as JsonSchema))
        : `<personal>${Object.values(PERSONAL).join(' ')}</personal>`;
  const bodyType = json ?? operation.bodyTypes[0];
  const withBody = validBody === undefined ? {} : { body: validBody, headers: { 'content-type': bodyType as string } };
  const at = fill(operation.path, ids);
  const attempts: Attempt[] = [];
  const add = (attempt: Omit<Attempt, 'operation'>) => attempts.push({ operation, ...attempt });
  if (operation.secured) {
    add({ kind: 'unauthenticated', path: at, token: null, ...withBody, expected: [401] });
    add({ kind: 'unknown-token', path: at, token: 'not-a-token-of-this-runnable-0000', ...withBody, expected: [401] });
    if (target.foreignToken && operation.pathParameters.length > 0 && target.shared?.[key] === undefined)
      add({ kind: 'foreign-token', path: at, token: target.foreignToken, ...withBody, expected: [403, 404] });
  }
  if (operation.bodyTypes.length > 0) {
    const limit = target.bodyLimit ?? DEFAULT_BODY_LIMIT;
    const personal = JSON.stringify(PERSONAL);
    const oversize = json
      ? `{"de":${personal},"padding":"${'x'.repeat(limit)}"}`
      : `<personal>${personal}</personal>${'x'.repeat(limit)}`;
    add({
      kind: 'oversize-body',
      path: at,
      token,
      headers: { 'content-type': bodyType as string },
      body: oversize,
      expected: [413],
    });
    if (json)
      for (const malformed of [
        `{"de":{"deIdentifier":"${PERSONAL.deIdentifier}","lastName":"${PERSONAL.lastName}",`,
        `{"de":{"lastName": ${PERSONAL.lastName}, "email": ${PERSONAL.email}}}`,
      ])
        add({
          kind: 'malformed-json',
          path: at,
          token,
          headers: { 'content-type': json },
          body: malformed,
          expected: [400],
        });
    else
      add({
        kind: 'malformed-body',
        path: at,
        token,
        headers: { 'content-type': bodyType as string },
        body: `<?xml version="1.0"?><personal nom="${PERSONAL.lastName}">${PERSONAL.email}</person`,
        // A file (an LHEO export) that does not parse: refused as a request (400) or as a document (422).
        expected: [400, 422],
      });
    const formBody = new URLSearchParams(Object.entries(PERSONAL)).toString();
    for (const [type, body] of [
      ['text/plain', `${PERSONAL.firstName} ${PERSONAL.lastName} ${PERSONAL.email}`],
      ['application/x-www-form-urlencoded', formBody],
      ['text/html; charset=utf-8', `<p>${PERSONAL.lastName}</p>`],
    ] as const)
      if (!operation.bodyTypes.includes(type.split(';')[0] as string))
        add({
          kind: 'wrong-content-type',
          path: at,
          token,
          headers: { 'content-type': type },
          body,
          expected: [415],
        });
  }
  for (const name of operation.pathParameters)
    for (const hostile of HOSTILE_IDS)
      add({
        kind: 'hostile-id',
        path: fill(operation.path, { ...ids, [name]: hostile }),
        token: operation.secured ? token : null,
        ...withBody,
        // 414: a parameter over fastify's maximum length (100), refused before routing.
        expected: [400, 403, 404, 414],
      });
  return attempts;
}

async function attempt(url: string, { kind, operation, path, token, headers = {}, body, expected }: Attempt) {
  const request = `${kind} ${operation.method} ${path.length > 120 ? `${path.slice(0, 117)}...` : path}`;
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, {
      method: operation.method,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
      body,
    });
  } catch (error) {
    return { kind, request, status: 0, type: null, problem: `no answer: ${(error as Error).message}` };
  }
  const text = await response.text();
  const type = response.headers.get('content-type');
  const result: CaseResult = { kind, request, status: response.status, type };
  if (!expected.includes(response.status))
    result.problem = `answered ${response.status}, expected ${expected.join(' or ')}: ${text.slice(0, 200)}`;
  else if (!type?.startsWith(PROBLEM_MEDIA_TYPE)) result.problem = `answered ${type}, not ${PROBLEM_MEDIA_TYPE}`;
  else {
    const problem = JSON.parse(text) as { status?: unknown; title?: unknown };
    if (problem.status !== response.status || typeof problem.title !== 'string')
      result.problem = `a problem without its status or title: ${text.slice(0, 200)}`;
  }
  return result;
}

/** The end offset of every partition of `topics` (transactions' markers included: an aborted attempt moves it). */
async function endOffsets(bus: Bus | undefined, topics: readonly string[]): Promise<Record<string, number>> {
  const ends: Record<string, number> = {};
  if (topics.length === 0) return ends;
  if (!bus) throw new Error('the output topics are read with the test’s own bus: give `bus`');
  const admin = await bus.admin();
  for (const topic of topics)
    ends[topic] = (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
  return ends;
}

/** The ops action every runnable has (packages/runtime/src/ops-routes.ts), not in any OpenAPI document. */
const OPS_ACTION: Operation = {
  method: 'POST',
  path: '/status/consumers/{name}/{action}',
  secured: true,
  pathParameters: ['name', 'action'],
  bodyTypes: [],
  bodySchema: undefined,
};

/** How many requests run at once: enough to be quick, few enough for a 2-core machine shared with the broker. */
const CONCURRENCY = 6;

/** Runs every applicable case against every operation of the runnable's `/openapi.json`. */
export async function securityPass(target: SecurityTarget): Promise<SecurityReport> {
  const served = await fetch(`${target.url}/openapi.json`);
  if (served.status !== 200) throw new Error(`${target.runnable}: GET /openapi.json answered ${served.status}`);
  const operations = operationsOf(await served.json());
  const attempts = operations.flatMap((operation) => attemptsOf(operation, target));
  if (target.opsToken !== undefined) {
    operations.push(OPS_ACTION);
    // A consumer no runnable has: however the pass goes, nothing is ever paused.
    const ids = { name: 'no-such-consumer', action: 'pause' };
    attempts.push(...attemptsOf(OPS_ACTION, { ...target, token: target.opsToken, ids, foreignToken: undefined }));
  }
  if (attempts.length < target.minimumCases)
    throw new Error(
      `${target.runnable}: ${attempts.length} security cases from ${operations.length} operations, fewer than the ${target.minimumCases} expected: is /openapi.json listing the routes?`,
    );
  const before = await endOffsets(target.bus, target.outputs);
  const cases: CaseResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < attempts.length) {
        const one = attempts[next] as Attempt;
        next += 1;
        cases.push(await attempt(target.url, one));
      }
    }),
  );
  // A request's log line is written as its answer goes out: one last request, answered after all the others, is
  // logged after them; once its line is in, every line of the pass is.
  const marker = `/security-pass-end-${Date.now()}`;
  await fetch(`${target.url}${marker}`);
  await waitFor(() => target.logs.text.includes(marker), { description: 'the logs of the pass written' });
  const after = await endOffsets(target.bus, target.outputs);
  const published = Object.fromEntries(
    target.outputs
      .map((topic) => [topic, (after[topic] ?? 0) - (before[topic] ?? 0)] as const)
      .filter(([, moved]) => moved !== 0),
  );
  const logs = target.logs.text;
  const leaked = Object.values(PERSONAL).filter(
    (value) => logs.includes(value) || logs.includes(JSON.stringify(value).slice(1, -1)),
  );
  const byKind: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  for (const result of cases) {
    byKind[result.kind] = (byKind[result.kind] ?? 0) + 1;
    byStatus[result.status] = (byStatus[result.status] ?? 0) + 1;
  }
  const report = {
    runnable: target.runnable,
    operations: operations.length,
    cases,
    failures: cases.filter((result) => result.problem !== undefined),
    published,
    leaked,
    byKind,
    byStatus,
  };
  console.log(summaryLine(report));
  return report;
}

/** One readable line per runnable for the CI log: operations, cases by kind, failures. */
export function summaryLine(report: SecurityReport): string {
  const counts = (counted: Record<string, number>) =>
    Object.entries(counted)
      .map(([what, count]) => `${what} ${count}`)
      .join(', ');
  return `security: ${report.runnable}: ${report.cases.length} cases on ${report.operations} operations (${counts(report.byKind)}; answered ${counts(report.byStatus)}); ${report.failures.length} failed`;
}
