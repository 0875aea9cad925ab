// The client comparison's report: medians over the rounds, platformatic / kafkajs ratios, the summary on stderr.

import { NAMES, type PerClient, type Row } from './client-comparison-run.js';
import { round } from './client-comparison-shared.js';

/** Per client, the median of every numeric field over the rounds, and the rounds' values of `headline`. */
export function medians(rounds: PerClient[], headline: string): PerClient {
  const out: PerClient = {};
  for (const name of NAMES) {
    const rows = rounds.map((perClient) => perClient[name]).filter((row): row is Row => row !== undefined);
    const ok = rows.filter((row) => row.error === undefined);
    if (ok.length === 0) {
      out[name] = rows[0];
      continue;
    }
    const row: Row = {};
    for (const key of Object.keys(ok[0] as Row)) {
      const values = ok.map((entry) => entry[key]);
      row[key] = values.every((value) => typeof value === 'number') ? median(values as number[]) : values[0];
    }
    row.rounds = ok.length;
    row[`${headline}ByRound`] = ok.map((entry) => entry[headline]);
    const failed = rows.filter((entry) => entry.error !== undefined);
    if (failed.length > 0) row.failedRounds = failed.map((entry) => entry.error);
    out[name] = row;
  }
  return out;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : round(((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2);
};

export function withRatios(rows: PerClient, keys: string[]) {
  const ratio: Record<string, number | null> = {};
  for (const key of keys) {
    const a = rows.kafkajs?.[key];
    const b = rows.platformatic?.[key];
    ratio[key] = typeof a === 'number' && typeof b === 'number' && a !== 0 ? round(b / a, 3) : null;
  }
  return { kafkajs: rows.kafkajs, platformatic: rows.platformatic, ratio };
}

export function summarize(report: Record<string, unknown>) {
  const get = (path: string) =>
    path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], report);
  const line = (label: string, section: string, key: string, unit: string) => {
    const k = get(`${section}.kafkajs.${key}`);
    const p = get(`${section}.platformatic.${key}`);
    const r = get(`${section}.ratio.${key}`);
    const show = (value: unknown) => (typeof value === 'number' ? `${value}${unit}` : 'n/a');
    console.error(
      `  ${label.padEnd(34)} kafkajs ${show(k).padStart(12)}   platformatic ${show(p).padStart(12)}   ×${r ?? '–'}`,
    );
  };
  const run = report.run as { loadAverages: Record<string, number[]>; order: unknown };
  console.error(`client comparison ${get('run.id')} (load average at start ${run.loadAverages.start?.join(' ')})`);
  line('produce 500/request', 'produce', 'msgsPerSec', ' msg/s');
  line('produce CPU per 1 000', 'produce', 'cpuMsPer1000', ' ms');
  line('single send p50', 'singleProduce', 'p50Ms', ' ms');
  line('single send p99', 'singleProduce', 'p99Ms', ' ms');
  line('single send CPU per 1 000', 'singleProduce', 'cpuMsPer1000', ' ms');
  line('transactional loop', 'transactionalTransform', 'msgsPerSec', ' msg/s');
  line('transactional loop CPU per 1 000', 'transactionalTransform', 'cpuMsPer1000', ' ms');
  line('transactional loop mean batch', 'transactionalTransform', 'meanBatch', '');
  line('one hop at 200/s p50', 'endToEnd', 'p50Ms', ' ms');
  line('one hop at 200/s p99', 'endToEnd', 'p99Ms', ' ms');
  line('one hop CPU per 1 000', 'endToEnd', 'cpuMsPer1000', ' ms');
  const checks = report.checks as Record<string, Record<string, Row | number>> | undefined;
  if (checks) {
    const conc = checks.concurrentIdempotentSends;
    const abort = checks.readCommittedAfterAborts;
    console.error(
      `  checks: 8 concurrent idempotent senders, 61 sent → stored kafkajs ${(conc?.kafkajs as Row)?.stored}, platformatic ${(conc?.platformatic as Row)?.stored}; ` +
        `read_committed after abort/commit/abort/commit (10 expected) → kafkajs ${(abort?.kafkajs as Row)?.seen}, platformatic ${(abort?.platformatic as Row)?.seen}; ` +
        `default partitioner differs from kafkajs for ${(checks.partitionerVsKafkajs as Row)?.platformaticDefaultPartitionerDiffers} of 1 000 keys`,
    );
  }
}
