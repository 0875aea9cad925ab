// The end-to-end load benchmark: the whole of Passerelle (every connector and service as its own process, as
// `npm start` runs them) on a stack of its own, measured in one run against plain kafkajs on the same broker.
//   1. plain kafkajs produce → consume → produce (the baseline);
//   2. pipeline burst: positioning requests published by an upstream system onto positioning.requests, until every
//      decision has gone through Kairos and shows on journey.status — end-to-end events/s and the ratio;
//   3. latency: prescriptions through Ouiform's HTTP API at a steady rate (default 200/s), from the request to the
//      prescriber seeing Kairos's decision in the answer — p50/p99;
//   4. the full journey scenario for N trainees (the demo's), with its events/s;
// and each process's peak RSS. Usage: npm run bench -- [--json] [--trainees 60] [--rate 200] [--seconds 15]
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  Api,
  countEvents,
  credentials,
  freeBasePort,
  HttpPositioning,
  lheoExport,
  PasserelleSystem,
  PrivateStack,
  playScenario,
  readFinalStatuses,
  type ScenarioSession,
  scenarioBus,
  scenarioSessions,
  seg,
} from '@passerelle/scenario';
import { journeyIdFor, type PositioningRequested, SESSION_PARTITIONS } from '@passerelle/schemas';
import { plainKafkajsRound } from './plain-kafkajs.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const json = args.includes('--json');
const TRAINEES = flag('trainees', 60);
const RATE = flag('rate', 200);
const SECONDS = flag('seconds', 15);
const BURST = flag('burst', 3000);
const BASE_PORT = await freeBasePort(flag('port', 28092));
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);
const round1 = (value: number) => Math.round(value * 10) / 10;

