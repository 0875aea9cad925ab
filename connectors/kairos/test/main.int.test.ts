import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testStack, waitFor } from '@passerelle/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Api,
  Broker,
  JOURNEY_SECRET,
  newDe,
  offerWith,
  RESPONSIBLE,
  sessionPath,
  TOKEN,
  topicPrefix,
} from './harness.js';

// The runnable (src/main.ts) in its own process, configured from the environment, logging everything it can
// (trace): an OF act carrying a DE's identity, then a graceful SIGTERM. No personal data and no token in any line.

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const prefix = topicPrefix();
const broker = new Broker(prefix);
const output = { stdout: '', stderr: '' };
let child: ChildProcess;
let api: Api;

beforeAll(async () => {
  await broker.start();
  const stack = testStack();
  child = spawn(process.execPath, ['--conditions=passerelle-source', '--import', 'tsx', main], {
    env: {
      ...process.env,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
      KAFKA_CLIENT_ID: `${prefix}main`,
      KAIROS_TOPIC_PREFIX: prefix,
      KAIROS_GROUP_ID: `${prefix}connector-kairos`,
      KAIROS_TOKENS: JSON.stringify({ [TOKEN]: [RESPONSIBLE] }),
      JOURNEY_SECRET,
      LOG_LEVEL: 'trace',
      HTTP_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
  });
  const url = await waitFor(
    () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"service started"/.exec(output.stdout)?.[1],
    { description: 'the connector to listen', timeoutMs: 60_000 },
  );
  api = new Api(url, TOKEN);
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await broker.bus.stop();
});

describe('the Kairos runnable', () => {
  it('when an OF registers a DE, then neither the DE nor the token appears in the logs; SIGTERM stops it cleanly', async () => {
    const session = offerWith('2027-01-11', '2027-06-30');
    await broker.publishSession(session);
    const path = sessionPath(session.sessionKey);
    await waitFor(async () => (await api.get(path)).status === 200, { description: 'the session on the read model' });
    const modality = await waitFor(
      async () => {
        const response = await api.post(`${path}/modalities`, {
          kind: 'ICO',
          date: '2099-12-10',
          startTime: '09:30',
          endTime: '11:30',
          place: 'Nantes',
          capacity: 3,
        });
        // The writer may not have consumed the offer yet (see README, ordering across input topics).
        return response.status === 201 ? response : undefined;
      },
      { description: 'the ICO scheduled' },
    );
    const de = {
      ...newDe(),
      lastName: 'Zyxwvutsrq',
      firstName: 'Qponmlkjih',
      email: 'zyx.qpo@example.org',
      phone: '+33611223344',
    };
    const registered = await api.post(`${path}/modalities/${modality.body.modalityId}/registrations`, { de });
    expect(registered.status).toBe(201);
    const refused = await api.post(`${path}/modalities/${modality.body.modalityId}/registrations`, { de });
    expect(refused.status).toBe(409);

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const logs = output.stdout + output.stderr;
    expect(logs.length).toBeGreaterThan(1000);
    for (const secret of [de.deIdentifier, de.lastName, de.firstName, de.email, de.phone, TOKEN])
      expect(logs).not.toContain(secret);
  });
});
