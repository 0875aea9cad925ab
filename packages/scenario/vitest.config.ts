import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// The fault test (the whole system killed and restarted under load, ~8 min) runs on its own stack and alone, after
// every other file: `npm test` runs it last (vitest.faults.config.ts), `npm run test:faults` runs only it.
export default mergeConfig(
  shared,
  defineProject({ test: { name: 'scenario', exclude: ['test/faults.int.test.ts', 'node_modules/**'] } }),
);
