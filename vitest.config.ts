import { defineConfig } from 'vitest/config';

/**
 * Suites that spawn the built CLI many times, pack the tarball or build large repositories: the
 * slow end of the run. `npm run test:fast` leaves them out for the inner loop; `npm test` runs all.
 */
const SLOW = [
  'test/integrations/**',
  'test/security/**',
  'test/cli/spawn.test.ts',
  'test/cli/rotate-stores-e2e.test.ts',
  'test/rotate/stores/rotate-bin-remote-stores.test.ts',
  'test/scan/history/pack-scan.test.ts',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...(process.env.KEYGUARD_TEST_FAST === '1' ? SLOW : [])],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
