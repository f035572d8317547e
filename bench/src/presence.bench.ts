/**
 * Presence fan-out and the memory of idle connections with presence, beside a bare socket.io
 * server in the same run.
 *
 * 1,000 users in a ring: user i owns a public room that users i+1 … i+10 are members of, so each
 * user shares a room with exactly the 20 users around it and follows them with
 * `presence_subscribe { sharedRooms: true }`. A user toggles `busy` with `presence_update`; the bench
 * times the arrival of the matching `presence_changed` at each of its 20 followers, all sockets in
 * this process (one clock). Changes go one at a time (quiet), then many at once (load).
 *
 * Deployments, each with every user connected: minimeet on one node (in-process presence), minimeet
 * on two nodes through the real Redis (users alternate between the nodes, so half of each user's
 * followers are on the other node), and the bare server on one node and on two nodes joined by the
 * same Socket.IO Redis Streams adapter (a room per user, emit to the room). The servers share a
 * fresh MariaDB database made for the run (SQLite cannot be shared between processes) and a Redis
 * key prefix of their own; both are removed at the end.
 *
 * Memory: on each one-node deployment, the server's RSS (`/proc/<pid>/status`, median of samples)
 * and its V8 heap in use plus external memory after two forced full collections (through the
 * inspector, opened on a loopback port for this), before and after its 1,000 sockets connected
 * and subscribed, divided by 1,000. RSS alone misleads: a process whose heap already has free
 * room grows less.
 */
import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  type PresenceChangedEvent,
  type PresenceSnapshot,
} from '@minimeet/protocol';
import type { Socket } from 'socket.io-client';
import {
  createMariaDb,
  deleteRedisKeys,
  heapAfterGc,
  inspectorEnv,
  machineLoad,
  REDIS_URL,
  settledRssKiB,
  uniqueRedisPrefix,
  type BenchDatabase,
  type HeapFigures,
} from './infra.js';
import { BARE_SERVER, freePort, spawnNode, startMinimeet, type Child } from './processes.js';
import { closeAll, openSocket, request, RequestRefused } from './sockets.js';
import { percentile, pool, printTable, round } from './stats.js';
import { FAST_ACCOUNTS_ENV, createRoom, registerUser, type BenchUser } from './users.js';

const USERS = Number(process.env.BENCH_PRESENCE_USERS ?? 1000);
// Followers on each side of a user in the ring: 10 gives the 20 of the issue.
const HALF = Number(process.env.BENCH_PRESENCE_FOLLOWS ?? 20) / 2;
const QUIET_CHANGES = Number(process.env.BENCH_PRESENCE_CHANGES ?? 300);
const LOAD_CHANGES = Number(process.env.BENCH_PRESENCE_LOAD_CHANGES ?? 1000);
const LOAD_CONCURRENCY = Number(process.env.BENCH_PRESENCE_LOAD_CONCURRENCY ?? 20);
const CONNECT_CONCURRENCY = 25;
const SETUP_CONCURRENCY = 32;
const CHANGE_TIMEOUT_MS = 10_000;
const CASE_TIME_LIMIT_MS = 120_000;
const WARM_SOCKETS = 20;

type State = 'busy' | 'online';

/** One running deployment: its nodes, and how a user connects, follows and changes state. */
interface Deployment {
  label: string;
  /** Server processes (their pids for memory, their URLs for sockets). */
  nodes: Array<{ url: string; pid: number }>;
  /** The user id the wire uses for bench user `i`. */
  userId(i: number): string;
  /** Opens user `i`'s socket to `url` and follows its 20; resolves when the follow is answered. */
  connect(i: number, url: string): Promise<Socket>;
  /** Sets user `i`'s state; resolves at the acknowledgement. */
  change(socket: Socket, i: number, state: State): Promise<void>;
}

/** Latencies of one case at followers, split by where the follower is. */
interface PresenceSample {
  all: number[];
  sameNode: number[];
  otherNode: number[];
  /** Send → the last of a change's followers. */
  lastOf: number[];
  changes: number;
  missed: number;
  wallMs: number;
}

/** The memory figures of one node: RSS, and the heap after forced collections. */
interface Memory {
  beforeKiB: number;
  afterKiB: number;
  heapBefore: HeapFigures;
  heapAfter: HeapFigures;
  sockets: number;
}

