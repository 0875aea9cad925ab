import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends every run with one plain line, `tests: N passed, N failed, N skipped`, that CI logs and people can grep
 * whatever reporter is on screen. Skipped tests are counted so they cannot hide. When the route-by-route security
 * suite ran (`security.ts`: each test puts its count in `meta.securityCases`), a second line gives the cases tried
 * per runnable and in total.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const security = new Map<string, number>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else counts.skipped += 1;
        const cases = test.meta().securityCases;
        if (cases !== undefined) security.set(module.project.name, (security.get(module.project.name) ?? 0) + cases);
      }
    }
    console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
    if (security.size > 0) {
      const total = [...security.values()].reduce((sum, cases) => sum + cases, 0);
      const each = [...security].map(([runnable, cases]) => `${runnable} ${cases}`).join(', ');
      console.log(`security cases: ${total} tried (${each})`);
    }
  }
}
