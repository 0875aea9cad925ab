import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@passerelle/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, account, connectorEnv, PlayedKairos, prescriptionBody, topicPrefix, WebhookReceiver } from './harness.js';

const prescriber = account('CE-44', 'CAP_EMPLOI');
const DE = {
  ftId: '8901234h',
  lastName: 'Lemaréchal',
  firstName: 'Honorine',
  email: 'honorine.lemarechal@example.org',
  phone: '0611223344',
};

/**
 * The runnable as production starts it (src/main.ts in its own process, debug logs on stdout), so every line it
 * writes — ours, fastify's, kafkajs's — is captured and searched for the DE's personal data.
 */
describe('the connector’s logs', () => {
  const prefix = topicPrefix();
  const kairos = new PlayedKairos(prefix);
  const receiver = new WebhookReceiver();
  let child: ChildProcess;
  let output = '';

  beforeAll(async () => {
    await kairos.start();
    await receiver.start();
    child = spawn(process.execPath, ['--conditions=passerelle-source', '--import', 'tsx', 'src/main.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, ...connectorEnv(prefix, [prescriber], { LOG_LEVEL: 'debug' }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await receiver.stop();
    await kairos.stop();
  });

  it('when a DE is prescribed, refused for a bad body and followed by a webhook, then no log line carries his identity nor a webhook secret', async () => {
    const url = await waitFor(() => /"url":"(http:\/\/[^"]+)"[^\n]*"service started"/.exec(output)?.[1], {
      description: 'the connector started',
      timeoutMs: 60_000,
    });
    const api = new Api(url, prescriber.token);
    const subscribed = await api.post('/webhooks/subscriptions', { url: receiver.url });
    const rotated = await api.post(`${subscribed.headers.get('location')}/rotate-secret`, {});
    const secrets = [subscribed.body.secret as string, rotated.body.secret as string];

    const created = await api.post('/prescriptions', { ...prescriptionBody(DE.ftId), de: DE });
    const refused = await api.post('/prescriptions', {
      ...prescriptionBody(DE.ftId),
      de: { ...DE, phone: `x${DE.phone}` },
    });
    const request = await kairos.request(created.body.requestId as string);
    await kairos.publish('PresenceRecorded', request.journeyId);
    await waitFor(async () => (await api.wholeFeed()).length === 2, { description: 'the steps in the feed' });
    await waitFor(() => receiver.accepted().length === 2, { description: 'the steps delivered by webhook' });
    child.kill('SIGTERM');
    await waitFor(() => child.exitCode !== null, { description: 'a graceful stop' });

    expect(created.status).toBe(201);
    expect(refused.status).toBe(400);
    expect(request.de.deIdentifier).toBe('8901234H');
    expect(output).toContain('prescription published');
    expect(output).toContain('request refused');
    for (const personal of [DE.ftId, DE.ftId.toUpperCase(), DE.lastName, DE.firstName, DE.email, DE.phone]) {
      expect(output.includes(personal), `a log line carries ${personal.length} characters of personal data`).toBe(
        false,
      );
    }
    expect(output).not.toContain(prescriber.token);
    expect(output).toContain('webhook subscription created');
    for (const secret of [...secrets, connectorEnv(prefix, []).OUIFORM_WEBHOOK_SECRET_KEY as string]) {
      expect(secret.length).toBeGreaterThan(30);
      expect(output.includes(secret), 'a log line carries a webhook secret').toBe(false);
    }
  });
});
