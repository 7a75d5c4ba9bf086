import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests spawn real processes and a real PostgreSQL; two cores, so keep files few at a time.
    maxWorkers: 2,
  },
});
