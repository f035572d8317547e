/**
 * The machine's real services for the multi-node benches: a throw-away MariaDB database, the keys
 * of one Redis prefix, and a process's resident memory. The drivers are the server's own (resolved
 * from `packages/server`), so the bench adds no dependency of its own.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';

const fromServer = createRequire(new URL('../../packages/server/package.json', import.meta.url));

/** The bits of a mysql2/promise connection the bench uses. */
interface SqlConnection {
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

/** The bits of an ioredis client the bench uses. */
interface RedisClient {
  scan(cursor: string, ...args: Array<string | number>): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
  quit(): Promise<unknown>;
}

/** The admin URL of the machine's MariaDB (override with `MINIMEET_BENCH_MYSQL_URL`). */
export const MYSQL_URL = process.env.MINIMEET_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** The machine's Redis (override with `MINIMEET_BENCH_REDIS_URL`). */
export const REDIS_URL = process.env.MINIMEET_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh MariaDB database for one run. */
export interface BenchDatabase {
  /** `DATABASE_URL` for the servers. */
  url: string;
  /**
   * Makes users members of rooms with plain `INSERT`s (role `member`), for set-ups too large to
   * make over REST in reasonable time. Only while no server caches memberships of these rooms.
   */
  insertMemberships(rows: Array<{ roomId: string; userId: string }>): Promise<void>;
  /** Drops it. */
  drop(): Promise<void>;
}

async function mysqlConnect(url: string): Promise<SqlConnection> {
  const mysql = fromServer('mysql2/promise') as {
    createConnection(url: string): Promise<SqlConnection>;
  };
  return mysql.createConnection(url);
}

const mysqlAdmin = () => mysqlConnect(MYSQL_URL);

/** Quotes a string for SQL (the bench's own ids: letters, digits, `-`, `_`, `.`, `:`). */
function sqlString(value: string): string {
  if (!/^[A-Za-z0-9._:-]+$/.test(value)) throw new Error(`unexpected id ${JSON.stringify(value)}`);
  return `'${value}'`;
}

/** Creates an empty MariaDB database with a unique name (the server migrates it at start-up). */
export async function createMariaDb(): Promise<BenchDatabase> {
  const name = `mm_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = await mysqlAdmin();
  try {
    await admin.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await admin.end();
  }
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async insertMemberships(rows) {
      const c = await mysqlConnect(url.toString());
      try {
        for (let i = 0; i < rows.length; i += 1000) {
          const values = rows
            .slice(i, i + 1000)
            .map((r) => `(${sqlString(r.roomId)}, ${sqlString(r.userId)}, 'member', NOW(6))`);
          await c.query(
            `INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES ${values.join(', ')}`,
          );
        }
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = await mysqlAdmin();
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end();
      }
    },
  };
}

/** A Redis key prefix no other run uses. */
export const uniqueRedisPrefix = (what: string): string =>
  `mm-bench-${what}-${process.pid}-${randomBytes(3).toString('hex')}:`;

/** Deletes every key that starts with `prefix`; returns how many there were. */
export async function deleteRedisKeys(prefix: string): Promise<number> {
  const { Redis } = fromServer('ioredis') as {
    Redis: new (url: string, options: object) => RedisClient;
  };
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: false });
  let deleted = 0;
  try {
    let cursor = '0';
    // Bounded: a SCAN walk ends when the cursor comes back to 0; the cap is only a guard.
    for (let round = 0; round < 100_000; round++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) deleted += await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    await redis.quit();
  }
  return deleted;
}

/** A process's resident set size in KiB, from `/proc/<pid>/status`. */
export async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** The median of `count` RSS samples taken `everyMs` apart (memory settles slowly after a burst). */
export async function settledRssKiB(pid: number, count = 5, everyMs = 400): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, everyMs));
    samples.push(await rssKiB(pid));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/** One line about how busy the machine is, printed with each bench (figures on a loaded box drift). */
export function machineLoad(): string {
  const [one, five] = loadavg();
  return `${cpus().length} cores, load average ${one.toFixed(1)} (1 min) / ${five.toFixed(1)} (5 min)`;
}

/** The `ws` client that socket.io's own engine uses (the bench adds no dependency for it). */
interface InspectorSocket {
  on(event: 'open', fn: () => void): void;
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  send(data: string): void;
  close(): void;
}

function wsClient(url: string): InspectorSocket {
  const fromBench = createRequire(new URL('../package.json', import.meta.url));
  const fromEngine = createRequire(
    createRequire(fromBench.resolve('socket.io')).resolve('engine.io'),
  );
  const WebSocket = fromEngine('ws') as new (url: string) => InspectorSocket;
  return new WebSocket(url);
}

/**
 * Environment that opens the V8 inspector of a child process on a loopback port, so that
 * {@link heapAfterGc} can force a full collection and read the heap there.
 */
export function inspectorEnv(port: number): Record<string, string> {
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:${port}`.trim() };
}

/** A process's memory after two forced full garbage collections, in KiB. */
export interface HeapFigures {
  /** V8 heap in use. */
  heapUsedKiB: number;
  /** Memory of C++ objects bound to JavaScript objects (buffers and the like). */
  externalKiB: number;
}

/**
 * Forces full garbage collections in the process whose inspector listens on `port`, then reads
 * `process.memoryUsage()` there (bounded by `timeoutMs`).
 */
export async function heapAfterGc(port: number, timeoutMs = 30_000): Promise<HeapFigures> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
    webSocketDebuggerUrl: string;
  }>;
  const socket = wsClient(targets[0].webSocketDebuggerUrl);
  let nextId = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      (async () => {
        await new Promise<void>((resolve, reject) => {
          socket.on('open', resolve);
          socket.on('error', reject);
        });
        await call('HeapProfiler.collectGarbage');
        await call('HeapProfiler.collectGarbage');
        const answer = (await call('Runtime.evaluate', {
          expression: 'JSON.stringify(process.memoryUsage())',
          returnByValue: true,
        })) as { result: { value: string } };
        const usage = JSON.parse(answer.result.value) as { heapUsed: number; external: number };
        return { heapUsedKiB: usage.heapUsed / 1024, externalKiB: usage.external / 1024 };
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no heap figures from port ${port} in ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}
