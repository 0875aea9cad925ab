import type { TestProject } from 'vitest/node';
import './names.js';
import { TIME_SCALE_VARIABLE, timeScale } from './patience.js';
import { resolveStack } from './stack.js';

/**
 * vitest global setup: resolves the real broker and registry once per run, says which one on the run's output,
 * and hands it to the tests (`inject('stack')`, or `testStack()`). A run without a stack fails here, loudly.
 */
export default async function setup(project: TestProject) {
  const stack = await resolveStack();
  // The deadlines' scale on the same line: a failure's timing reads differently at ×1 and at ×3.
  console.log(
    `[passerelle tests] using ${stack.description}; deadlines × ${timeScale()} (${TIME_SCALE_VARIABLE}, see test-kit's patience.ts)`,
  );
  const { release, ...provided } = stack;
  project.provide('stack', provided);
  return async () => {
    await release();
  };
}
