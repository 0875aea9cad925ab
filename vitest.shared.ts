import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Every package's vitest config extends this one, so `npm test` at the root (all packages as vitest projects)
// and `npx vitest` inside one package behave alike.
const serverConditions = ['passerelle-source', 'module', 'node', 'development|production'];

export default defineConfig({
  // Workspace packages are tested from their TypeScript sources: no build needed before a test run.
  resolve: { conditions: serverConditions },
  ssr: { resolve: { conditions: serverConditions, externalConditions: ['passerelle-source'] } },
  test: {
    globalSetup: [fileURLToPath(new URL('./packages/test-kit/src/global-setup.ts', import.meta.url))],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one broker on a 2-core machine: files run one at a time, tests inside them too.
    fileParallelism: false,
    reporters: ['default', fileURLToPath(new URL('./packages/test-kit/src/summary-reporter.ts', import.meta.url))],
  },
});
