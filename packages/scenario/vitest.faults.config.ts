import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';
import { patience } from '../test-kit/src/patience.js';

// The fault test alone (the last step of `npm test`, after every other file, so it has the machine to itself).
// `include` is set after merging: mergeConfig would add it to the shared patterns instead of replacing them.
const merged = mergeConfig(
  shared,
  defineProject({ test: { name: 'scenario-faults', testTimeout: patience(45 * 60_000) } }),
);
export default { ...merged, test: { ...merged.test, include: ['test/faults.int.test.ts'] } };
