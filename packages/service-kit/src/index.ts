/** What routes receive and answer, for runnables' handlers (fastify stays behind service-kit, as HttpServer). */
export type {
  FastifyReply as HttpReply,
  FastifyRequest as HttpRequest,
  FastifySchema as RouteSchema,
} from 'fastify';
export { bearerMatches, bearerTokenOf } from './auth.js';
export { ConfigError, commaList, loadConfig, z } from './config.js';
export {
  AppError,
  classifyError,
  type ErrorClass,
  errorCodeOf,
  errorMessageOf,
  NonRetriableError,
  RetriableError,
} from './errors.js';
export {
  createHttpServer,
  DEFAULT_BODY_LIMIT,
  type HealthCheck,
  type HttpServer,
  type HttpServerOptions,
  idempotencyKeyHeader,
  idempotencyKeyOf,
} from './http.js';
export { stopOnSignals } from './lifecycle.js';
export { createLogger, type Logger, type LoggerOptions, REDACTED_KEYS } from './logger.js';
export { type CounterMetric, type GaugeMetric, type HistogramMetric, Metrics } from './metrics.js';
export {
  type CheckedByHand,
  file,
  json,
  located,
  type OpenApiInfo,
  problemResponse,
  problems,
  type RegisteredRoute,
  registeredRoutes,
  serveOpenApi,
} from './openapi.js';
export { openApiProblems, servedOpenApiProblems } from './openapi-check.js';
export {
  type FieldError,
  invalidRequest,
  PROBLEM_MEDIA_TYPE,
  type Problem,
  ProblemError,
  problem,
  problemSchema,
  unauthorized,
} from './problem.js';
