/**
 * Several real server processes sharing one relational database and one Redis, for tests and
 * benches of a deployment of several nodes: `import { startCluster } from '@minimeet/server/testing'`.
 * Runs the built server (`dist/`), so build it first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { DATABASE_TARGETS, type TestDatabase } from './databases.js';

// The built entry points a cluster runs, whether this file runs built (dist/test/) or from source.
const DIST = new URL(import.meta.url.endsWith('.ts') ? '../../dist/' : '../', import.meta.url);
const MAIN = fileURLToPath(new URL('main.js', DIST));
const CLI = fileURLToPath(new URL('cli.js', DIST));

/** What every node runs with unless told otherwise: the test server's settings, for real processes. */
export const CLUSTER_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'info',
  SERVE_DEMO: 'false',
  PASSWORD_HASH_MEMORY_KIB: '1024',
  PASSWORD_HASH_ITERATIONS: '1',
  RATE_LIMIT_LOGIN: '1000/60',
  RATE_LIMIT_LOGIN_IP: '1000/60',
  RATE_LIMIT_REGISTER: '1000/60',
  RATE_LIMIT_REFRESH: '1000/60',
  RATE_LIMIT_CONNECT: '100000/60',
  // Cluster tests of mesh calls run without the SFU (guest rooms are `auto`); SFU tests turn it on.
  SFU_ENABLED: 'false',
  RATE_LIMIT_SEARCH: '100000/60',
};

/** The Redis of this machine; override with MINIMEET_TEST_REDIS_URL. */
export const TEST_REDIS_URL = process.env.MINIMEET_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test file or run shares: `minimeet-test:<label>:<random>:`. */
export function uniqueRedisPrefix(label: string): string {
  const safe = basename(label)
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 40);
  return `minimeet-test:${safe}:${randomBytes(4).toString('hex')}:`;
}

/** Redis for a contract test, under a prefix of its own. */
export interface TestRedis {
  /** The key prefix every adapter of the test uses. */
  prefix: string;
  /** A fresh connection, as another node would have. */
  connection(): Redis;
  /** Disconnects every connection and deletes the test's keys; call it in `afterAll`. */
  close(): Promise<void>;
}

/** Opens {@link TestRedis} for the test file named `label`. */
export function testRedis(label: string): TestRedis {
  const prefix = uniqueRedisPrefix(label);
  const connections: Redis[] = [];
  return {
    prefix,
    connection() {
      const redis = new Redis(TEST_REDIS_URL, { enableAutoPipelining: true });
      connections.push(redis);
      return redis;
    },
    async close() {
      for (const redis of connections.splice(0)) redis.disconnect();
      await deleteRedisKeys(prefix);
    },
  };
}

