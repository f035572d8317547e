// The tests drive the real server; only tests may reach across the package boundary.
import { startServer, type RunningServer } from '@minimeet/server';

/** The environment of an in-process test server: in-memory SQLite, fast hashing, no logs. */
export const TEST_SERVER_ENV: Record<string, string> = {
  DATABASE_URL: 'sqlite::memory:',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  NODE_ENV: 'test',
  PASSWORD_HASH_MEMORY_KIB: '1024',
  PASSWORD_HASH_ITERATIONS: '1',
};

/** Starts the real minimeet server in this process; close it in `afterAll`. */
export function startMinimeetServer(env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({ env: { ...TEST_SERVER_ENV, ...env } });
}

export type { RunningServer };
