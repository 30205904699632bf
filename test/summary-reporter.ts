/**
 * Vitest reporter that ends a run with the plain line CI reads: `N passed, N failed, N skipped`.
 * Counts individual test cases across all modules; a module that failed to load counts as one failure.
 */
import type { Reporter, TestModule } from 'vitest/node';

/** Prints `N passed, N failed, N skipped` once the whole run has finished. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let count = 0;
      for (const test of mod.children.allTests()) {
        count++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (count === 0 && mod.state() === 'failed') failed++;
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
