import { createHttpServer, createLogger, servedOpenApiProblems } from '@passerelle/service-kit';
import { describe, expect, it } from 'vitest';
import type { SessionReadModel } from '../read-model.js';
import { ACT_ROUTES, ADVISER_ROUTE } from './acts.js';
import { AdviserTokens, OfTokens } from './auth.js';
import type { CommandGateway } from './commands.js';
import { registerKairosRoutes } from './routes.js';

describe('Kairos HTTP contract', () => {
  it('when /openapi.json is fetched, then it is OpenAPI 3.1 with every route the server registered, each act with its body', async () => {
    const http = createHttpServer({ log: createLogger({ service: 'test', level: 'silent' }) });
    // Registering routes touches none of their dependencies: the contract is read without a broker.
    registerKairosRoutes(http, {
      tokens: new OfTokens(new Map()),
      advisers: new AdviserTokens(new Map()),
      gateway: {} as CommandGateway,
      readModel: {} as SessionReadModel,
      clock: () => new Date(),
    });

    expect(await servedOpenApiProblems(http)).toEqual([]);
    const document = (await http.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operations = Object.values(document.paths as Record<string, Record<string, { operationId?: string }>>)
      .flatMap((methods) => Object.values(methods).map((operation) => operation.operationId))
      .filter((id) => id !== undefined);
    expect(operations.sort()).toEqual([...ACT_ROUTES, ADVISER_ROUTE].map((route) => route.act).sort());
    for (const name of ['attestation-entree', 'attestation-absence-abandon', 'bilan-fin-formation'])
      expect(
        document.paths[`/sessions/{sessionKey}/enrolments/{enrolmentId}/documents/${name}.pdf`].get.responses,
      ).toMatchObject({ 200: { content: { 'application/pdf': {} } }, 404: {} });
    expect(document.paths['/sessions/{sessionKey}/quotes/{quoteId}/decision'].post.requestBody).toMatchObject({
      content: { 'application/json': { schema: { required: ['decision'] } } },
    });
    expect(document.paths['/sessions/{sessionKey}/modalities'].post.requestBody).toMatchObject({
      content: { 'application/json': { schema: { required: ['kind'] } } },
    });
  });
});
