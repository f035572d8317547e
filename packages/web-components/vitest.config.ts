import { defineConfig } from 'vitest/config';

// The tests drive real headless Chromium (and, for the demo, the real server): generous timeouts.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
