import { defineConfig } from 'vitest/config';

/** Suites that run alone, after every other file: the schedule suite's embedded PostgreSQL queue hung
 * waiting for its second scheduled dream in 2 of 4 full runs while other files loaded the same server
 * (it passes alone); the cause is not found yet (issue 10). Its assertions are unchanged. */
const ALONE = ['test/schedule.test.ts'];

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
          exclude: [...ALONE, '**/node_modules/**'],
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'alone', include: ALONE, sequence: { groupOrder: 1 } } },
    ],
  },
});
