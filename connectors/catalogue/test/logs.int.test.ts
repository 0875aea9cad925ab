import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { patience, waitFor } from '@passerelle/test-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { signDeToken } from '../src/index.js';
import {
  Broker,
  call,
  candidatureWindow,
  catalogueEnv,
  DE_IDENTIFIER,
  DE_TOKEN,
  DE_TOKEN_KEY,
  OTHER_DE_TOKEN,
  offerWith,
  sessionPath,
  topicPrefix,
} from './harness.js';

// The runnable as it is deployed (src/main.ts in a child process, logs at debug on stdout): a DE's self-registration
// goes through search, request, poll and refusal paths, and no personal data reaches the logs.

let child: ChildProcess | undefined;
let broker: Broker | undefined;

afterAll(async () => {
  child?.kill('SIGTERM');
  await broker?.bus.stop();
});

// The runnable in its own process (started through tsx), then a whole self-registration story: above the default.
describe('logs', { timeout: patience(120_000) }, () => {
  it('when a DE registers himself and polls, then the logs hold none of his personal data', async () => {
    const prefix = topicPrefix();
    broker = new Broker(prefix);
    await broker.start();
    let output = '';
    child = spawn(process.execPath, ['--conditions=passerelle-source', '--import', 'tsx', 'src/main.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: {
        ...process.env,
        ...catalogueEnv(prefix, { CATALOGUE_DECISION_TIMEOUT_MS: '500', LOG_LEVEL: 'debug' }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const url = await waitFor(() => /"url":"(http:[^"]+)"[^\n]*"msg":"service started"/.exec(output)?.[1], {
      description: 'the connector started',
      timeoutMs: 60_000,
    });

    const offer = offerWith('Fleuriste');
    await broker.publishOffer('fr.passerelle.offer.SessionPublished', offer);
    await broker.schedule(offer.sessionKey, candidatureWindow('WIN-L', 3));
    await waitFor(async () => (await call(url, sessionPath('TMF', offer.sessionKey))).body?.modalities?.length === 1, {
      description: 'the session on TMF',
    });
    const de = {
      firstName: 'Zéphyrine',
      lastName: 'Quintardeau',
      email: 'zephyrine.q@example.org',
      phone: '+33611223344',
    };
    const positioning = `${sessionPath('TMF', offer.sessionKey)}/positionings`;
    const pending = await call(url, positioning, {
      token: DE_TOKEN,
      method: 'POST',
      body: { modalityId: 'WIN-L', ...de },
    });
    expect(pending.status).toBe(202);
    const poll = pending.headers.get('location') as string;
    expect((await call(url, poll, { token: DE_TOKEN })).status).toBe(200);
    expect((await call(url, poll, { token: OTHER_DE_TOKEN })).status).toBe(403);
    const invalid = await call(url, positioning, {
      token: DE_TOKEN,
      method: 'POST',
      body: { ...de, email: 'zephyrine' },
    });
    expect(invalid.status).toBe(400);
    // A DE with a signed token (retried with an Idempotency-Key), and one whose token expired.
    const signedSub = '7077777H';
    const signed = signDeToken(DE_TOKEN_KEY, { deIdentifier: signedSub, expiresAt: new Date(Date.now() + 60_000) });
    const expired = signDeToken(DE_TOKEN_KEY, { deIdentifier: signedSub, expiresAt: new Date(Date.now() - 1000) });
    for (let attempt = 0; attempt < 2; attempt += 1)
      expect(
        (
          await call(url, positioning, {
            token: signed,
            method: 'POST',
            body: { modalityId: 'WIN-L', ...de },
            headers: { 'idempotency-key': 'logs-test-retry' },
          })
        ).status,
      ).toBe(202);
    expect((await call(url, positioning, { token: expired, method: 'POST', body: de })).status).toBe(401);
    await waitFor(() => output.includes('self-registration'), { description: 'the request logged' });

    for (const personal of [
      DE_IDENTIFIER,
      de.firstName,
      de.lastName,
      de.email,
      de.phone,
      'zephyrine',
      DE_TOKEN,
      signedSub,
      signedSub.toLowerCase(),
      signed,
      signed.split('.')[1] as string,
      signed.split('.')[2] as string,
      expired,
      DE_TOKEN_KEY,
    ])
      expect(output, personal).not.toContain(personal);
    expect(output).toContain(pending.body.requestId);
  });
});
