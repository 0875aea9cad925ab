import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { classifyError, errorCodeOf, errorMessageOf } from './errors.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { describeRoutes, file, json } from './openapi.js';
import { invalidRequest, PROBLEM_MEDIA_TYPE, type Problem, ProblemError } from './problem.js';

/** The HTTP server type runnables add routes to (fastify stays behind service-kit). */
export type HttpServer = FastifyInstance;

export type HealthCheck = () => Promise<{ ok: boolean; detail?: unknown }> | { ok: boolean; detail?: unknown };

export interface HttpServerOptions {
  log: Logger;
  metrics?: Metrics;
  /** Readiness checks by name; /readyz is 200 only when all pass. Liveness (/healthz) only says the process answers. */
  readiness?: Record<string, HealthCheck>;
  /** Largest request body parsed, in bytes (default `DEFAULT_BODY_LIMIT`); beyond it the answer is 413. */
  bodyLimit?: number;
}

/**
 * fastify's own default (1 MiB), said here so the limit is one known number: the security suite sends a body one
 * byte over it to every route that takes one. No JSON body of the APIs comes near it.
 */
export const DEFAULT_BODY_LIMIT = 1_048_576;

/**
 * The optional `Idempotency-Key` header of a request: a client that lost the answer (no reply, a 5xx) retries with
 * the same key and gets the first answer instead of a second act. 1–200 visible ASCII characters, else a 400
 * problem naming the header.
 */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const key = headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    const message = 'Idempotency-Key is 1 to 200 visible ASCII characters.';
    throw invalidRequest([{ field: 'headers.idempotency-key', message }], { detail: message });
  }
  return key;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The `Idempotency-Key` header as the OpenAPI documents show it (checked by `idempotencyKeyOf`, after the token). */
export const idempotencyKeyHeader = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      pattern: IDEMPOTENCY_KEY.source,
      description: 'Retrying with the same key (no answer, a 5xx) gets the first answer instead of a second act.',
    },
  },
} as const;

/**
 * A URL as logs show it: the path, and the query's parameter names without their values. A query may carry
 * personal data (Kairos's DE search by name: `?lastName=…`), which the logger's key redaction cannot see inside a
 * string; ids that matter are in the path.
 */
export function loggedUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const names = [...new Set(new URLSearchParams(url.slice(mark + 1)).keys())];
  return `${url.slice(0, mark)}?${names.map((name) => `${encodeURIComponent(name)}=…`).join('&')}`;
}

/**
 * One log line per request, when it is answered, instead of fastify's two ("incoming request", "request completed"):
 * on the request path the logs were a third of a connector's work. Probes keep their own level (warn).
 */
