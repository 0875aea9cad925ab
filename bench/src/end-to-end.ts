// The end-to-end benchmark of the request path: the whole of Passerelle (every connector and service as its own
// process, as `npm start` runs them) on a stack of its own, against the same topology written with plain kafkajs
// (bench/src/plain-request-path.ts) on the same broker, in the same run, driven by the same client code:
//   1. throughput: a burst of prescriptions with a fixed number in flight, until each decision is in the
//      prescriber's hands — Passerelle through Ouiform's HTTP API, then the baseline; `ratio` = Passerelle / baseline;
//   2. latency: prescriptions at a steady rate (default 200/s) for 15 s — p50/p99 from the request to the
//      decision in hand (a 202 is followed to its Location), for both; every answer counted by status;
//   3. where Passerelle's time goes: each hop's span from the runnables' histograms over the latency phase;
//   4. optionally (--trainees N) the demo's journey scenario, and each process's peak RSS.
// Usage: npm run bench -- [--json] [--rate 200] [--seconds 15] [--burst 3000] [--concurrency 50] [--trainees 0]
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Api,
  countEvents,
  credentials,
  freeBasePort,
  HttpPositioning,
  PasserelleSystem,
  PrivateStack,
  playScenario,
  readFinalStatuses,
} from '@passerelle/scenario';
import { SESSION_PARTITIONS } from '@passerelle/schemas';
import { prepareOffer, prescribeThroughOuiform } from './passerelle-path.js';
import { PlainRequestPath } from './plain-request-path.js';
import { asBurst, atSteadyRate } from './request-path.js';
import { type Scrape, scrape, spansBetween } from './spans.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const TRAINEES = flag('trainees', 0);
const RATE = flag('rate', 200);
const SECONDS = flag('seconds', 15);
const BURST = flag('burst', 3000);
const CONCURRENCY = flag('concurrency', 50);
const SESSIONS = 30;
const BASE_PORT = await freeBasePort(flag('port', 28092));
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const round1 = (value: number) => Math.round(value * 10) / 10;

/** The histograms of the request path's hops, by runnable. */
const SPANS: Record<string, string[]> = {
  ouiform: [
    'passerelle_http_request_seconds',
    'passerelle_bus_publish_seconds',
    'passerelle_bus_reply_wait_seconds',
    'passerelle_bus_follow_delay_seconds',
  ],
  kairos: ['passerelle_bus_input_age_seconds', 'passerelle_bus_transaction_seconds', 'passerelle_bus_handler_seconds'],
  journey: ['passerelle_bus_input_age_seconds', 'passerelle_bus_transaction_seconds'],
  catalogue: ['passerelle_bus_input_age_seconds', 'passerelle_bus_transaction_seconds'],
};

/** Peak resident memory (VmHWM) of every process in a process group, in MiB: npm and the node behind it. */
function peakRssOfGroup(pgid: number): number {
  let peak = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid && Number(entry) !== pgid) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      if (hwm) peak = Math.max(peak, Math.round(Number(hwm[1]) / 1024));
    } catch {
      // the process ended while we looked
    }
  }
  return peak;
}

