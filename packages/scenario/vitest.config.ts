import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// The fault test (the whole system killed and restarted under load, ~15 min) runs on its own:
// `npm run test:faults`. It is not part of `npm test` until it has passed repeatedly (see the note).
export default mergeConfig(
  shared,
  defineProject({ test: { name: 'scenario', exclude: ['test/faults.int.test.ts', 'node_modules/**'] } }),
);
