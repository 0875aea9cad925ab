import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contracts } from '@passerelle/schemas';
import { patience } from '@passerelle/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../src/api.js';
import { scenarioBus } from '../src/bus.js';
import { HttpPositioning } from '../src/channels.js';
import { countEvents } from '../src/event-counts.js';
import { playScenario, type ScenarioEnvironment, type ScenarioRun } from '../src/runner.js';
import { credentials, devSettings, setting } from '../src/settings.js';
import { freeBasePort, PasserelleSystem, PrivateStack } from '../src/system.js';
import { readFinalStatuses } from '../src/verify.js';

// The whole of Passerelle — every connector and service in its own process, as `npm start` runs them — on a stack
// of its own (so restarting its broker disturbs no other test). The scenario runs once without faults, then again
// while each runnable is SIGKILLed once at a random moment and restarted, and the broker is killed and restarted
// once; malformed events are injected on every topic. Afterwards every journey ends where the fault-free run's
// did and every business event was published as many times: nothing lost, nothing doubled.

const TRAINEES = Number(process.env.FAULT_TRAINEES ?? 192);
const BASE_PORT = await freeBasePort(Number(process.env.FAULT_BASE_PORT ?? 29092));

const stack = new PrivateStack({ stateDir: mkdtempSync(join(tmpdir(), 'passerelle-faults-')), basePort: BASE_PORT });
const system = new PasserelleSystem(stack.addresses, { basePort: BASE_PORT + 100 });
const tokens = credentials(devSettings());
const adminToken = setting(devSettings(), 'admin', 'ADMIN_TOKEN');

beforeAll(async () => {
  await stack.up();
  await system.start();
}, patience(300_000));

afterAll(async () => {
  await system.stop().catch(() => undefined);
  await stack.down().catch(() => undefined);
}, patience(120_000));

/** The scenario's users, patient as real ones: an unanswered call or a 5xx is retried (same idempotency key). */
function environment(runId: string): ScenarioEnvironment {
  const retry = { forMs: patience(180_000) };
  const kairos = new Api(system.url('kairos'), tokens.kairosToken.token, retry);
  return {
    sofi: new Api(system.url('sofi'), tokens.sofiToken, retry),
    kairos,
    kairosAdviser: kairos.withToken(tokens.kairosAdviserToken),
    ofSirets: tokens.kairosToken.grant,
    positioning: new HttpPositioning(
      {
        ouiform: new Api(system.url('ouiform'), tokens.ouiformToken, retry),
        catalogue: new Api(system.url('catalogue'), undefined, retry),
        kairos,
        deTokenFor: tokens.deTokenFor,
        journeySecret: tokens.journeySecret,
      },
      runId,
    ),
    journey: new Api(system.url('journey'), tokens.journeyOpsToken, retry),
    catalogue: new Api(system.url('catalogue'), tokens.catalogueSearchToken, retry),
  };
}

async function play(runId: string, lead: number): Promise<{ run: ScenarioRun; events: Record<string, number> }> {
  const env = environment(runId);
  const run = await playScenario(env, { trainees: TRAINEES, runId, appointmentLeadMinutes: lead });
  await readFinalStatuses(env.journey, run, patience(120_000));
  const events = await countEvents(
    { brokers: stack.addresses.kafkaBrokers, schemaRegistryUrl: stack.addresses.schemaRegistryUrl },
    new Set(run.sessions.map((session) => session.sessionKey)),
  );
  return { run, events };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const shuffled = <T>(items: T[]) =>
  items
    .map((item) => ({ item, rank: Math.random() }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ item }) => item);

/** Undecodable bytes (no Confluent magic byte), on every topic of the catalogue, as a broken producer would send. */
async function injectMalformed(): Promise<string[]> {
  const bus = scenarioBus(
    { brokers: stack.addresses.kafkaBrokers, schemaRegistryUrl: stack.addresses.schemaRegistryUrl },
    'fault-injector',
    'silent',
  );
  const producer = bus.kafka.producer();
  const topics = contracts.topics.map((topic) => topic.name);
  try {
    await producer.connect();
    for (const topic of topics) {
      await producer.send({ topic, messages: [{ key: 'FAULT-INJECTED', value: Buffer.from('{"not":"avro"}') }] });
    }
  } finally {
    await producer.disconnect();
    await bus.stop();
  }
  return topics;
}

