import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { TestStack } from './stack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack;
  }
}

/**
 * A topic, group or subject name no other test (nor an earlier run against the same broker) uses:
 * tests never share Kafka state, so they can run in any order and against a long-lived stack.
 */
export function uniqueName(prefix: string): string {
  return `test.${prefix}.${Date.now().toString(36)}.${randomBytes(4).toString('hex')}`;
}

/** The broker and registry resolved by the global setup for this run. */
export function testStack(): TestStack {
  const stack = inject('stack');
  if (!stack) throw new Error('No stack was provided: is @passerelle/test-kit/global-setup in this vitest config?');
  return stack;
}
