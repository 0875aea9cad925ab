import { createHttpServer, createLogger, servedOpenApiProblems } from '@passerelle/service-kit';
import { describe, expect, it } from 'vitest';
import { registerUploadRoutes } from './http-upload.js';

describe('SOFI connector HTTP contract', () => {
  it('when /openapi.json is fetched, then it is OpenAPI 3.1 with every route the server registered, the upload as XML', async () => {
    const http = createHttpServer({ log: createLogger({ service: 'test', level: 'silent' }) });
    registerUploadRoutes(http, {
      importer: { import: () => Promise.reject(new Error('not in this test')) },
      token: 'sofi-contract-test-token',
      maxBytes: 1024,
    });

    expect(await servedOpenApiProblems(http)).toEqual([]);
    const document = (await http.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(document.paths['/imports'].post.requestBody.content)).toEqual([
      'application/xml',
      'text/xml',
      'application/octet-stream',
    ]);
  });
});