interface Result {
  quiet: PresenceSample;
  load: PresenceSample;
  memory?: Memory;
}

const mod = (n: number) => ((n % USERS) + USERS) % USERS;

/** The users that share a room with user `i` (the ring's 20 around it). */
function neighbours(i: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= HALF; d++) out.push(mod(i - d), mod(i + d));
  return out;
}

/** A change waiting for its followers. */
interface Pending {
  state: State;
  t0: number;
  remaining: Set<number>;
  lastAt: number;
  done: () => void;
}

/**
 * Connects every user, then measures the quiet and the loaded case. `nodeOf(i)` picks the node of
 * user `i`. Closes every socket before it returns.
 */
async function measure(
  d: Deployment,
  nodeOf: (i: number) => number,
  inspectPort?: number,
): Promise<Result> {
  const sockets: Socket[] = new Array<Socket>(USERS);
  const indexOf = new Map<string, number>();
  for (let i = 0; i < USERS; i++) indexOf.set(d.userId(i), i);
  const pending = new Map<number, Pending>();
  let current: PresenceSample | undefined;
  const listen = (socket: Socket, j: number) =>
    socket.on('presence_changed', (p: PresenceChangedEvent) => {
      const now = performance.now();
      const u = indexOf.get(p.userId);
      if (u === undefined || !current) return;
      const entry = pending.get(u);
      if (!entry || entry.state !== p.state || !entry.remaining.delete(j)) return;
      const ms = now - entry.t0;
      current.all.push(ms);
      (nodeOf(j) === nodeOf(u) ? current.sameNode : current.otherNode).push(ms);
      entry.lastAt = now;
      if (entry.remaining.size === 0) entry.done();
    });
  try {
    let memory: Memory | undefined;
    const pid = d.nodes[0].pid;
    if (inspectPort !== undefined) {
      // Warm the server's code paths first, so the baseline is not the cold process.
      const warm = await pool(
        Array.from({ length: WARM_SOCKETS }, (_, i) => i),
        CONNECT_CONCURRENCY,
        (i) => d.connect(i, d.nodes[0].url),
      );
      closeAll(warm);
      await new Promise((r) => setTimeout(r, 1000));
      const beforeKiB = await settledRssKiB(pid);
      const heapBefore = await heapAfterGc(inspectPort);
      memory = { beforeKiB, afterKiB: 0, heapBefore, heapAfter: heapBefore, sockets: USERS };
    }
    await pool(
      Array.from({ length: USERS }, (_, i) => i),
      CONNECT_CONCURRENCY,
      async (i) => {
        sockets[i] = await d.connect(i, d.nodes[nodeOf(i)].url);
        listen(sockets[i], i);
      },
    );
    // Let the burst of `online` changes of the connects drain before measuring anything.
    await new Promise((r) => setTimeout(r, 2000));
    if (memory && inspectPort !== undefined) {
      memory.afterKiB = await settledRssKiB(pid, 7, 500);
      memory.heapAfter = await heapAfterGc(inspectPort);
    }

    const states = new Array<State>(USERS).fill('online');
    const order = Array.from({ length: USERS }, (_, i) => mod(i * 37 + 11));
    const oneChange = async (u: number, sample: PresenceSample) => {
      const state: State = states[u] === 'busy' ? 'online' : 'busy';
      states[u] = state;
      let timer: NodeJS.Timeout | undefined;
      const entry: Pending = {
        state,
        t0: performance.now(),
        remaining: new Set(neighbours(u)),
        lastAt: 0,
        done: () => undefined,
      };
      const arrived = new Promise<boolean>((resolve) => {
        entry.done = () => resolve(true);
        timer = setTimeout(() => resolve(false), CHANGE_TIMEOUT_MS);
      });
      pending.set(u, entry);
      try {
        await d.change(sockets[u], u, state);
        const complete = await arrived;
        sample.changes++;
        if (complete) sample.lastOf.push(entry.lastAt - entry.t0);
        else sample.missed += entry.remaining.size;
      } finally {
        clearTimeout(timer);
        pending.delete(u);
      }
    };
    const run = async (count: number, concurrency: number): Promise<PresenceSample> => {
      const sample: PresenceSample = {
        all: [],
        sameNode: [],
        otherNode: [],
        lastOf: [],
        changes: 0,
        missed: 0,
        wallMs: 0,
      };
      current = sample;
      const deadline = performance.now() + CASE_TIME_LIMIT_MS;
      const started = performance.now();
      // Each user appears once in `order`, so two changes of one user are never in flight at once.
      const users = Array.from({ length: count }, (_, k) => order[k % USERS]);
      await pool(users, Math.min(concurrency, USERS), async (u) => {
        if (performance.now() < deadline) await oneChange(u, sample);
      });
      sample.wallMs = performance.now() - started;
      return sample;
    };
    // A short warm-up, then the quiet case and the loaded case.
    await run(Math.min(50, USERS), 1);
    const quiet = await run(QUIET_CHANGES, 1);
    const load = await run(LOAD_CHANGES, LOAD_CONCURRENCY);
    return { quiet, load, memory };
  } finally {
    current = undefined;
    closeAll(sockets);
  }
}

