import type { FastifyInstance } from 'fastify';
import { type RegisteredRoute, registeredRoutes } from './openapi.js';
import { PROBLEM_MEDIA_TYPE } from './problem.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Operation = {
  operationId?: string;
  parameters?: { name?: string; in?: string; required?: boolean; schema?: unknown }[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
};

const toTemplate = (url: string) => url.replaceAll(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * What is wrong with an OpenAPI 3 document, as a list (empty: nothing): the structure (version, info, paths,
 * operations with described responses, path parameters declared, errors as problem+json) and, given the routes the
 * server registered, that each is documented with its method and nothing else is (the operational routes every
 * runnable shares — probes, metrics, consumer status, the document itself — are left out of each contract). A structural check, not a full
 * OpenAPI validator: it says what our documents must hold.
 */
export function openApiProblems(document: unknown, routes: readonly RegisteredRoute[]): string[] {
  const found: string[] = [];
  const doc = document as {
    openapi?: unknown;
    info?: { title?: unknown; version?: unknown };
    paths?: Record<string, Record<string, Operation>>;
  };
  if (typeof doc?.openapi !== 'string' || !/^3\.[01]\.\d+$/.test(doc.openapi))
    found.push(`openapi: "${String(doc?.openapi)}" is not an OpenAPI 3.0/3.1 version`);
  if (typeof doc?.info?.title !== 'string' || doc.info.title === '') found.push('info.title: missing');
  if (typeof doc?.info?.version !== 'string' || doc.info.version === '') found.push('info.version: missing');
  const paths = doc?.paths ?? {};
  const operationIds = new Set<string>();
  const documented = new Set<string>();
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/')) found.push(`${path}: a path starts with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const at = `${method.toUpperCase()} ${path}`;
      documented.add(at);
      if (operation.operationId !== undefined) {
        if (operationIds.has(operation.operationId)) found.push(`${at}: operationId ${operation.operationId} twice`);
        operationIds.add(operation.operationId);
      }
      for (const name of templated) {
        const parameter = operation.parameters?.find((candidate) => candidate.in === 'path' && candidate.name === name);
        if (!parameter?.required) found.push(`${at}: path parameter ${name} not declared as required`);
      }
      for (const parameter of operation.parameters ?? [])
        if (!parameter.name || !['path', 'query', 'header', 'cookie'].includes(parameter.in ?? '') || !parameter.schema)
          found.push(`${at}: parameter ${parameter.name ?? '?'} needs a name, a place and a schema`);
      const responses = Object.entries(operation.responses ?? {});
      if (!responses.some(([status]) => /^[23]/.test(status))) found.push(`${at}: no success response`);
      for (const [status, response] of responses) {
        if (!/^([1-5](\d\d|XX)|default)$/.test(status)) found.push(`${at}: ${status} is not a status`);
        if (!response.description || response.description === 'Default Response')
          found.push(`${at} ${status}: response not described`);
        // A 5xx may be something else (a failing readiness lists its checks); a refusal is always a problem.
        if (/^4|^default$/.test(status) && !response.content?.[PROBLEM_MEDIA_TYPE]?.schema)
          found.push(`${at} ${status}: an error is application/problem+json`);
        if (/^5/.test(status) && !response.content) found.push(`${at} ${status}: no content described`);
      }
    }
  }
  const served = new Set(
    routes.filter((route) => !route.operational).map((route) => `${route.method} ${toTemplate(route.url)}`),
  );
  for (const route of served) if (!documented.has(route)) found.push(`${route}: served but not documented`);
  for (const operation of documented) if (!served.has(operation)) found.push(`${operation}: documented but not served`);
  return found;
}

/**
 * Fetches `GET /openapi.json` from a server as a client would and checks it against the routes the server
 * registered (`openApiProblems`): what a runnable's contract test asserts empty.
 */
export async function servedOpenApiProblems(app: FastifyInstance): Promise<string[]> {
  await app.ready();
  const response = await app.inject({ method: 'GET', url: '/openapi.json' });
  if (response.statusCode !== 200) return [`GET /openapi.json answered ${response.statusCode}`];
  return openApiProblems(response.json(), registeredRoutes(app));
}