/** Peak resident memory (VmHWM) of every process in a process group, in MiB: npm and the node behind it. */
function peakRssOfGroup(pgid: number): number {
  let peak = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
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
  try {
    log('starting every connector and service');
    await system.start();
    const peaks = new Map<string, number>();
    const sampler = setInterval(() => {
      for (const { runnable, child } of system.runnables) {
        if (child.pid) peaks.set(runnable.short, Math.max(peaks.get(runnable.short) ?? 0, peakRssOfGroup(child.pid)));
      }
    }, 1000);

    const settings = credentials();
    const kairosToken = settings.kairosToken;
    const sofi = new Api(system.url('sofi'), settings.sofiToken);
    const kairos = new Api(system.url('kairos'), kairosToken.token);
    const ouiform = new Api(system.url('ouiform'), settings.ouiformToken);
    const bus = scenarioBus(
      { brokers: stack.addresses.kafkaBrokers, schemaRegistryUrl: stack.addresses.schemaRegistryUrl },
      'bench-upstream',
    );
    await bus.registerSchemas();

    // 1. The baseline.
    log('plain kafkajs produce → consume → produce');
    const plainEvents = 20_000;
    const plain = await plainKafkajsRound({
      brokers: [stack.addresses.kafkaBrokers],
      input: `bench.plain.in.${randomBytes(3).toString('hex')}`,
      output: `bench.plain.out.${randomBytes(3).toString('hex')}`,
      groupId: `bench-plain-${randomBytes(3).toString('hex')}`,
      partitions: SESSION_PARTITIONS,
      messages: Array.from({ length: plainEvents }, (_, i) => ({
        key: `session-${i % 997}`,
        value: Buffer.alloc(700, i % 251),
      })),
      transform: (value) => Buffer.from(value),
    });
    const plainPerSecond = Math.round(plainEvents / plain.consumeProduceSeconds);

    // The offer the load phases use: sessions with one ICO of ample capacity each, tomorrow morning.
    const sessions = scenarioSessions(30, [{ siret: kairosToken.grant[0] as string, name: 'Organisme de banc' }], {
      start: new Date(),
      runId: `B${randomBytes(2).toString('hex').toUpperCase()}`,
    });
    await sofi.call('POST', '/imports', lheoExport(sessions, new Date()), 'application/xml');
    const icos = await openIcos(kairos, sessions);

    // 2. Pipeline burst through Kafka: positioning request → Kairos decision → journey status.
    log(`pipeline burst: ${BURST} positioning requests published at once`);
    const secret = settings.journeySecret;
    const runId = randomBytes(3).toString('hex').toUpperCase();
    const requests: PositioningRequested[] = Array.from({ length: BURST }, (_, i) => {
      const session = sessions[i % sessions.length] as ScenarioSession;
      const deIdentifier = `${runId}${String(i).padStart(5, '0')}`;
      const journeyId = journeyIdFor(secret, deIdentifier, session.sessionKey);
      const requestId = `bench:${runId}:${i}`;
      const now = new Date();
      return {
        envelope: {
          eventId: requestId,
          occurredAt: now,
          recordedAt: now,
          actor: {
            kind: 'PRESCRIBER',
            siret: null,
            organisationName: 'Banc',
            prescriberNetwork: 'FRANCE_TRAVAIL',
            channel: 'AUDEF',
          },
          sourceSystem: 'AUDEF',
          correlationId: journeyId,
          causationId: null,
        },
        requestId,
        journeyId,
        origin: 'PRESCRIBER',
        channel: 'AUDEF',
        target: {
          sessionKey: session.sessionKey,
          modalityKind: 'ICO',
          modalityId: icos.get(session.sessionKey) ?? null,
        },
        de: { deIdentifier, lastName: 'Banc', firstName: 'Essai', email: null, phone: null },
        prescription: null,
      };
    });
    const decided = new Set<string>();
    const journeysSeen = new Set<string>();
    const wanted = new Set(requests.map((r) => r.journeyId));
    let burstEnd = 0;
    let kairosEnd = 0;
    bus.follow({
      name: 'bench-decisions',
      topics: ['kairos.session-events.v1'],
      onEvent: (event) => {
        const requestId = (event.value as { requestId?: string | null } | null)?.requestId;
        if (requestId?.startsWith(`bench:${runId}:`) && !decided.has(requestId)) {
          decided.add(requestId);
          if (decided.size === BURST) kairosEnd = performance.now();
        }
      },
    });
    bus.follow({
      name: 'bench-journeys',
      topics: ['journey.status.v1'],
      onEvent: (event) => {
        const journeyId = (event.value as { journeyId?: string } | null)?.journeyId;
        if (journeyId && wanted.has(journeyId) && !journeysSeen.has(journeyId)) {
          const status = (event.value as { status?: string }).status;
          if (status === 'POSITIONNE') return;
          journeysSeen.add(journeyId);
          if (journeysSeen.size === BURST) burstEnd = performance.now();
        }
      },
    });
    await bus.start();
    const burstStart = performance.now();
    for (let i = 0; i < requests.length; i += 500) {
      await bus.publish(
        requests.slice(i, i + 500).map((value) => ({
          topic: 'positioning.requests.v1',
          key: value.target.sessionKey,
          record: 'fr.passerelle.positioning.PositioningRequested',
          value,
        })),
      );
    }
    const deadline = Date.now() + 300_000;
    while ((decided.size < BURST || journeysSeen.size < BURST) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (journeysSeen.size < BURST)
      throw new Error(`burst: only ${decided.size} decisions and ${journeysSeen.size} journeys of ${BURST} in 300 s`);
    const burstSeconds = (burstEnd - burstStart) / 1000;
    // Each request is three events end to end: the request, Kairos's decision, the journey's status.
    const endToEndPerSecond = Math.round((3 * BURST) / burstSeconds);

    // 3. Latency at a steady rate through Ouiform.
    log(`latency: ${RATE} prescriptions/s for ${SECONDS} s through Ouiform`);
    const latencies: number[] = [];
    const outcomes: Record<string, number> = {};
    const total = RATE * SECONDS;
    const started = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < total; i += 1) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const session = sessions[i % sessions.length] as ScenarioSession;
      const sent = performance.now();
      const prescriptionId = `bench-${runId}-${i}`;
      inflight.push(
        ouiform
          .send<{ decision: unknown }>('POST', '/prescriptions', {
            prescriptionId,
            // France Travail identifiers are 8 to 11 characters; not the burst's DEs (they are registered already).
            de: { ftId: `L${runId.slice(0, 4)}${String(i).padStart(5, '0')}`, lastName: 'Banc', firstName: 'Essai' },
            target: { sessionKey: session.sessionKey, modalityKind: 'ICO', modalityId: icos.get(session.sessionKey) },
            projectValidated: true,
          })
          .then(
            async (answer) => {
              outcomes[answer.status] = (outcomes[answer.status] ?? 0) + 1;
              // 202: Kairos had not answered within Ouiform's wait; the prescriber sees the decision when his
              // follow-up shows it, and that moment is what is measured.
              let decision = answer.body.decision;
              while (!decision && performance.now() - sent < 30_000) {
                await new Promise((resolve) => setTimeout(resolve, 20));
                decision = (await ouiform.get<{ decision: unknown }>(`/prescriptions/${seg(prescriptionId)}`)).decision;
              }
              if (decision) latencies.push(performance.now() - sent);
            },
            (error: unknown) => {
              const status = String((error as { problem?: { status?: number } }).problem?.status ?? 'error');
              outcomes[status] = (outcomes[status] ?? 0) + 1;
            },
          ),
      );
    }
    await Promise.all(inflight);
    const achievedRate = Math.round(total / ((performance.now() - started) / 1000));
    latencies.sort((a, b) => a - b);

    // 4. The full journey scenario (the demo's), to show the whole system under a realistic mix.
    log(`journey scenario: ${TRAINEES} trainees`);
    const scenarioRunId = randomBytes(2).toString('hex').toUpperCase();
    const run = await playScenario(
      {
        sofi,
        kairos,
        ofSirets: kairosToken.grant,
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
    for (const trainee of run.trainees.filter((t) => t.finalStatus !== t.trainee.path.expected).slice(0, 10)) {
      log(
        `  ${trainee.trainee.id} (${trainee.trainee.path.name}) ended ${trainee.finalStatus ?? 'nowhere'}, expected ${trainee.trainee.path.expected}: ${trainee.failures.join('; ')}`,
      );
    }
    const scenarioEvents = await countEvents(
      { brokers: stack.addresses.kafkaBrokers, schemaRegistryUrl: stack.addresses.schemaRegistryUrl },
      new Set(run.sessions.map((s) => s.sessionKey)),
    );
    const eventCount = Object.values(scenarioEvents).reduce((sum, n) => sum + n, 0);
    const activeSeconds = run.activeMs / 1000;
    clearInterval(sampler);
    await bus.stop();

    const result = {
      machine: '2 cores, shared by the broker, the registry and every runnable',
      plainKafkajs: { events: plainEvents, consumeProducePerSecond: plainPerSecond },
      pipelineBurst: {
        requests: BURST,
        seconds: round1(burstSeconds),
        kairosDecisionsSeconds: round1((kairosEnd - burstStart) / 1000),
        endToEndEventsPerSecond: endToEndPerSecond,
        ratioToPlainKafkajs: Number((endToEndPerSecond / plainPerSecond).toFixed(2)),
        target: { ratio: 0.5 },
      },
      latency: {
        requestsPerSecond: RATE,
        achievedPerSecond: achievedRate,
        seconds: SECONDS,
        outcomes,
        p50Ms: round1(percentile(latencies, 50)),
        p99Ms: round1(percentile(latencies, 99)),
        maxMs: round1(latencies.at(-1) ?? 0),
        target: { p99Ms: 250 },
      },
      journeyScenario: {
        trainees: TRAINEES,
        events: eventCount,
        activeSeconds: round1(activeSeconds),
        eventsPerSecond: Math.round(eventCount / activeSeconds),
        journeysAsExpected: run.trainees.filter((t) => t.finalStatus === t.trainee.path.expected).length,
      },
      peakRssMiB: Object.fromEntries([...peaks.entries()].sort()),
    };
    if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await system.stop().catch(() => undefined);
    await stack.down().catch(() => undefined);
  }
}

/** One ICO of ample capacity per session, tomorrow morning, once Kairos knows the sessions. */
async function openIcos(kairos: Api, sessions: readonly ScenarioSession[]): Promise<Map<string, string>> {
  const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
  const icos = new Map<string, string>();
  for (const session of sessions) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const answer = await kairos.send<{ modalityId: string }>(
          'POST',
          `/sessions/${seg(session.sessionKey)}/modalities`,
          {
            kind: 'ICO',
            date: tomorrow,
            startTime: '09:00',
            endTime: '11:00',
            place: 'Salle 1',
            capacity: 10_000,
          },
        );
        icos.set(session.sessionKey, answer.body.modalityId);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }
  return icos;
}

await main();