/** Deletes every key under a prefix (bounded: a test never makes millions). */
export async function deleteRedisKeys(prefix: string, url = TEST_REDIS_URL): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    for (let round = 0; round < 10_000; round++) {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${escapeGlob(prefix)}*`,
        'COUNT',
        500,
      );
      if (keys.length > 0) deleted += await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** How many server processes; 2 by default. */
  nodes?: number;
  /** Extra environment for every node (on top of the test defaults). */
  env?: Record<string, string>;
  /** The shared relational store: the machine's MariaDB (default) or PostgreSQL; with `sqlite`, pass the file's `DATABASE_URL` in `env`. */
  database?: 'mariadb' | 'postgres' | 'sqlite';
  /** Names the Redis key prefix after the test file, to find leftovers. */
  label?: string;
  /** How long a node may take to start, in ms; 60 s by default (a loaded machine is slow). */
  startTimeoutMs?: number;
}

/** One server process of a {@link RunningCluster}. */
export interface ClusterNode {
  /** Its `NODE_ID`. */
  readonly nodeId: string;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The child process. */
  readonly process: ChildProcess;
  /** Whether the process is still running. */
  readonly alive: boolean;
  /** Its last log lines (JSON lines, newest last), for a failure message. */
  logs(): string;
  /** Kills it at once (SIGKILL: no goodbye to anyone) and resolves when it is gone. */
  kill(): Promise<void>;
  /** Asks it to shut down (SIGTERM) and resolves when it has; SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/** Server processes that share a database and a Redis. */
export interface RunningCluster {
  /** The nodes, in start order. */
  readonly nodes: ClusterNode[];
  /** `DATABASE_URL` of the shared database. */
  readonly databaseUrl: string;
  /** `REDIS_URL` and `REDIS_KEY_PREFIX` of the shared Redis. */
  readonly redis: { url: string; keyPrefix: string };
  /** Starts one more node with the cluster's settings (plus `env`). */
  addNode(env?: Record<string, string>): Promise<ClusterNode>;
  /** Stops every node, drops the database and deletes the Redis keys. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Whatever happens to the test run, no server process outlives it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/**
 * Starts `nodes` real server processes on free loopback ports, sharing a fresh database (created
 * here, dropped by `close()`) and the machine's Redis under a unique key prefix. Migrations run
 * once before the nodes start. Every node logs at `info`; a node that does not start in time is
 * killed and its logs are in the error.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<RunningCluster> {
  // A build that is under way (it empties dist/ first) gets a minute to finish.
  for (let waited = 0; !existsSync(MAIN) || !existsSync(CLI); waited += 500) {
    if (waited >= 60_000) {
      throw new Error(
        `${MAIN} is missing: build the server first (pnpm --filter @minimeet/server build).`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  installExitHook();
  const target = DATABASE_TARGETS.find((t) => t.name === (options.database ?? 'mariadb'))!;
  const database: TestDatabase = await target.create();
  const keyPrefix = uniqueRedisPrefix(options.label ?? 'cluster');
  const nodes: ClusterNode[] = [];
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const baseEnv: Record<string, string> = {
    ...CLUSTER_ENV,
    DATABASE_URL: database.url,
    DATABASE_MIGRATIONS_RUN: 'false',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: keyPrefix,
    ...options.env,
  };
  let counter = 0;
  const addNode = async (env: Record<string, string> = {}): Promise<ClusterNode> => {
    counter += 1;
    const node = await startNode(
      { ...baseEnv, NODE_ID: `node-${counter}-${randomBytes(3).toString('hex')}`, ...env },
      startTimeoutMs,
    );
    nodes.push(node);
    return node;
  };
  const close = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.allSettled([database.drop(), deleteRedisKeys(keyPrefix)]);
  };
  try {
    await migrate(database.url, startTimeoutMs);
    await Promise.all(Array.from({ length: options.nodes ?? 2 }, () => addNode()));
  } catch (err) {
    await close();
    throw err;
  }
  return {
    nodes,
    databaseUrl: database.url,
    redis: { url: TEST_REDIS_URL, keyPrefix },
    addNode,
    close,
  };
}

async function migrate(databaseUrl: string, timeoutMs: number): Promise<void> {
  const child = spawn(process.execPath, [CLI, 'migrate'], {
    env: { ...process.env, ...CLUSTER_ENV, LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  running.delete(child);
  if (code !== 0) throw new Error(`minimeet migrate exited with ${code}:\n${output}`);
}

// A node's log is kept for failure messages, bounded.
const MAX_LOG_LINES = 300;

function startNode(env: Record<string, string>, timeoutMs: number): Promise<ClusterNode> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const lines: string[] = [];
  const remember = (line: string) => {
    lines.push(line);
    if (lines.length > MAX_LOG_LINES) lines.shift();
  };
  // 'close' rather than 'exit': by then everything the process wrote has been read.
  const exited = new Promise<void>((resolve) =>
    child.once('close', () => {
      running.delete(child);
      resolve();
    }),
  );
  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(force);
  };
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server node did not start within ${timeoutMs} ms:\n${lines.join('\n')}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => remember(chunk.toString().trimEnd()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        remember(line);
        if (!line.includes('minimeet server listening')) continue;
        try {
          const url = (JSON.parse(line) as { url: string }).url;
          clearTimeout(timer);
          resolve({
            nodeId: env.NODE_ID,
            url,
            process: child,
            get alive() {
              return child.exitCode === null && child.signalCode === null;
            },
            logs: () => lines.join('\n'),
            kill: () => stopWith('SIGKILL'),
            stop: () => stopWith('SIGTERM'),
          });
        } catch {
          // Not the JSON line itself; keep reading.
        }
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server node exited before it started:\n${lines.join('\n')}`));
    });
  });
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
