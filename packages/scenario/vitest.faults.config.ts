import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

export default mergeConfig(
  shared,
  defineProject({ test: { name: 'scenario-faults', include: ['test/faults.int.test.ts'], testTimeout: 45 * 60_000 } }),
);
