import type { Metrics } from '@passerelle/service-kit';

/** The bus's Prometheus metrics, registered once per process. */
export function createBusMetrics(metrics: Metrics) {
  return {
    consumed: metrics.counter('bus_consumed_total', 'Events consumed, per group and topic', ['group', 'topic']),
    produced: metrics.counter('bus_produced_total', 'Events published, per topic', ['topic']),
    deadLettered: metrics.counter('bus_dead_lettered_total', 'Events sent to a dead-letter topic', [
      'group',
      'topic',
      'stage',
    ]),
    retries: metrics.counter('bus_retries_total', 'Handler attempts retried after a retriable error', ['group']),
    restarts: metrics.counter('bus_consumer_restarts_total', 'Consumer restarts after a crash', ['group']),
    lag: metrics.gauge('bus_consumer_lag', 'Messages behind the high watermark, per partition', [
      'group',
      'topic',
      'partition',
    ]),
    handlerSeconds: metrics.histogram('bus_handler_seconds', 'Time to handle one event', ['group']),
    transactionSeconds: metrics.histogram('bus_transaction_seconds', 'Time to commit one batch transaction', ['group']),
  };
}

export type BusMetrics = ReturnType<typeof createBusMetrics>;
