import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm test`: every workspace package's tests in one vitest run (each package is a project with its own
// vitest.config.ts extending vitest.shared.ts).
export default defineConfig({
  test: {
    reporters: ['default', fileURLToPath(new URL('./packages/test-kit/src/summary-reporter.ts', import.meta.url))],
    projects: ['{schemas,packages/*,connectors/*,services/*}/vitest.config.ts'],
  },
});
