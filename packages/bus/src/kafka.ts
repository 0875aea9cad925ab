import { createRequire } from 'node:module';
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

/**
 * How long a client trusts the coordinator it found for a group or a transactional id. kafkajs asks the broker again
 * before every request that goes to a coordinator: four FindCoordinator round trips in each consume→produce
 * transaction (add partitions, add offsets, commit offsets, end), nine sequential requests where five do the work.
 * Remembered for a second, a moved coordinator costs at most a second of the retries kafkajs makes anyway on
 * NOT_COORDINATOR; a metadata refresh forgets them at once.
 */
const COORDINATOR_TTL_MS = 1000;

/** kafkajs 2.2.4 is pinned and no longer maintained: its Cluster class is patched once, here, the one door to it. */
function rememberCoordinators() {
  type Lookup = { groupId: string; coordinatorType?: number };
  type Remembered = Map<string, { metadata: unknown; until: number }>;
  const Cluster = createRequire(import.meta.url)('kafkajs/src/cluster/index.js') as {
    prototype: {
      findGroupCoordinatorMetadata(this: { coordinators?: Remembered }, lookup: Lookup): Promise<unknown>;
      refreshMetadata(this: { coordinators?: Remembered }, ...args: unknown[]): Promise<unknown>;
    };
  };
  const { findGroupCoordinatorMetadata: find, refreshMetadata: refresh } = Cluster.prototype;
  Cluster.prototype.findGroupCoordinatorMetadata = async function (lookup) {
    this.coordinators ??= new Map();
    const key = `${lookup.coordinatorType ?? 0}:${lookup.groupId}`;
    const known = this.coordinators.get(key);
    if (known && known.until > Date.now()) return known.metadata;
    const metadata = await find.call(this, lookup);
    this.coordinators.set(key, { metadata, until: Date.now() + COORDINATOR_TTL_MS });
    return metadata;
  };
  Cluster.prototype.refreshMetadata = function (...args) {
    this.coordinators?.clear();
    return refresh.apply(this, args);
  };
}

rememberCoordinators();
