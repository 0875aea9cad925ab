import type { Logger } from './logger.js';

/**
 * Runs `stop` once on SIGTERM or SIGINT (finish in-flight work, commit, leave groups, close servers), then exits
 * 0 — or 1 if stopping failed or took longer than `timeoutMs`.
 */
export function stopOnSignals(log: Logger, stop: () => Promise<void>, { timeoutMs = 30_000 } = {}): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'stop timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
