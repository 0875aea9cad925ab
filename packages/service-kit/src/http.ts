import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** The HTTP server type runnables add routes to (fastify stays behind service-kit). */
export type HttpServer = FastifyInstance;

export type HealthCheck = () => Promise<{ ok: boolean; detail?: unknown }> | { ok: boolean; detail?: unknown };

export interface HttpServerOptions {
  log: Logger;
  metrics?: Metrics;
  /** Readiness checks by name; /readyz is 200 only when all pass. Liveness (/healthz) only says the process answers. */
  readiness?: Record<string, HealthCheck>;
  bodyLimit?: number;
}

/** RFC 9457 problem details: the shape every 4xx/5xx of Passerelle has. */
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

/**
 * The optional `Idempotency-Key` header of a request: a client that lost the answer (no reply, a 5xx) retries with
 * the same key and gets the first answer instead of a second act. 1–200 visible ASCII characters, else a 400
 * problem naming the header.
 */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const key = headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key)) {
    const message = 'Idempotency-Key is 1 to 200 visible ASCII characters.';
    throw new ProblemError({
      type: 'urn:passerelle:problem:validation',
      title: 'Invalid request',
      status: 400,
      detail: message,
      errors: [{ field: 'headers.idempotency-key', message }],
    });
  }
  return key;
}

/**
 * The one place that builds fastify servers: logging through the process logger, problem+json errors (4xx logged
 * at info, 5xx at error), /healthz, /readyz and /metrics. Runnables add their routes as plugins.
 */
export function createHttpServer({ log, metrics, readiness = {}, bodyLimit }: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: log.child({ component: 'http' }) as FastifyBaseLogger,
    ...(bodyLimit ? { bodyLimit } : {}),
  });

  app.setErrorHandler((error: FastifyError | ProblemError, request, reply) => {
    const problem = toProblem(error, request.url);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: problem.status, type: problem.type }, 'request refused');
    void reply.status(problem.status).type('application/problem+json').send(problem);
  });

  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .type('application/problem+json')
      .send({ type: 'about:blank', title: 'Not Found', status: 404, instance: request.url });
  });

  // Probes and scrapes come every few seconds from the admin, Prometheus or an orchestrator: logged only when
  // something goes wrong, so the logs keep what people do.
  const probe = { logLevel: 'warn' as const };
  app.get('/healthz', probe, async () => ({ status: 'ok' }));
  app.get('/readyz', probe, async (_request, reply) => {
    const results = Object.fromEntries(
      await Promise.all(Object.entries(readiness).map(async ([name, check]) => [name, await check()] as const)),
    );
    const ready = Object.values(results).every((result) => result.ok);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks: results });
  });
  if (metrics) {
    app.get('/metrics', probe, async (_request, reply) => {
      const { contentType, body } = await metrics.expose();
      return reply.type(contentType).send(body);
    });
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
