import { createHttpServer, createLogger, serveOpenApi } from '@passerelle/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleOf, LogCapture, PERSONAL, securityPass } from './security.js';

// The security pass against a server with the defects it exists to find (no broker: no output topic here; the
// runnables' own suites check their topics). If it passed this server, it would pass anything.

const logs = new LogCapture();
const log = createLogger({ service: 'flawed', level: 'debug', destination: logs.stream });
const app = createHttpServer({ log });
const TOKEN = 'the-one-token-of-the-flawed-server';
let url: string;

beforeAll(async () => {
  serveOpenApi(app, { title: 'flawed', version: '1', description: 'A server with every defect' });
  const answers = { 200: { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } };
  // No token asked for, and the body (a DE) logged whole.
  app.post(
    '/people',
    {
      schema: {
        summary: 'Leaks',
        body: {
          type: 'object',
          required: ['lastName', 'email'],
          properties: { lastName: { type: 'string' }, email: { type: 'string', pattern: '@' } },
        },
        response: answers,
      },
    },
    async (request) => {
      request.log.info({ received: JSON.stringify(request.body) }, 'person received');
      return {};
    },
  );
  // A token asked for, but an id it does not expect is a 500.
  app.get(
    '/people/:id',
    {
      schema: {
        summary: 'Crashes',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: answers,
      },
    },
    async (request) => {
      if (request.headers.authorization !== `Bearer ${TOKEN}`)
        throw Object.assign(new Error('no'), { statusCode: 401 });
      throw new Error(`cannot read ${(request.params as { id: string }).id}`);
    },
  );
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(() => app.close());

describe('the security pass', () => {
  it('when a route takes no token, logs its body and crashes on an id, then each defect is reported', async () => {
    const report = await securityPass({ runnable: 'flawed', url, token: TOKEN, outputs: [], logs, minimumCases: 10 });

    const failed = new Set(report.failures.map((failure) => `${failure.kind} ${failure.status}`));
    expect(failed).toContain('unauthenticated 200');
    expect(failed).toContain('hostile-id 500');
    expect(report.leaked).toEqual(expect.arrayContaining([PERSONAL.lastName, PERSONAL.email]));
    expect(report.cases.filter((result) => result.kind === 'oversize-body').map((result) => result.status)).toEqual([
      413,
    ]);
  });

  it('when the route count is below the minimum, then the pass fails loudly', async () => {
    await expect(
      securityPass({ runnable: 'flawed', url, token: TOKEN, outputs: [], logs, minimumCases: 1000 }),
    ).rejects.toThrow(/fewer than the 1000 expected/);
  });

  it('when a body schema asks for formats, then its example satisfies them with the personal values', () => {
    expect(
      exampleOf({
        type: 'object',
        required: ['de', 'date'],
        properties: {
          date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
          de: {
            type: 'object',
            required: ['deIdentifier', 'lastName'],
            properties: { deIdentifier: { type: 'string', pattern: '^[0-9A-Z]{8}$' }, lastName: { type: 'string' } },
          },
        },
      }),
    ).toEqual({ de: { deIdentifier: PERSONAL.deIdentifier, lastName: PERSONAL.lastName }, date: '2030-01-15' });
  });
});
