import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deleteRedisKeys, TEST_REDIS_URL, uniqueRedisPrefix } from '../test/cluster.js';
import { waitUntil } from '../test/harness.js';
import { RedisRevokedSessionStore } from './redis-revoked-sessions.js';
import {
  InMemoryRevokedSessionStore,
  type RevokedSessionStore,
  type SessionRevocation,
} from './revoked-sessions.js';

const PREFIX = uniqueRedisPrefix('revoked-sessions');
const logger = pino({ level: 'silent' });
const connections: Redis[] = [];
const stores: RevokedSessionStore[] = [];
let nodes = 0;

function connection(options: { retryStrategy?: () => number } = {}): Redis {
  const redis = new Redis(TEST_REDIS_URL, {
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true,
    ...options,
  });
  connections.push(redis);
  return redis;
}

/** A started store of a node; Redis stores of one test share a key prefix, like one deployment. */
async function started<S extends RevokedSessionStore>(store: S): Promise<S> {
  stores.push(store);
  await store.start();
  return store;
}

function redisNode(prefix: string, redis = connection()): RedisRevokedSessionStore {
  nodes += 1;
  return new RedisRevokedSessionStore(redis, {
    keyPrefix: prefix,
    nodeId: `contract-${process.pid}-${nodes}`,
    logger,
  });
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await deleteRedisKeys(PREFIX);
});

const revocation = (over: Partial<SessionRevocation> = {}): SessionRevocation => ({
  sessionIds: [randomUUID()],
  userId: randomUUID(),
  cause: 'logout',
  expiresAt: Date.now() + 60_000,
  ...over,
});

/** Resolves with the first revocation the store tells about that names `sessionId`. */
function heard(store: RevokedSessionStore, sessionId: string): Promise<SessionRevocation> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no revocation of ${sessionId}`)), 5000);
    const off = store.onRevoked((r) => {
      if (!r.sessionIds.includes(sessionId)) return;
      clearTimeout(timer);
      off();
      resolve(r);
    });
  });
}

let deployments = 0;
const ADAPTERS: Array<{ name: string; make: () => RevokedSessionStore }> = [
  { name: 'InMemoryRevokedSessionStore', make: () => new InMemoryRevokedSessionStore() },
  {
    name: 'RedisRevokedSessionStore',
    make: () => redisNode(`${PREFIX}${++deployments}:`),
  },
];

describe.each(ADAPTERS)('$name (the RevokedSessionStore contract)', ({ make }) => {
  it('knows no session until it is revoked, then says why, for each of its sessions', async () => {
    const store = await started(make());
    const r = revocation({ sessionIds: [randomUUID(), randomUUID()], cause: 'password_changed' });
    expect(await store.check(r.sessionIds[0])).toBeNull();
    await store.revoke(r);
    expect(await store.check(r.sessionIds[0])).toBe('password_changed');
    expect(await store.check(r.sessionIds[1])).toBe('password_changed');
    expect(await store.check(randomUUID())).toBeNull();
  });

  it('tells its own listeners about a revocation before revoke() resolves', async () => {
    const store = await started(make());
    const r = revocation({ cause: 'account_disabled' });
    const told: SessionRevocation[] = [];
    store.onRevoked((x) => told.push(x));
    await store.revoke(r);
    expect(told).toEqual([r]);
  });

  it('keeps the first cause of a session revoked twice', async () => {
    const store = await started(make());
    const r = revocation({ cause: 'refresh_reused' });
    await store.revoke(r);
    await store.revoke({ ...r, cause: 'logout' });
    expect(await store.check(r.sessionIds[0])).toBe('refresh_reused');
  });

  it('forgets a revocation once its expiry has passed', async () => {
    const store = await started(make());
    const r = revocation({ expiresAt: Date.now() + 300 });
    await store.revoke(r);
    expect(await store.check(r.sessionIds[0])).toBe('logout');
    await waitUntil(
      'the entry to expire',
      async () => (await store.check(r.sessionIds[0])) === null,
    );
  });

  it('ignores a revocation whose expiry has already passed', async () => {
    const store = await started(make());
    const r = revocation({ expiresAt: Date.now() - 1 });
    await store.revoke(r);
    expect(await store.check(r.sessionIds[0])).toBeNull();
  });
});

describe('RedisRevokedSessionStore across nodes', () => {
  it('a revocation on one node is known and told on another at once', async () => {
    const prefix = `${PREFIX}x${++deployments}:`;
    const a = await started(redisNode(prefix));
    const b = await started(redisNode(prefix));
    const r = revocation({ cause: 'account_disabled' });
    const onB = heard(b, r.sessionIds[0]);
    await a.revoke(r);
    expect(await onB).toEqual(r);
    expect(await b.check(r.sessionIds[0])).toBe('account_disabled');
  });

  it('a node that starts later knows the revocations still in force, and not the expired ones', async () => {
    const prefix = `${PREFIX}x${++deployments}:`;
    const a = await started(redisNode(prefix));
    const live = revocation();
    const brief = revocation({ expiresAt: Date.now() + 200 });
    await a.revoke(live);
    await a.revoke(brief);
    await waitUntil(
      'the brief entry to expire',
      async () => (await a.check(brief.sessionIds[0])) === null,
    );
    const later = await started(redisNode(prefix));
    expect(await later.check(live.sessionIds[0])).toBe('logout');
    expect(await later.check(brief.sessionIds[0])).toBeNull();
  });

  it('keeps every entry and its load index until the latest expiry, whatever the order', async () => {
    const prefix = `${PREFIX}x${++deployments}:`;
    const a = await started(redisNode(prefix));
    const long = revocation({ expiresAt: Date.now() + 120_000 });
    const short = revocation({ expiresAt: Date.now() + 30_000 });
    await a.revoke(long);
    await a.revoke(short);
    const redis = connection();
    expect(await redis.pttl(`${prefix}session:revoked`)).toBeGreaterThan(100_000);
    expect(await redis.pttl(`${prefix}session:revoked:${short.sessionIds[0]}`)).toBeLessThanOrEqual(
      30_000,
    );
    expect(await redis.zcard(`${prefix}session:revoked`)).toBe(2);
  });

  it('a node whose subscription dropped asks Redis meanwhile, and on its return hears what it missed', async () => {
    const prefix = `${PREFIX}x${++deployments}:`;
    const a = await started(redisNode(prefix));
    // Half a second between the drop and the reconnection: the revocation lands in between.
    const b = await started(redisNode(prefix, connection({ retryStrategy: () => 500 })));
    const told: SessionRevocation[] = [];
    b.onRevoked((x) => told.push(x));

    const admin = connection();
    const name = `minimeet-sessions-contract-${process.pid}-${nodes}`;
    const mine = String(await admin.client('LIST'))
      .split('\n')
      .find((line) => line.includes(` name=${name} `));
    expect(mine, `no connection named ${name}`).toBeDefined();
    await admin.client('KILL', 'ID', /\bid=(\d+)/.exec(mine!)![1]);
    await waitUntil('b to notice the drop', () => !b.synced);

    const r = revocation({ cause: 'password_changed' });
    await a.revoke(r);
    // Not heard (the subscription is down), yet known: b asks Redis while it cannot listen.
    expect(told).toEqual([]);
    expect(await b.check(r.sessionIds[0])).toBe('password_changed');
    await waitUntil('b to hear the missed revocation', () => told.length > 0);
    expect(told).toEqual([r]);
    await waitUntil('b to be synced again', () => b.synced);
  });
});
