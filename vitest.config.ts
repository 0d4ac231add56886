import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS and ESM builds side by side. Node (and so Pothos, Yoga) loads the
    // CommonJS one; without this alias Vite would hand test files the ESM one, and graphql refuses
    // to mix types from two copies of itself.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Every suite talks to real servers on loopback; a generous per-test budget keeps a
    // slow CI machine from turning a correct test into a flaky one.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
