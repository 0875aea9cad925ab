import type { Metrics } from '@passerelle/service-kit';

export const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 10,
];

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
    // The request path's spans, each from one hop's start to its end, with buckets fine enough around the 250 ms
    // that a prescriber may wait.
    publishSeconds: metrics.histogram(
      'bus_publish_seconds',
      'From a publish call to the broker acknowledging its events (coalescing wait included)',
      [],
      LATENCY_BUCKETS,
    ),
    inputAgeSeconds: metrics.histogram(
      'bus_input_age_seconds',
      "From an input event's create time to its handler starting (queueing, fetch, earlier batches)",
      ['group'],
      LATENCY_BUCKETS,
    ),
    followDelaySeconds: metrics.histogram(
      'bus_follow_delay_seconds',
      "From an event's create time to a follower having folded it (commit, fetch, decode, fold)",
      ['follower'],
      LATENCY_BUCKETS,
    ),
    replyWaitSeconds: metrics.histogram(
      'bus_reply_wait_seconds',
      'How long a request waited for the event answering it',
      ['replies', 'outcome'],
      LATENCY_BUCKETS,
    ),
    handlerSeconds: metrics.histogram('bus_handler_seconds', 'Time to handle one event', ['group']),
    transactionSeconds: metrics.histogram(
      'bus_transaction_seconds',
      'Time to commit one batch transaction',
      ['group'],
      LATENCY_BUCKETS,
    ),
  };
}

export type BusMetrics = ReturnType<typeof createBusMetrics>;
