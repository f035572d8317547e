import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryPresenceBackend, InMemoryPresenceStore } from './in-memory-presence-store.js';
import {
  presenceTiming,
  type PresenceMessage,
  type PresenceStore,
  type PresenceTiming,
} from './presence-store.js';
import { RedisPresenceStore } from './redis-presence-store.js';

const REDIS_URL = process.env.MINIMEET_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TIMEOUT_MS = 2000;
const timing = presenceTiming(TIMEOUT_MS);

/** A family of stores that share state, as the nodes of one deployment do. */
interface Deployment {
  /** A new node's store, not yet started. */
  node(nodeId: string, timing?: PresenceTiming): PresenceStore;
  /** Removes what the deployment left behind. */
  cleanup(): Promise<void>;
}

interface Adapter {
  name: string;
  deploy(): Promise<Deployment>;
}

const ADAPTERS: Adapter[] = [
  {
    name: 'in-memory',
    deploy() {
      const backend = new InMemoryPresenceBackend();
      return Promise.resolve({
        node: (nodeId, t = timing) => new InMemoryPresenceStore({ nodeId, timing: t, backend }),
        cleanup: () => Promise.resolve(),
      });
    },
  },
  {
    name: 'redis',
    deploy() {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      // A prefix of its own per run: parallel test files and earlier runs never collide.
      const keyPrefix = `mmtest:${process.pid}:${randomBytes(4).toString('hex')}:`;
      const logger = pino({ level: 'silent' });
      return Promise.resolve({
        node: (nodeId, t = timing) =>
          new RedisPresenceStore(redis, { nodeId, keyPrefix, timing: t, logger }),
        async cleanup() {
          let cursor = '0';
          do {
            const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
            cursor = next;
            if (keys.length > 0) await redis.del(...keys);
          } while (cursor !== '0');
          await redis.quit();
        },
      });
    },
  },
];