class OneLinePerRequest extends LogController {
  override incomingRequest() {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    if (this.isLogDisabled(request)) return;
    const line = {
      method: request.method,
      url: loggedUrl(request.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request answered');
  }
}

/**
 * The one place that builds fastify servers: logging through the process logger, problem+json errors (4xx logged
 * at info, 5xx at error), /healthz, /readyz and /metrics. Runnables add their routes as plugins.
 */
export function createHttpServer({
  log,
  metrics,
  readiness = {},
  bodyLimit = DEFAULT_BODY_LIMIT,
}: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: log.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new OneLinePerRequest(),
    bodyLimit,
    // What fastify refuses before any route sees the request (a URL that does not decode, a path parameter over
    // its maximum length) is a problem+json like every other refusal, not fastify's own JSON.
    frameworkErrors: (error, request, reply) => {
      const problem = toProblem(error, request.url);
      request.log.info({ status: problem.status, type: problem.type }, 'request refused');
      void (reply as FastifyReply).status(problem.status).type(PROBLEM_MEDIA_TYPE).send(problem);
    },
  });
  describeRoutes(app);
  // Every API takes JSON (SOFI's upload adds its XML types in its own scope): fastify's default text/plain parser
  // would hand a JSON route a string, refused later by the route's own rules with a misleading answer (a 422 on
  // a field); without it a text body is a 415 everywhere.
  app.removeContentTypeParser('text/plain');
  // Response schemas are the contract's documentation: answers are sent as built, never filtered by a schema
  // (fast-json-stringify would drop every member a schema does not list).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler((error: FastifyError | ProblemError, request, reply) => {
    // A retriable failure (the broker, or a read model not caught up yet) is the client's to retry: 503, not 500.
    if (!(error instanceof ProblemError) && error.statusCode === undefined && classifyError(error) === 'retriable') {
      request.log.warn({ code: errorCodeOf(error) }, 'request deferred: retriable failure');
      void reply
        .status(503)
        .header('retry-after', '1')
        .type(PROBLEM_MEDIA_TYPE)
        .send({
          type: 'urn:passerelle:problem:unavailable',
          title: 'Service Unavailable',
          status: 503,
          detail: `${errorMessageOf(error)}; try again in a moment`,
          instance: request.url,
        });
      return;
    }
    const problem = toProblem(error, request.url);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: problem.status, type: problem.type }, 'request refused');
    void reply.status(problem.status).type(PROBLEM_MEDIA_TYPE).send(problem);
  });

  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .type(PROBLEM_MEDIA_TYPE)
      .send({ type: 'about:blank', title: 'Not Found', status: 404, instance: request.url });
  });

  // Probes and scrapes come every few seconds from the admin, Prometheus or an orchestrator: logged only when
  // something goes wrong, so the logs keep what people do.
  const probe = (summary: string, response: Record<number, object>) => ({
    logLevel: 'warn' as const,
    schema: { summary, tags: ['Operations'], security: [], response },
  });
  app.get('/healthz', probe('Liveness: the process answers', { 200: json('Alive') }), async () => ({ status: 'ok' }));
  const readinessAnswers = {
    200: json('Every readiness check passes'),
    503: json('A readiness check fails (the body lists each check, as on 200)'),
  };
  app.get(
    '/readyz',
    probe('Readiness: every check of this runnable passes', readinessAnswers),
    async (_request, reply) => {
      const results = Object.fromEntries(
        await Promise.all(Object.entries(readiness).map(async ([name, check]) => [name, await check()] as const)),
      );
      const ready = Object.values(results).every((result) => result.ok);
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks: results });
    },
  );
  if (metrics) {
    // The HTTP hop of every request, by route template (never the raw URL: ids would make a series each).
    const requestSeconds = metrics.histogram(
      'http_request_seconds',
      'From a request arriving to its answer being sent, per route',
      ['method', 'route', 'status'],
      [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 10],
    );
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url;
      if (route === undefined || route === '/metrics' || route === '/healthz' || route === '/readyz') return;
      requestSeconds.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
    app.get(
      '/metrics',
      probe('Prometheus metrics', { 200: file('Text exposition format', 'text/plain') }),
      async (_request, reply) => {
        const { contentType, body } = await metrics.expose();
        return reply.type(contentType).send(body);
      },
    );
  }
  return app;
}

function toProblem(error: FastifyError | ProblemError, url: string): Problem {
  if (error instanceof ProblemError) return { instance: url, ...error.problem };
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (error.validation) {
    return {
      type: 'urn:passerelle:problem:validation',
      title: 'Invalid request',
      status: 400,
      detail: error.message,
      instance: url,
      errors: error.validation.map((issue) => ({
        field: `${error.validationContext ?? 'body'}${issue.instancePath.replaceAll('/', '.')}${
          issue.keyword === 'required' ? `.${(issue.params as { missingProperty?: string }).missingProperty}` : ''
        }`,
        message: issue.message,
      })),
    };
  }
  return {
    type: 'about:blank',
    title: status >= 500 ? 'Internal Server Error' : error.message,
    status,
    ...(status < 500 ? { detail: error.message } : {}),
    instance: url,
  };
}