/** Starts bare socket.io nodes; two are joined by the Redis Streams adapter. */
async function bare(
  nodes: 1 | 2,
  redisPrefix: string,
  inspectPort?: number,
): Promise<Array<Child & { url: string }>> {
  const env: Record<string, string> =
    nodes === 2
      ? { BARE_REDIS_URL: REDIS_URL, BARE_REDIS_PREFIX: redisPrefix }
      : inspectPort !== undefined
        ? inspectorEnv(inspectPort)
        : {};
  const children: Array<Child & { url: string }> = [];
  try {
    for (let n = 0; n < nodes; n++) {
      const port = await freePort();
      const child = await spawnNode(
        BARE_SERVER,
        { ...env, PORT: String(port) },
        'bare server ready',
      );
      children.push({ ...child, url: `http://127.0.0.1:${port}` });
    }
    return children;
  } catch (error) {
    await Promise.all(children.map((c) => c.stop()));
    throw error;
  }
}

function bareDeployment(label: string, children: Array<Child & { url: string }>): Deployment {
  return {
    label,
    nodes: children.map((c) => ({ url: c.url, pid: c.process.pid! })),
    userId: (i) => String(i),
    async connect(i, url) {
      const socket = await openSocket(url);
      await request(
        socket,
        'join_many',
        neighbours(i).map((j) => `presence:${j}`),
      ).catch((error: unknown) => {
        socket.disconnect();
        throw error;
      });
      return socket;
    },
    async change(socket, i, state) {
      await request(socket, 'presence_set', { userId: String(i), state });
    },
  };
}

function minimeetDeployment(
  label: string,
  servers: Array<Child & { url: string }>,
  users: BenchUser[],
): Deployment {
  let short = 0;
  return {
    label,
    nodes: servers.map((s) => ({ url: s.url, pid: s.process.pid! })),
    userId: (i) => users[i].id,
    async connect(i, url) {
      const socket = await openSocket(url, {
        token: users[i].accessToken,
        protocolVersion: PROTOCOL_VERSION,
      });
      const snapshot = await request<PresenceSnapshot>(socket, 'presence_subscribe', {
        sharedRooms: true,
      }).catch((error: unknown) => {
        socket.disconnect();
        throw error;
      });
      if (snapshot.presences.length < 2 * HALF && short++ === 0)
        console.warn(
          `${label}: a snapshot holds ${snapshot.presences.length} users, not ${2 * HALF}`,
        );
      return socket;
    },
    async change(socket, _i, state) {
      await request(socket, 'presence_update', { busy: state === 'busy' });
    },
  };
}

/** Whether the server answers `presence_subscribe` (it says `feature_unavailable` until it does). */
async function hasPresence(url: string, user: BenchUser): Promise<boolean> {
  const socket = await openSocket(url, {
    token: user.accessToken,
    protocolVersion: PROTOCOL_VERSION,
  });
  try {
    await request(socket, 'presence_subscribe', { sharedRooms: true });
    return true;
  } catch (error) {
    if (error instanceof RequestRefused && error.code === ErrorCode.FeatureUnavailable)
      return false;
    throw error;
  } finally {
    socket.disconnect();
  }
}

/**
 * Registers the users and creates their rooms over REST on a setup server, then adds the ring's
 * memberships with SQL (10,000 `POST /rooms/{id}/join` take minutes on a busy machine); null when
 * the server has no presence yet.
 */
