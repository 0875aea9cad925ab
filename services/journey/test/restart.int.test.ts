import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Bus } from '@passerelle/bus';
import { de as fixtureDe } from '@passerelle/schemas/fixtures';
import { waitFor } from '@passerelle/test-kit';
import { topicPrefix } from '@passerelle/test-kit/runnable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, journeyEnv, OPS_TOKEN, producerBus, SessionScript } from './harness.js';

// The runnable (src/main.ts) in its own process, stopped and started again on the same topics and group: its state
// comes back from Kafka alone, an erased DE stays erased, and no line it logs — at debug level — names a DE.

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const prefix = topicPrefix('journey-restart');
const env = journeyEnv(prefix, { LOG_LEVEL: 'debug' });
const logs: string[] = [];
let bus: Bus;

interface Running {
  child: ChildProcess;
  api: Api;
}

async function start(): Promise<Running> {
  let stdout = '';
  const child = spawn(process.execPath, ['--conditions=passerelle-source', '--import', 'tsx', main], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    logs.push(chunk);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => logs.push(chunk));
  const url = await waitFor(
    () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"service started"/.exec(stdout)?.[1],
    { description: 'the journey service to listen', timeoutMs: 60_000 },
  );
  return { child, api: new Api(url) };
}

async function stop({ child }: Running): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

const retained = (script: SessionScript, de: string) => [
  script.offer('2027-01-11', '2027-06-30'),
  script.trainee('fr.passerelle.positioning.PositioningRequested', de, { requestId: `REQ-${de}` }),
  script.trainee('fr.passerelle.kairos.RegistrationRecorded', de, {
    registrationId: `REG-${de}`,
    requestId: `REQ-${de}`,
    status: 'INSCRIT',
    sourceLabel: 'Inscrit',
  }),
  script.trainee('fr.passerelle.kairos.PresenceRecorded', de, {
    registrationId: `REG-${de}`,
    presence: 'PRESENT',
    status: 'PRESENT',
    sourceLabel: 'Présent',
  }),
];

beforeAll(async () => {
  bus = await producerBus(prefix);
});

afterAll(async () => {
  await bus?.stop();
});

describe('journey service restarted', () => {
  it('when it restarts, then journeys are rebuilt from Kafka, erased DEs stay erased and no log names a DE', async () => {
    const kept = new SessionScript(prefix);
    const erased = new SessionScript(prefix);
    const keptDe = '2000001K';
    const erasedDe = '2000002E';
    await bus.publishAtomically([...retained(kept, keptDe), ...retained(erased, erasedDe)]);

    const first = await start();
    await first.api.journey(kept.journeyOf(keptDe), (j) => j.status === 'PRESENT' && j.timeline.length === 3);
    await first.api.journey(erased.journeyOf(erasedDe), (j) => j.status === 'PRESENT' && j.timeline.length === 3);
    const erasure = await first.api.request('POST', '/erasures', OPS_TOKEN, { deIdentifier: erasedDe });
    expect([erasure.status, erasure.body.erasedJourneys]).toEqual([200, 1]);
    const beforeErasureDelivery = erased.at;
    expect(await stop(first)).toBe(0);

    // While it is down: the kept DE is retained; and an event of the erased DE's, recorded before his erasure,
    // arrives late — followed by another DE's event on the same session.
    erased.at = beforeErasureDelivery - 60_000;
    const late = erased.trainee('fr.passerelle.kairos.RecruitmentResultRecorded', erasedDe, {
      registrationId: `REG-${erasedDe}`,
      result: 'RETENU',
      status: 'RETENU',
      sourceLabel: 'Retenu',
      refusalReason: null,
    });
    erased.at = Date.now();
    await bus.publishAtomically([
      kept.trainee('fr.passerelle.kairos.RecruitmentResultRecorded', keptDe, {
        registrationId: `REG-${keptDe}`,
        result: 'RETENU',
        status: 'RETENU',
        sourceLabel: 'Retenu',
        refusalReason: null,
      }),
      late,
      ...retained(erased, '2000003N').slice(1),
    ]);

    const second = await start();
    try {
      // The new step lands on a journey rebuilt from the topics: the whole timeline, in order.
      const rebuilt = await second.api.journey(kept.journeyOf(keptDe), (j) => j.status === 'RETENU');
      expect(rebuilt.timeline.map((step) => step.record)).toEqual([
        'PositioningRequested',
        'RegistrationRecorded',
        'PresenceRecorded',
        'RecruitmentResultRecorded',
      ]);
      await second.api.journey(erased.journeyOf('2000003N'), (j) => j.status === 'PRESENT');
      expect((await second.api.get(`/journeys/${erased.journeyOf(erasedDe)}`)).status).toBe(404);
      const session = await second.api.get(`/sessions/${encodeURIComponent(erased.sessionKey)}/journeys`);
      expect(session.body.journeys).toHaveLength(1);
    } finally {
      expect(await stop(second)).toBe(0);
    }

    const output = logs.join('');
    expect(output).toContain('state rebuilt from Kafka');
    for (const personal of [
      keptDe,
      erasedDe,
      '2000003N',
      fixtureDe.lastName,
      fixtureDe.firstName,
      fixtureDe.email ?? '@',
    ])
      expect(output).not.toContain(personal);
  });
});