describe.each(ADAPTERS)('presence store contract: $name', (adapter) => {
  let deployment: Deployment;
  const started: PresenceStore[] = [];

  beforeAll(async () => {
    deployment = await adapter.deploy();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await deployment?.cleanup();
  });

  let n = 0;
  const uid = (name = 'user') => `${name}-${++n}-${randomBytes(3).toString('hex')}`;

  async function node(name = 'node', t?: PresenceTiming): Promise<PresenceStore> {
    const store = deployment.node(`${name}-${++n}`, t);
    started.push(store);
    await store.start();
    return store;
  }

  /** Collects the users a store reports as changed by itself. */
  function changes(store: PresenceStore): string[] {
    const seen: string[] = [];
    store.onUsersChanged((ids) => seen.push(...ids));
    return seen;
  }

  it('an unknown user has an empty record', async () => {
    const store = await node();
    const id = uid();
    expect(await store.get([id])).toEqual([
      {
        userId: id,
        version: 0,
        connections: [],
        calls: [],
        busy: false,
        statusText: null,
        announced: null,
        changedAt: null,
      },
    ]);
  });

  it('connections come and go, each with its own away flag, and every change raises the version', async () => {
    const store = await node();
    const id = uid();
    const first = await store.apply(id, { connectionId: 'c1' });
    expect(first.connections).toEqual([{ connectionId: 'c1', away: false }]);
    const second = await store.apply(id, { connectionId: 'c2', away: true });
    expect(second.version).toBeGreaterThan(first.version);
    expect(sortByConnection(second.connections)).toEqual([
      { connectionId: 'c1', away: false },
      { connectionId: 'c2', away: true },
    ]);
    // A change that names the connection without `away` keeps its flag.
    const busy = await store.apply(id, { connectionId: 'c2', busy: true });
    expect(busy.connections.find((c) => c.connectionId === 'c2')?.away).toBe(true);
    const gone = await store.apply(id, { connectionId: 'c1', disconnected: true });
    expect(gone.connections).toEqual([{ connectionId: 'c2', away: true }]);
    const none = await store.apply(id, { connectionId: 'c2', disconnected: true });
    expect(none.connections).toEqual([]);
    // Disconnecting twice is harmless.
    const again = await store.apply(id, { connectionId: 'c2', disconnected: true });
    expect(again.connections).toEqual([]);
    expect(again.version).toBeGreaterThan(none.version);
  });

  it('keeps busy and the status text per user, until cleared, also without connections', async () => {
    const store = await node();
    const id = uid();
    await store.apply(id, { connectionId: 'x1' });
    await store.apply(id, { busy: true, statusText: 'In a meeting 🎧' });
    await store.apply(id, { connectionId: 'x1', disconnected: true });
    const [kept] = await store.get([id]);
    expect(kept).toMatchObject({ busy: true, statusText: 'In a meeting 🎧', connections: [] });
    const cleared = await store.apply(id, { busy: false, statusText: null });
    expect(cleared).toMatchObject({ busy: false, statusText: null });
  });

  it('records calls by participant, with the room or null for a private one', async () => {
    const store = await node();
    const id = uid();
    const before = Date.now();
    await store.apply(id, { joined: { participantId: 'pa_1', roomId: 'standup' } });
    const two = await store.apply(id, { joined: { participantId: 'pa_2', roomId: null } });
    const calls = [...two.calls].sort((a, b) => a.participantId.localeCompare(b.participantId));
    expect(calls).toMatchObject([
      { participantId: 'pa_1', roomId: 'standup' },
      { participantId: 'pa_2', roomId: null },
    ]);
    for (const call of calls) {
      expect(call.joinedAt).toBeGreaterThanOrEqual(before - 1000);
      expect(call.joinedAt).toBeLessThanOrEqual(Date.now() + 1000);
    }
    const left = await store.apply(id, { left: 'pa_1' });
    expect(left.calls.map((c) => c.participantId)).toEqual(['pa_2']);
  });

  it('settle announces a new presence once, and never for a version that is no longer current', async () => {
    const store = await node();
    const id = uid();
    const record = await store.apply(id, { connectionId: 's1' });
    const at = await store.settle(id, record.version, 'online');
    expect(at).toEqual(expect.any(Number));
    expect(await store.settle(id, record.version, 'online')).toBeNull();
    const [settled] = await store.get([id]);
    expect(settled).toMatchObject({ announced: 'online', changedAt: at });
    const later = await store.apply(id, { connectionId: 's1', away: true });
    expect(await store.settle(id, record.version, 'away')).toBeNull();
    expect(await store.settle(id, later.version, 'away')).toEqual(expect.any(Number));
  });

  it('reads many users at once, in the order asked', async () => {
    const store = await node();
    const ids = Array.from({ length: 1200 }, () => uid('many'));
    await store.apply(ids[700], { connectionId: 'm1' });
    const records = await store.get(ids);
    expect(records.map((r) => r.userId)).toEqual(ids);
    expect(records.filter((r) => r.connections.length > 0).map((r) => r.userId)).toEqual([
      ids[700],
    ]);
  });

  it('two nodes change one user at once and every change counts', async () => {
    const a = await node('a');
    const b = await node('b');
    const id = uid();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).apply(id, { connectionId: `par-${i}`, away: i % 3 === 0 }),
      ),
    );
    expect(new Set(results.map((r) => r.version)).size).toBe(40);
    const [record] = await a.get([id]);
    expect(record.connections).toHaveLength(40);
    expect(record.connections.filter((c) => c.away)).toHaveLength(14);
  });

  it('a membership message reaches every node, the sender included', async () => {
    const a = await node('a');
    const b = await node('b');
    const got: Array<[string, PresenceMessage]> = [];
    a.onMessage((m) => got.push(['a', m]));
    b.onMessage((m) => got.push(['b', m]));
    const message: PresenceMessage = { type: 'member_added', roomId: uid('room'), userId: uid() };
    await a.publish(message);
    await waitUntil('both nodes hear it', () => got.length === 2);
    expect(got.map(([who]) => who).sort()).toEqual(['a', 'b']);
    expect(got.every(([, m]) => JSON.stringify(m) === JSON.stringify(message))).toBe(true);
  });

  it('a node that dies takes its connections with it within the timeout; the survivor reports whose', async () => {
    const dying = await node('dying');
    const survivor = await node('survivor');
    const reported = changes(survivor);
    const lost = uid('lost');
    const shared = uid('shared');
    const kept = uid('kept');
    await dying.apply(lost, { connectionId: 'd1' });
    await dying.apply(shared, { connectionId: 'd2' });
    await survivor.apply(shared, { connectionId: 's2' });
    await survivor.apply(kept, { connectionId: 's3' });
    // It stops renewing, as a killed process would; nothing else is said.
    started.splice(started.indexOf(dying), 1);
    await dying.close();
    const diedAt = Date.now();
    await waitUntil(
      'the survivor reports the dead node’s users',
      () => reported.includes(lost) && reported.includes(shared),
      { timeoutMs: TIMEOUT_MS + 2000 },
    );
    expect(Date.now() - diedAt).toBeLessThanOrEqual(TIMEOUT_MS + 500);
    expect(reported).not.toContain(kept);
    const [l, s, k] = await survivor.get([lost, shared, kept]);
    expect(l.connections).toEqual([]);
    expect(s.connections).toEqual([{ connectionId: 's2', away: false }]);
    expect(k.connections).toEqual([{ connectionId: 's3', away: false }]);
  });

  it('exactly one survivor takes each connection of a dead node, however many there are', async () => {
    const dying = await node('big');
    const survivors = await Promise.all([node('s1'), node('s2'), node('s3')]);
    const reports = survivors.map((s) => changes(s));
    const users = Array.from({ length: 1100 }, () => uid('crowd'));
    await Promise.all(users.map((id, i) => dying.apply(id, { connectionId: `crowd-${i}` })));
    started.splice(started.indexOf(dying), 1);
    await dying.close();
    // Nodes of earlier tests die too (afterEach closes them): count only this crowd.
    const crowd = new Set(users);
    const ofCrowd = () => reports.flat().filter((id) => crowd.has(id));
    await waitUntil('every user is reported', () => new Set(ofCrowd()).size === users.length, {
      timeoutMs: TIMEOUT_MS + 5000,
    });
    // Each user once, by one survivor.
    expect(ofCrowd()).toHaveLength(users.length);
    const records = await survivors[0].get(users);
    expect(records.every((r) => r.connections.length === 0)).toBe(true);
  });

  it('a node taken for dead by mistake registers its connections again at its next renewal', async () => {
    // Renewals further apart than the time-to-live: between two of them the node looks dead,
    // as a node does after a long pause.
    const paused = await node('paused', { heartbeatMs: 1500, ttlMs: 300, sweepMs: 60_000 });
    const other = await node('other');
    const reportedByOther = changes(other);
    const reportedByPaused = changes(paused);
    const id = uid();
    await paused.apply(id, { connectionId: 'p1', away: true });
    await waitUntil('the other node sweeps its connection', () => reportedByOther.includes(id), {
      timeoutMs: 1200,
    });
    expect((await other.get([id]))[0].connections).toEqual([]);
    await waitUntil('it registers the connection again, with its away flag', () =>
      reportedByPaused.includes(id),
    );
    expect((await other.get([id]))[0].connections).toEqual([{ connectionId: 'p1', away: true }]);
  });
});

/** Polls until `check` holds (the harness's waitUntil, without importing the whole server). */
async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 5000 }: { timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function sortByConnection<T extends { connectionId: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => a.connectionId.localeCompare(b.connectionId));
}
