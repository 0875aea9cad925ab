import type { Logger } from '@passerelle/service-kit';
import { Kafka, type LogEntry, logLevel } from 'kafkajs';

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs logs through the process logger. Its ERROR lines for errors it retries itself (a coordinator still
 * loading, a transaction completing) are noise at error level: they go out as warnings.
 */
export function createKafka({ brokers, clientId, log }: { brokers: string[]; clientId: string; log: Logger }): Kafka {
  const kafkaLog = log.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 10_000 },
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...extra } = entry;
        if (
          message.startsWith('Limiting retries for the idempotent producer') ||
          message.includes('switched default partitioner')
        ) {
          // Not actionable here: our idempotent producers either run inside a transaction (a failed send aborts it)
          // or report the failure to the caller, so bounded retries duplicate nothing; and the default partitioner
          // (murmur2, as the Java client) is the one we want, since topics keyed alike must stay co-partitioned.
          return;
        }
        const method = level === logLevel.ERROR && isRetriedByClient(extra) ? 'warn' : (levels[level] ?? 'info');
        kafkaLog[method]({ namespace, ...extra }, message);
      },
  });
}

const isRetriedByClient = (extra: Record<string, unknown>) =>
  typeof extra.error === 'string' &&
  /coordinator is loading|coordinator is not available|concurrent operation|not the leader|rebalanc/i.test(extra.error);
