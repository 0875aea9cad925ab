export { testStack, uniqueName } from './names.js';
export { NoStackError, type ResolvedStack, resolveStack, type TestStack } from './stack.js';
export { type WaitForOptions, waitFor } from './wait-for.js';
