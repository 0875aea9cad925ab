// The request path as a prescriber lives it — a prescription sent over HTTP until its decision is in hand — driven
// two ways with the same client code for Passerelle and for the plain baseline, so their numbers compare:
//   - at a steady rate (open loop: a request leaves at its time whatever the others do), for p50/p99;
//   - as a burst with a fixed number of requests in flight (closed loop), for throughput.
// A failed request is counted by status, never thrown: one bad answer does not end a benchmark.
import { performance } from 'node:perf_hooks';

/** Sends request `i` and resolves once its decision is in the client's hands; the status is what it was answered. */
export type Prescribe = (i: number) => Promise<{ status: number; decided: boolean }>;

export interface LoadResult {
  requests: number;
  seconds: number;
  achievedPerSecond: number;
  /** Answers by HTTP status ("error" when no answer came). */
  outcomes: Record<string, number>;
  /** Requests whose decision never came within the client's patience. */
  undecided: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
const round1 = (value: number) => Math.round(value * 10) / 10;

async function measure(prescribe: Prescribe, i: number, latencies: number[], outcomes: Record<string, number>) {
  const sent = performance.now();
  let status = 'error';
  let decided = false;
  try {
    const answer = await prescribe(i);
    status = String(answer.status);
    decided = answer.decided;
  } catch (error) {
    status = String((error as { problem?: { status?: number } }).problem?.status ?? 'error');
  }
  outcomes[status] = (outcomes[status] ?? 0) + 1;
  if (decided) latencies.push(performance.now() - sent);
  return decided;
}

function summary(total: number, started: number, latencies: number[], outcomes: Record<string, number>): LoadResult {
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: total,
    seconds: round1(seconds),
    achievedPerSecond: Math.round(total / seconds),
    outcomes,
    undecided: total - latencies.length,
    p50Ms: round1(percentile(latencies, 50)),
    p90Ms: round1(percentile(latencies, 90)),
    p99Ms: round1(percentile(latencies, 99)),
    maxMs: round1(latencies.at(-1) ?? 0),
  };
}

/** `rate` requests a second for `seconds`, each sent at its due time (open loop). */
export async function atSteadyRate(
  prescribe: Prescribe,
  rate: number,
  seconds: number,
  first = 0,
): Promise<LoadResult> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const started = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < total; i += 1) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inflight.push(measure(prescribe, first + i, latencies, outcomes));
  }
  await Promise.all(inflight);
  return summary(total, started, latencies, outcomes);
}

/** `total` requests with `concurrency` in flight at all times (closed loop): the throughput the path sustains. */
export async function asBurst(
  prescribe: Prescribe,
  total: number,
  concurrency: number,
  first = 0,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next;
      next += 1;
      await measure(prescribe, first + i, latencies, outcomes);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return summary(total, started, latencies, outcomes);
}
