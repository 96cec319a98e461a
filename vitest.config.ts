import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Unit-only runs while the demo is being worked on: VITRINE_NO_DEMO=1 npx vitest run src/time
    globalSetup: process.env['VITRINE_NO_DEMO'] ? [] : ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // DuckDB runs its own threads; two forks keep this 2-core machine busy without thrashing.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