/** The source topics of a group's dead letters, as ops see them in the admin. */
async function deadLetteredFrom(group: string): Promise<Set<string>> {
  const admin = new Api(system.url('admin'), adminToken);
  const page = await admin.get<{ entries?: Array<{ origin: { topic: string } }> }>(
    `/api/dead-letters/dlq.${group}.v1?all=true&limit=1000`,
  );
  return new Set((page.entries ?? []).map((entry) => entry.origin.topic));
}

const progress = (line: string) => process.stderr.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

describe('Passerelle under faults', () => {
  it(
    'when every runnable is SIGKILLed once, the broker restarted once and malformed events injected, then every journey and counter equals the fault-free run',
    async () => {
      progress(`fault-free run of ${TRAINEES} trainees`);
      const calm = await play(`C${Date.now().toString(36).slice(-4)}`.toUpperCase(), 2);
      const failuresOf = (run: ScenarioRun) =>
        run.trainees.flatMap((t) => t.failures.map((f) => `${t.trainee.id}: ${f}`));
      expect(failuresOf(calm.run)).toEqual([]);

      // The same scenario again, with faults at random moments while it runs.
      const runnables = shuffled(system.runnables.map((running) => running.runnable.short));
      const faults: string[] = [];
      let injectedOn: string[] = [];
      let stormOver = false;
      // Not waits on the system: the storm's own pace, so the faults land at random moments while the scenario runs.
      const storm = (async () => {
        await sleep(3000);
        const brokerAfter = Math.floor(Math.random() * runnables.length);
        const malformedAfter = Math.floor(Math.random() * runnables.length);
        for (const [index, short] of runnables.entries()) {
          await sleep(2000 + Math.random() * 6000);
          await system.restart(short, 'SIGKILL');
          faults.push(`SIGKILL ${short}`);
          progress(faults.at(-1) as string);
          if (index === brokerAfter) {
            await stack.restartBroker();
            faults.push('broker restarted');
            progress('broker restarted');
          }
          if (index === malformedAfter) {
            injectedOn = await injectMalformed();
            progress(`malformed events injected on ${injectedOn.length} topics`);
          }
        }
        stormOver = true;
      })();
      const faultyRunId = `F${Date.now().toString(36).slice(-4)}`.toUpperCase();
      progress(`the same run under faults (${runnables.join(', ')} and the broker)`);
      const [stormy] = await Promise.all([play(faultyRunId, 4), storm]);
      progress('both runs done; comparing');

      // Every journey ended where its path says, and where the fault-free run's did.
      const statuses = (run: ScenarioRun) => run.trainees.map((t) => `${t.trainee.id} ${t.finalStatus ?? 'none'}`);
      const expected = calm.run.trainees.map((t) => `${t.trainee.id} ${t.trainee.path.expected}`);
      expect(stormOver).toBe(true);
      expect(faults).toHaveLength(runnables.length + 1);
      expect(statuses(calm.run)).toEqual(expected);
      expect(statuses(stormy.run)).toEqual(statuses(calm.run));
      expect(failuresOf(stormy.run)).toEqual([]);

      // Every business event as many times: nothing lost, nothing doubled. Journey statuses are left out: the
      // journey service also publishes when a file comes under watch, which depends on how long acts took.
      const business = ({ JourneyStatusChanged: _, ...rest }: Record<string, number>) => rest;
      expect(business(stormy.events)).toEqual(business(calm.events));

      // The malformed events ended in the dead-letter topics of the groups that consume those topics, as the
      // admin shows them to ops.
      const consumedBy: Record<string, string[]> = {
        'connector-kairos': ['kairos.commands.v1', 'positioning.requests.v1', 'offer.sessions.v1'],
        'connector-catalogue': ['offer.sessions.v1', 'kairos.session-events.v1'],
        'service-journey': ['positioning.requests.v1', 'kairos.session-events.v1', 'offer.sessions.v1'],
      };
      for (const [group, sources] of Object.entries(consumedBy)) {
        expect(injectedOn).toEqual(expect.arrayContaining(sources));
        await expect
          .poll(async () => [...(await deadLetteredFrom(group))].sort(), { timeout: patience(60_000), interval: 1000 })
          .toEqual(expect.arrayContaining(sources));
      }
    },
    patience(45 * 60_000),
  );
});