async function setUpUsers(db: BenchDatabase): Promise<BenchUser[] | null> {
  const server = await startMinimeet({ ...FAST_ACCOUNTS_ENV, DATABASE_URL: db.url });
  try {
    const run = randomUUID().slice(0, 8);
    const started = performance.now();
    if (!(await hasPresence(server.url, await registerUser(server.url, `${run}-probe`, 0)))) {
      console.warn('The server does not answer presence yet: only the baselines are measured.');
      return null;
    }
    const users = await pool(
      Array.from({ length: USERS }, (_, i) => i),
      SETUP_CONCURRENCY,
      (i) => registerUser(server.url, run, i),
    );
    const registered = performance.now();
    const rooms = await pool(users, SETUP_CONCURRENCY, (u, i) =>
      createRoom(server.url, u, `Ring ${i}`),
    );
    const created = performance.now();
    const memberships = rooms.flatMap((roomId, i) =>
      Array.from({ length: HALF }, (_, d) => ({ roomId, userId: users[mod(i + d + 1)].id })),
    );
    await db.insertMemberships(memberships);
    const s = (from: number, to: number) => round((to - from) / 1000, 1);
    console.log(
      `set up: ${USERS} users in ${s(started, registered)} s and ${rooms.length} rooms in ` +
        `${s(registered, created)} s over REST, ${memberships.length} memberships in ` +
        `${s(created, performance.now())} s with SQL`,
    );
    return users;
  } finally {
    await server.stop();
  }
}

const serverEnv = (databaseUrl: string): Record<string, string> => ({
  ...FAST_ACCOUNTS_ENV,
  DATABASE_URL: databaseUrl,
});

/** Minimeet on one node (in-process presence), measured with memory. */
async function minimeetOneNode(users: BenchUser[], db: BenchDatabase): Promise<Result> {
  const inspectPort = await freePort();
  const server = await startMinimeet({ ...serverEnv(db.url), ...inspectorEnv(inspectPort) });
  try {
    return await measure(
      minimeetDeployment('minimeet, one node', [server], users),
      () => 0,
      inspectPort,
    );
  } finally {
    await server.stop();
  }
}

