import { defineConfig } from 'vitest/config';

// Integration tests start a real server in-process; its start-up and the reconnect tests take seconds.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
