import type { Bus } from '@passerelle/bus';
import { createHttpServer, createLogger, Metrics, servedOpenApiProblems } from '@passerelle/service-kit';
import { describe, expect, it } from 'vitest';
import { adminService } from './admin.js';

describe('admin HTTP contract', () => {
  it('when /openapi.json is fetched, then it is OpenAPI 3.1 with every route the server registered', async () => {
    const log = createLogger({ service: 'test', level: 'silent' });
    const http = createHttpServer({ log });
    // Setting up touches neither the broker nor the registry: the contract is read without them.
    await adminService().setup({
      config: {
        ADMIN_TOKEN: 'admin-contract-test-token',
        ADMIN_TARGETS: [],
        ADMIN_JOURNEY_TARGET: 'journey',
        ADMIN_METRICS_REFRESH_MS: 0,
        ADMIN_ACCOUNT_MANAGERS: new Map(),
        ADMIN_TOPIC_PREFIX: '',
        SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
      } as never,
      // Declaring a follower (the grants) reads nothing before start.
      bus: { follow: () => ({}) } as unknown as Bus,
      log,
      http,
      metrics: new Metrics(),
    });

    expect(await servedOpenApiProblems(http)).toEqual([]);
  });
});
