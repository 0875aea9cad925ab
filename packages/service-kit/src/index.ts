export { bearerMatches, bearerTokenOf, unauthorized } from './auth.js';
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
  type HealthCheck,
  type HttpServer,
  type HttpServerOptions,
  idempotencyKeyOf,
  type Problem,
  ProblemError,
} from './http.js';
export { stopOnSignals } from './lifecycle.js';
export { createLogger, type Logger, type LoggerOptions, REDACTED_KEYS } from './logger.js';
export { type CounterMetric, type GaugeMetric, type HistogramMetric, Metrics } from './metrics.js';
