/**
 * Helpers for tests that need a real minimeet server, in this package and in the SDK's and the
 * elements' test suites: `import { startTestServer } from '@minimeet/server/testing'`.
 */
import { startServer, type RunningServer } from './main.js';

/** In-memory SQLite, silent logs, cheap password hashing, limits no test reaches by accident. */
export const TEST_SERVER_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: '0',
  DATABASE_URL: 'sqlite::memory:',
  LOG_LEVEL: 'silent',
  SERVE_DEMO: 'false',
  PASSWORD_HASH_MEMORY_KIB: '1024',
  PASSWORD_HASH_ITERATIONS: '1',
  RATE_LIMIT_LOGIN: '1000/60',
  RATE_LIMIT_LOGIN_IP: '1000/60',
  RATE_LIMIT_REGISTER: '1000/60',
  RATE_LIMIT_REFRESH: '1000/60',
  RATE_LIMIT_CONNECT: '100000/60',
  RATE_LIMIT_SEARCH: '100000/60',
};

/** Starts a real server on a free loopback port with {@link TEST_SERVER_ENV} plus overrides. */
export function startTestServer(overrides: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({ env: { ...TEST_SERVER_ENV, ...overrides } });
}

export type { RunningServer };

export {
  startCoturn,
  turnAllocate,
  type CoturnOptions,
  type RunningCoturn,
  type AllocateOutcome,
} from './test/coturn.js';

export {
  createNetworkNamespace,
  type NetworkNamespace,
  type NetworkNamespaceOptions,
} from './test/netns.js';

export {
  startCluster,
  uniqueRedisPrefix,
  deleteRedisKeys,
  TEST_REDIS_URL,
  CLUSTER_ENV,
  type ClusterOptions,
  type ClusterNode,
  type RunningCluster,
} from './test/cluster.js';
