import { defineConfig } from 'vitest/config';

// The tests drive real headless Chromium against the real server: generous timeouts.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
