import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time: most tests wait on clang, lli and valgrind, so a 2-core machine
    // runs the suite in about 60% of the time it takes one file at a time (the default there).
    maxWorkers: 2,
    maxConcurrency: 4,
  },
});