async function main() {
  const stateDir = await mkdtemp(join(tmpdir(), 'passerelle-bench-'));
  const stack = new PrivateStack({ stateDir, basePort: BASE_PORT });
  log(`starting a stack of its own on ports ${BASE_PORT}–${BASE_PORT + 3}`);
  await stack.up();
  const system = new PasserelleSystem(stack.addresses, { basePort: BASE_PORT + 100 });
  const plain = new PlainRequestPath(stack.addresses.kafkaBrokers, SESSION_PARTITIONS);
  const peaks = new Map<string, number>();
  const sample = () => {
    for (const { runnable, child } of system.runnables) {
      if (child.pid) peaks.set(runnable.short, Math.max(peaks.get(runnable.short) ?? 0, peakRssOfGroup(child.pid)));
    }
    plain.children.forEach((child, index) => {
      const name = index === 0 ? 'plain-decider' : 'plain-http';
      if (child.pid) peaks.set(name, Math.max(peaks.get(name) ?? 0, peakRssOfGroup(child.pid)));
    });
  };
  const sampler = setInterval(sample, 1000);
  try {
    log('starting every connector and service, and the plain kafkajs baseline');
    await system.start();
    const settings = credentials();
    const runId = randomBytes(3).toString('hex').toUpperCase();
    const offer = await prepareOffer(
      {
        sofi: new Api(system.url('sofi'), settings.sofiToken),
        kairos: new Api(system.url('kairos'), settings.kairosToken.token),
      },
      { count: SESSIONS, siret: settings.kairosToken.grant[0] as string, runId },
    );
    const passerelle = prescribeThroughOuiform(
      { url: system.url('ouiform'), token: settings.ouiformToken },
      offer,
      runId,
    );
    // The baseline waits for its decision as long as Ouiform does before answering 202.
    await plain.start(3000);
    const baseline = plain.prescribe(
      offer.sessions.map((session) => ({
        sessionKey: session.sessionKey,
        modalityId: offer.icos.get(session.sessionKey) as string,
      })),
      runId,
    );

    // Warm-up, so neither side pays for its first connections and JIT in the measured phases.
    await asBurst(passerelle, 200, 10, 1_000_000);
    await asBurst(baseline, 200, 10, 1_000_000);

    log(`throughput: ${BURST} prescriptions, ${CONCURRENCY} in flight — Passerelle, then the baseline`);
    const passerelleBurst = await asBurst(passerelle, BURST, CONCURRENCY, 0);
    const plainBurst = await asBurst(baseline, BURST, CONCURRENCY, 0);

    log(`latency: ${RATE} prescriptions/s for ${SECONDS} s — Passerelle, then the baseline`);
    const urls = Object.fromEntries(Object.keys(SPANS).map((name) => [name, system.url(name)]));
    const before: Record<string, Scrape> = {};
    for (const [name, metrics] of Object.entries(SPANS)) before[name] = await scrape(urls[name] as string, metrics);
    const passerelleLatency = await atSteadyRate(passerelle, RATE, SECONDS, 100_000);
    const spans: Record<string, unknown> = {};
    for (const [name, metrics] of Object.entries(SPANS))
      spans[name] = spansBetween(before[name] as Scrape, await scrape(urls[name] as string, metrics));
    const plainLatency = await atSteadyRate(baseline, RATE, SECONDS, 100_000);

    let journeyScenario: Record<string, number> | undefined;
    if (TRAINEES > 0) journeyScenario = await scenario(system, stack, settings);
    sample();

    const result = {
      machine: '2 cores, shared by the broker, the registry, every runnable, the baseline and the client',
      throughput: {
        requests: BURST,
        inFlight: CONCURRENCY,
        passerellePerSecond: passerelleBurst.achievedPerSecond,
        plainKafkajsPerSecond: plainBurst.achievedPerSecond,
        passerelle: passerelleBurst,
        plainKafkajs: plainBurst,
      },
      ratio: Number((passerelleBurst.achievedPerSecond / plainBurst.achievedPerSecond).toFixed(2)),
      latency: {
        requestsPerSecond: RATE,
        seconds: SECONDS,
        p50Ms: passerelleLatency.p50Ms,
        p99Ms: passerelleLatency.p99Ms,
        passerelle: passerelleLatency,
        plainKafkajs: plainLatency,
      },
      spans,
      ...(journeyScenario ? { journeyScenario } : {}),
      peakRssMiB: Object.fromEntries([...peaks.entries()].sort()),
      target: { p99Ms: 250, ratio: 0.5, non2xx: 0 },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    clearInterval(sampler);
    await plain.stop().catch(() => undefined);
    await system.stop().catch(() => undefined);
    await stack.down().catch(() => undefined);
  }
}

/** The demo's journey scenario for TRAINEES trainees, to show the whole system under a realistic mix. */
async function scenario(
  system: PasserelleSystem,
  stack: PrivateStack,
  settings: ReturnType<typeof credentials>,
): Promise<Record<string, number>> {
  log(`journey scenario: ${TRAINEES} trainees`);
  const scenarioRunId = randomBytes(2).toString('hex').toUpperCase();
  const kairos = new Api(system.url('kairos'), settings.kairosToken.token);
  const ouiform = new Api(system.url('ouiform'), settings.ouiformToken);
  const run = await playScenario(
    {
      sofi: new Api(system.url('sofi'), settings.sofiToken),
      kairos,
      kairosAdviser: kairos.withToken(settings.kairosAdviserToken),
      ofSirets: settings.kairosToken.grant,
      positioning: new HttpPositioning(
        {
          ouiform,
          catalogue: new Api(system.url('catalogue')),
          kairos,
          deTokenFor: settings.deTokenFor,
          journeySecret: settings.journeySecret,
        },
        scenarioRunId,
      ),
      journey: new Api(system.url('journey'), settings.journeyOpsToken),
      catalogue: new Api(system.url('catalogue'), settings.catalogueSearchToken),
    },
    { trainees: TRAINEES, runId: scenarioRunId, appointmentLeadMinutes: 1, progress: log },
  );
  await readFinalStatuses(new Api(system.url('journey'), settings.journeyOpsToken), run);
  const scenarioEvents = await countEvents(
    { brokers: stack.addresses.kafkaBrokers, schemaRegistryUrl: stack.addresses.schemaRegistryUrl },
    new Set(run.sessions.map((s) => s.sessionKey)),
  );
  const events = Object.values(scenarioEvents).reduce((sum, n) => sum + n, 0);
  const activeSeconds = run.activeMs / 1000;
  return {
    trainees: TRAINEES,
    events,
    activeSeconds: round1(activeSeconds),
    eventsPerSecond: Math.round(events / activeSeconds),
    journeysAsExpected: run.trainees.filter((t) => t.finalStatus === t.trainee.path.expected).length,
  };
}

await main();
