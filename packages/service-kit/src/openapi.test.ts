import { describe, expect, it } from 'vitest';
import { createHttpServer, idempotencyKeyHeader } from './http.js';
import { createLogger } from './logger.js';
import { json, problems, registeredRoutes, serveOpenApi } from './openapi.js';
import { openApiProblems, servedOpenApiProblems } from './openapi-check.js';

const INFO = { title: 'Test API', version: '1', description: 'A runnable under test' };
const log = createLogger({ service: 'test', level: 'silent' });

function server() {
  const http = createHttpServer({ log });
  serveOpenApi(http, INFO);
  return http;
}

const documented = {
  schema: {
    summary: 'A thing',
    params: { type: 'object', properties: { id: { type: 'string', minLength: 2 } } },
    response: {
      200: json('The thing', { type: 'object', properties: { id: { type: 'string' } } }),
      ...problems({ 404: 'No such thing' }),
    },
  },
};

describe('generated OpenAPI document', () => {
  it('when every route has its schema, then the served document is OpenAPI 3.1 listing each route with its answers', async () => {
    const http = server();
    http.get('/things/:id', documented, async () => ({ id: 'x' }));
    // Routes added in a plugin, after the server was created, are described too.
    void http.register(async (scope) => {
      scope.post(
        '/things',
        { schema: { body: { type: 'object' }, response: { 201: json('Created') } } },
        async () => ({}),
      );
    });

    expect(await servedOpenApiProblems(http)).toEqual([]);
    const document = (await http.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(document).toMatchObject({ openapi: '3.1.0', info: INFO });
    expect(Object.keys(document.paths).sort()).toEqual(['/things', '/things/{id}']);
    expect(
      document.paths['/things/{id}'].get.responses['404'].content['application/problem+json'].schema,
    ).toMatchObject({
      required: ['type', 'title', 'status'],
    });
    // Any route may also fail (500, or 503 worth retrying): shown once per operation as its default answer.
    expect(document.paths['/things'].post.responses.default.content).toHaveProperty(['application/problem+json']);
  });

  it('when a route has no schema or a route is not served, then the check names it', async () => {
    const http = server();
    http.get('/bare', async () => ({}));
    await http.ready();
    const document = http.swagger() as unknown as { paths: Record<string, object> };

    expect(openApiProblems(document, registeredRoutes(http))).toEqual(['GET /bare 200: response not described']);
    expect(openApiProblems({ ...document, paths: {} }, registeredRoutes(http))).toEqual([
      'GET /bare: served but not documented',
    ]);
    expect(openApiProblems({ openapi: '2.0', info: {}, paths: {} }, [])).toEqual([
      'openapi: "2.0" is not an OpenAPI 3.0/3.1 version',
      'info.title: missing',
      'info.version: missing',
    ]);
  });

  it('when the probes, metrics and the document itself are registered, then they stay out of the contract', async () => {
    const http = server();
    await http.ready();
    const document = (await http.inject({ method: 'GET', url: '/openapi.json' })).json();

    expect(document.paths).toEqual({});
    expect(registeredRoutes(http).map((route) => `${route.method} ${route.url} ${route.operational}`)).toEqual([
      'GET /healthz true',
      'GET /readyz true',
      'GET /openapi.json true',
    ]);
  });

  it('when a response schema lists fewer members than the answer, then the answer is sent whole', async () => {
    const http = server();
    http.get('/things/:id', documented, async () => ({ id: 'x', more: 'kept' }));

    expect((await http.inject({ method: 'GET', url: '/things/x1' })).json()).toEqual({ id: 'x', more: 'kept' });
    // The request schema still validates: a 400 problem naming the field.
    const refused = await http.inject({ method: 'GET', url: '/things/x' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors.map((error: { field: string }) => error.field)).toEqual(['params.id']);
  });

  it('when a part is checked by hand, then the document shows it and fastify does not validate it', async () => {
    const http = server();
    http.post(
      '/acts',
      { schema: { response: { 200: json('Done') } }, config: { checkedByHand: { headers: idempotencyKeyHeader } } },
      async () => ({ done: true }),
    );
    await http.ready();
    const operation = (http.swagger() as unknown as { paths: Record<string, { post: { parameters: object[] } }> })
      .paths['/acts']?.post;

    expect(operation?.parameters).toEqual([
      expect.objectContaining({
        in: 'header',
        name: 'idempotency-key',
        schema: expect.objectContaining({ type: 'string' }),
      }),
    ]);
    const answer = await http.inject({ method: 'POST', url: '/acts', headers: { 'idempotency-key': ' spaced ' } });
    expect(answer.statusCode).toBe(200);
  });
});
