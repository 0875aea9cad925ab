import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { patience, TIME_SCALE_VARIABLE, timeScale } from './packages/test-kit/src/patience.js';

// Every package's vitest config extends this one, so `npm test` at the root (all packages as vitest projects)
// and `npx vitest` inside one package behave alike.
const serverConditions = ['passerelle-source', 'module', 'node', 'development|production'];
// One time scale for the whole run (PASSERELLE_TEST_TIME_SCALE, else from CI and the load average; see
// packages/test-kit/src/patience.ts): the timeouts below and every waitFor in the tests derive from it.
const scale = timeScale();

export default defineConfig({
  // Workspace packages are tested from their TypeScript sources: no build needed before a test run.
  resolve: { conditions: serverConditions },
  ssr: { resolve: { conditions: serverConditions, externalConditions: ['passerelle-source'] } },
  test: {
    globalSetup: [fileURLToPath(new URL('./packages/test-kit/src/global-setup.ts', import.meta.url))],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Passed on explicitly, so the workers use the value fixed here even if their environment is rebuilt.
    env: { [TIME_SCALE_VARIABLE]: String(scale) },
    testTimeout: patience(60_000),
    hookTimeout: patience(120_000),
    // Integration tests share one broker on a 2-core machine: files run one at a time, tests inside them too.
    fileParallelism: false,
    reporters: ['default', fileURLToPath(new URL('./packages/test-kit/src/summary-reporter.ts', import.meta.url))],
  },
});
