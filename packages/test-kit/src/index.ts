export { testStack, uniqueName } from './names.js';
export { deadline, patience, TIME_SCALE_VARIABLE, timeScale } from './patience.js';
export {
  type ConsumerAssignment,
  type Instance,
  waitForReady,
  waitForSettledGroups,
  whyUnsettled,
} from './readiness.js';
export { NoStackError, type ResolvedStack, resolveStack, type TestStack } from './stack.js';
export { DEFAULT_WAIT_MS, type WaitForOptions, waitFor } from './wait-for.js';