/** Minimeet on two nodes sharing the database and Redis; users alternate between the nodes. */
async function minimeetTwoNodes(
  users: BenchUser[],
  db: BenchDatabase,
  redisPrefix: string,
): Promise<Result> {
  const servers: Array<Child & { url: string }> = [];
  try {
    for (const node of ['a', 'b']) {
      servers.push(
        await startMinimeet({
          ...serverEnv(db.url),
          REDIS_URL,
          REDIS_KEY_PREFIX: redisPrefix,
          NODE_ID: `bench-${node}`,
        }),
      );
    }
    return await measure(minimeetDeployment('minimeet, two nodes', servers, users), (i) => i % 2);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** The bare server on one node (with memory) or on two joined by the Redis Streams adapter. */
async function bareNodes(nodes: 1 | 2, redisPrefix: string): Promise<Result> {
  const inspectPort = nodes === 1 ? await freePort() : undefined;
  const children = await bare(nodes, redisPrefix, inspectPort);
  try {
    return nodes === 1
      ? await measure(bareDeployment('bare, one node', children), () => 0, inspectPort)
      : await measure(bareDeployment('bare, two nodes', children), (i) => i % 2);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}

const ms = (v: number) => round(v, 2);

function row(label: string, values: number[], s: PresenceSample): Record<string, string | number> {
  return {
    case: label,
    'p50 ms': ms(percentile(values, 50)),
    'p99 ms': ms(percentile(values, 99)),
    'last follower p50 ms': ms(percentile(s.lastOf, 50)),
    'last follower p99 ms': ms(percentile(s.lastOf, 99)),
    deliveries: values.length,
    missed: s.missed,
    'changes/s': round((s.changes / s.wallMs) * 1000, 0),
  };
}

function ratio(m: PresenceSample, b: PresenceSample): Record<string, string | number> {
  return {
    case: 'ratio minimeet / bare',
    'p50 ms': round(percentile(m.all, 50) / percentile(b.all, 50), 2),
    'p99 ms': round(percentile(m.all, 99) / percentile(b.all, 99), 2),
    'last follower p50 ms': round(percentile(m.lastOf, 50) / percentile(b.lastOf, 50), 2),
    'last follower p99 ms': round(percentile(m.lastOf, 99) / percentile(b.lastOf, 99), 2),
    deliveries: '',
    missed: '',
    'changes/s': '',
  };
}

const rssPer = (m: Memory) => (m.afterKiB - m.beforeKiB) / m.sockets;
const heapPer = (m: Memory) =>
  (m.heapAfter.heapUsedKiB +
    m.heapAfter.externalKiB -
    m.heapBefore.heapUsedKiB -
    m.heapBefore.externalKiB) /
  m.sockets;

function memoryRow(label: string, m: Memory): Record<string, string | number> {
  return {
    server: label,
    'RSS before MiB': round(m.beforeKiB / 1024, 1),
    'RSS after MiB': round(m.afterKiB / 1024, 1),
    'RSS KiB/conn': round(rssPer(m), 1),
    'heap before MiB': round((m.heapBefore.heapUsedKiB + m.heapBefore.externalKiB) / 1024, 1),
    'heap after MiB': round((m.heapAfter.heapUsedKiB + m.heapAfter.externalKiB) / 1024, 1),
    'heap KiB/conn': round(heapPer(m), 1),
  };
}

/** Runs the presence bench and prints its tables. */
export async function presenceBench(): Promise<void> {
  console.log(`machine at the start: ${machineLoad()}`);
  const redisPrefix = uniqueRedisPrefix('presence');
  const db = await createMariaDb();
  const b = {} as { one: Result; two: Result };
  let m: { one: Result; two: Result } | undefined;
  try {
    const users = await setUpUsers(db);
    // Each minimeet deployment right after its baseline, so that drift on a shared machine
    // touches both sides of a ratio alike.
    b.one = await bareNodes(1, redisPrefix);
    const mOne = users ? await minimeetOneNode(users, db) : undefined;
    b.two = await bareNodes(2, redisPrefix);
    if (users && mOne) m = { one: mOne, two: await minimeetTwoNodes(users, db, redisPrefix) };
  } finally {
    await db.drop();
    const left = await deleteRedisKeys(redisPrefix);
    if (left > 0) console.log(`removed ${left} Redis keys under ${redisPrefix}`);
  }
  console.log(`machine at the end: ${machineLoad()}`);
  const rows: Array<Record<string, string | number>> = [];
  for (const [name, pick] of [
    ['quiet: one change at a time', (r: Result) => r.quiet],
    [`load: ${LOAD_CONCURRENCY} changes in flight`, (r: Result) => r.load],
  ] as const) {
    const [bo, bt] = [pick(b.one), pick(b.two)];
    const [mo, mt] = m ? [pick(m.one), pick(m.two)] : [];
    rows.push(row(`bare, one node, ${name} (baseline)`, bo.all, bo));
    if (mo) rows.push(row(`minimeet, one node, ${name}`, mo.all, mo), ratio(mo, bo));
    rows.push(row(`bare, two nodes via Redis, ${name} (baseline)`, bt.all, bt));
    if (mt) rows.push(row(`minimeet, two nodes via Redis, ${name}`, mt.all, mt), ratio(mt, bt));
    rows.push(row(`  bare, two nodes: followers on the same node`, bt.sameNode, bt));
    if (mt) rows.push(row(`  minimeet, two nodes: followers on the same node`, mt.sameNode, mt));
    rows.push(row(`  bare, two nodes: followers on the other node`, bt.otherNode, bt));
    if (mt) rows.push(row(`  minimeet, two nodes: followers on the other node`, mt.otherNode, mt));
  }
  printTable(
    `Presence change → presence_changed at each follower, ${USERS} users following ${2 * HALF} each (ratio: time)`,
    rows,
  );
  const bm = b.one.memory;
  const mm = m?.one.memory;
  if (bm) {
    printTable(
      `Server memory for ${USERS} idle connections, each following ${2 * HALF} users ` +
        '(RSS: median of samples; heap: V8 heap used + external after two forced full GCs)',
      [
        memoryRow('bare socket.io, a room per followed user (baseline)', bm),
        ...(mm
          ? [
              memoryRow('minimeet, authenticated, presence_subscribe sharedRooms', mm),
              {
                server: 'ratio minimeet / bare',
                'RSS KiB/conn': round(rssPer(mm) / rssPer(bm), 2),
                'heap KiB/conn': round(heapPer(mm) / heapPer(bm), 2),
              },
            ]
          : []),
      ],
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await presenceBench();
}
