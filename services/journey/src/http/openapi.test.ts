import type { Bus } from '@passerelle/bus';
import { createHttpServer, createLogger, servedOpenApiProblems } from '@passerelle/service-kit';
import { describe, expect, it } from 'vitest';
import type { JourneyReadModel } from '../read-model.js';
import type { JourneyTopics } from '../topics.js';
import type { JourneyTokens } from './auth.js';
import { registerJourneyRoutes } from './routes.js';

describe('journey HTTP contract', () => {
  it('when /openapi.json is fetched, then it is OpenAPI 3.1 with every route the server registered', async () => {
    const http = createHttpServer({ log: createLogger({ service: 'test', level: 'silent' }) });
    registerJourneyRoutes(http, {
      tokens: {} as JourneyTokens,
      readModel: {} as JourneyReadModel,
      bus: {} as Bus,
      topics: {} as JourneyTopics,
      secret: 'unused',
      erasureTimeoutMs: 1,
    });

    expect(await servedOpenApiProblems(http)).toEqual([]);
  });
});
