import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  OFFLINE_RECORD_TTL_SECONDS,
  parsePresenceMessage,
  SWEEP_BATCH,
  SWEEP_STEPS_PER_INTERVAL,
  type PresenceChange,
  type PresenceMessage,
  type PresenceRecord,
  type PresenceStore,
  type PresenceTiming,
} from './presence-store.js';

/*
 * Keys, under `<REDIS_KEY_PREFIX>presence:`:
 *   nodes         ZSET  node → time (ms, Redis clock) its connections expire unless renewed
 *   dead          SET   nodes taken for dead whose connections are still being removed
 *   node:<node>   SET   the node's connection ids
 *   conn          HASH  connection id → "<user id>\t<node>"
 *   u:<user>      HASH  v (version), busy, st (status text), ann (announced), at (changed at)
 *   uc:<user>     HASH  connection id → "1" away / "0" not
 *   uk:<user>     HASH  participant id → "<joined at>\t<room id or empty when private>"
 *   events        pub/sub channel of membership changes
 * A user's keys expire OFFLINE_RECORD_TTL_SECONDS after their last connection went. Every script
 * reads the time from Redis, so that the nodes' clocks need not agree.
 */

const PRELUDE = `
local P = ARGV[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function snapshot(user)
  local u = redis.call('HMGET', P .. 'u:' .. user, 'v', 'busy', 'st', 'ann', 'at')
  return { u[1] or '0', u[2] or '0', u[3], u[4], u[5],
    redis.call('HGETALL', P .. 'uc:' .. user), redis.call('HGETALL', P .. 'uk:' .. user) }
end
local function touched(user, ttl)
  local ukey, kkey = P .. 'u:' .. user, P .. 'uk:' .. user
  redis.call('HINCRBY', ukey, 'v', 1)
  if redis.call('HLEN', P .. 'uc:' .. user) == 0 then
    redis.call('EXPIRE', ukey, ttl)
    redis.call('EXPIRE', kkey, ttl)
  else
    redis.call('PERSIST', ukey)
    redis.call('PERSIST', kkey)
  end
end
local function remove_conn(conn)
  local cur = redis.call('HGET', P .. 'conn', conn)
  if not cur then return false end
  local tab = string.find(cur, '\\t', 1, true)
  local user, node = string.sub(cur, 1, tab - 1), string.sub(cur, tab + 1)
  redis.call('HDEL', P .. 'conn', conn)
  redis.call('SREM', P .. 'node:' .. node, conn)
  redis.call('HDEL', P .. 'uc:' .. user, conn)
  return user
end
`;

// ARGV: prefix, user, node, connection, away ('' | '0' | '1'), disconnected ('0' | '1'),
// busy ('' | '0' | '1'), status mode ('' keep | 's' set | 'n' clear), status, joined participant,
// joined room, left participant, offline record ttl.
const APPLY = `${PRELUDE}
local user, node, conn = ARGV[2], ARGV[3], ARGV[4]
if conn ~= '' then
  if ARGV[6] == '1' then
    remove_conn(conn)
    redis.call('HDEL', P .. 'uc:' .. user, conn)
  else
    local want = user .. '\\t' .. node
    local cur = redis.call('HGET', P .. 'conn', conn)
    if cur ~= want then
      if cur then remove_conn(conn) end
      redis.call('HSET', P .. 'conn', conn, want)
      redis.call('SADD', P .. 'node:' .. node, conn)
    end
    if ARGV[5] ~= '' then
      redis.call('HSET', P .. 'uc:' .. user, conn, ARGV[5])
    else
      redis.call('HSETNX', P .. 'uc:' .. user, conn, '0')
    end
  end
end
if ARGV[7] ~= '' then redis.call('HSET', P .. 'u:' .. user, 'busy', ARGV[7]) end
if ARGV[8] == 's' then
  redis.call('HSET', P .. 'u:' .. user, 'st', ARGV[9])
elseif ARGV[8] == 'n' then
  redis.call('HDEL', P .. 'u:' .. user, 'st')
end
if ARGV[10] ~= '' then
  redis.call('HSET', P .. 'uk:' .. user, ARGV[10], now_ms() .. '\\t' .. ARGV[11])
end
if ARGV[12] ~= '' then redis.call('HDEL', P .. 'uk:' .. user, ARGV[12]) end
touched(user, tonumber(ARGV[13]))
return snapshot(user)
`;

// ARGV: prefix, user ids…
const GET = `${PRELUDE}
local out = {}
for i = 2, #ARGV do out[#out + 1] = snapshot(ARGV[i]) end
return out
`;

// ARGV: prefix, user, version, announced. Returns the time of the change, or nil.
const SETTLE = `${PRELUDE}
local ukey = P .. 'u:' .. ARGV[2]
local u = redis.call('HMGET', ukey, 'v', 'ann')
if tonumber(u[1] or '0') ~= tonumber(ARGV[3]) or u[2] == ARGV[4] then return false end
local t = now_ms()
redis.call('HSET', ukey, 'ann', ARGV[4], 'at', t)
return t
`;

// ARGV: prefix, node, ttl (ms). Returns 1 when the node was not registered (new, or taken for dead).
const HEARTBEAT = `${PRELUDE}
local added = redis.call('ZADD', P .. 'nodes', now_ms() + tonumber(ARGV[3]), ARGV[2])
if added == 1 then redis.call('SREM', P .. 'dead', ARGV[2]) end
return added
`;

// ARGV: prefix, most connections to remove, offline record ttl. Returns { users, more (0 | 1) }.
const SWEEP = `${PRELUDE}
local expired = redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', now_ms(), 'LIMIT', 0, 100)
for _, n in ipairs(expired) do
  redis.call('ZREM', P .. 'nodes', n)
  redis.call('SADD', P .. 'dead', n)
end
local budget = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local users, seen = {}, {}
for _, n in ipairs(redis.call('SRANDMEMBER', P .. 'dead', 20)) do
  if budget <= 0 then break end
  local conns = redis.call('SPOP', P .. 'node:' .. n, budget)
  for _, c in ipairs(conns) do
    local user = remove_conn(c)
    if user then
      touched(user, ttl)
      if not seen[user] then
        seen[user] = true
        users[#users + 1] = user
      end
    end
  end
  budget = budget - #conns
  if redis.call('SCARD', P .. 'node:' .. n) == 0 then redis.call('SREM', P .. 'dead', n) end
end
local more = 0
if budget <= 0 or redis.call('SCARD', P .. 'dead') > 0 then more = 1 end
return { users, more }
`;

/** A Lua script run by its SHA-1, loaded on first use (and again after a Redis restart). */
class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, 0, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, 0, ...args);
    }
  }
}

const SCRIPTS = {
  apply: new LuaScript(APPLY),
  get: new LuaScript(GET),
  settle: new LuaScript(SETTLE),
  heartbeat: new LuaScript(HEARTBEAT),
  sweep: new LuaScript(SWEEP),
};

type Snapshot = [
  string,
  string,
  string | null,
  string | null,
  string | number | null,
  string[],
  string[],
];

function toRecord(userId: string, s: Snapshot): PresenceRecord {
  const connections: PresenceRecord['connections'] = [];
  for (let i = 0; i + 1 < s[5].length; i += 2)
    connections.push({ connectionId: s[5][i], away: s[5][i + 1] === '1' });
  const calls: PresenceRecord['calls'] = [];
  for (let i = 0; i + 1 < s[6].length; i += 2) {
    const [joinedAt, roomId] = s[6][i + 1].split('\t');
    calls.push({ participantId: s[6][i], roomId: roomId || null, joinedAt: Number(joinedAt) });
  }
  return {
    userId,
    version: Number(s[0]),
    connections,
    calls,
    busy: s[1] === '1',
    statusText: s[2],
    announced: s[3],
    changedAt: s[4] === null ? null : Number(s[4]),
  };
}

/** The most users one read asks Redis about. */
const GET_CHUNK = 500;

/** Options of {@link RedisPresenceStore}. */
export interface RedisPresenceStoreOptions {
  /** This node's name (`NODE_ID`); a random suffix tells this process from an earlier one of that name. */
  nodeId: string;
  /** `REDIS_KEY_PREFIX`. */
  keyPrefix: string;
  /** Renewal and expiry intervals. */
  timing: PresenceTiming;
  /** Where failures of the timers go. */
  logger: Logger;
}

/**
 * Presence in Redis, shared by every node: each node renews itself in a sorted set of deadlines
 * every `heartbeatMs`; every node sweeps every `sweepMs`, and a Lua script takes each connection of
 * an expired node exactly once, so that one survivor announces each change. Membership changes
 * travel over pub/sub on a connection of its own.
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly prefix: string;
  private readonly node: string;
  private readonly timing: PresenceTiming;
  private readonly logger: Logger;
  private readonly messageListeners = new Set<(message: PresenceMessage) => void>();
  private readonly changeListeners = new Set<(userIds: string[]) => void>();
  /** This node's connections, to register them again if the node was taken for dead. */
  private readonly local = new Map<string, { userId: string; away: boolean }>();
  /** Connections whose last change may not have reached Redis: id → user. */
  private readonly unsynced = new Map<string, string>();
  private subscriber: Redis | null = null;
  private timers: NodeJS.Timeout[] = [];
  private registered = false;
  private beating = false;
  private sweeping = false;

  constructor(
    private readonly redis: Redis,
    options: RedisPresenceStoreOptions,
  ) {
    this.prefix = `${options.keyPrefix}presence:`;
    this.node = `${options.nodeId}/${randomBytes(4).toString('hex')}`;
    this.timing = options.timing;
    this.logger = options.logger;
  }

  async apply(userId: string, change: PresenceChange): Promise<PresenceRecord> {
    const conn = change.connectionId;
    if (conn !== undefined) {
      if (change.disconnected) this.local.delete(conn);
      else
        this.local.set(conn, {
          userId,
          away: change.away ?? this.local.get(conn)?.away ?? false,
        });
    }
    const status = change.statusText;
    try {
      const reply = (await SCRIPTS.apply.run(this.redis, [
        this.prefix,
        userId,
        this.node,
        conn ?? '',
        change.away === undefined ? '' : change.away ? '1' : '0',
        change.disconnected ? '1' : '0',
        change.busy === undefined ? '' : change.busy ? '1' : '0',
        status === undefined ? '' : status === null ? 'n' : 's',
        status ?? '',
        change.joined?.participantId ?? '',
        change.joined?.roomId ?? '',
        change.left ?? '',
        OFFLINE_RECORD_TTL_SECONDS,
      ])) as Snapshot;
      if (conn !== undefined) this.unsynced.delete(conn);
      return toRecord(userId, reply);
    } catch (err) {
      // The next heartbeat puts the connection right; the caller reports the failure.
      if (conn !== undefined) this.unsynced.set(conn, userId);
      throw err;
    }
  }

  async get(userIds: readonly string[]): Promise<PresenceRecord[]> {
    const records: PresenceRecord[] = [];
    for (let i = 0; i < userIds.length; i += GET_CHUNK) {
      const chunk = userIds.slice(i, i + GET_CHUNK);
      const reply = (await SCRIPTS.get.run(this.redis, [this.prefix, ...chunk])) as Snapshot[];
      chunk.forEach((id, j) => records.push(toRecord(id, reply[j])));
    }
    return records;
  }

  async settle(userId: string, version: number, announced: string): Promise<number | null> {
    const reply = (await SCRIPTS.settle.run(this.redis, [
      this.prefix,
      userId,
      version,
      announced,
    ])) as number | null;
    return reply === null ? null : Number(reply);
  }

  async publish(message: PresenceMessage): Promise<void> {
    await this.redis.publish(`${this.prefix}events`, JSON.stringify(message));
  }

  onMessage(listener: (message: PresenceMessage) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onUsersChanged(listener: (userIds: string[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  async start(): Promise<void> {
    const subscriber = this.redis.duplicate({ connectionName: 'minimeet-presence-events' });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, raw: string) => {
      const message = parsePresenceMessage(raw);
      if (!message) return;
      for (const listener of this.messageListeners) listener(message);
    });
    // Without a listener, a lost connection would be an uncaught 'error'; it reconnects by itself.
    subscriber.on('error', (err: Error) =>
      this.logger.warn({ err: err.message }, 'presence event subscriber'),
    );
    await subscriber.subscribe(`${this.prefix}events`);
    await this.heartbeat();
    const beat = setInterval(() => void this.heartbeat(), this.timing.heartbeatMs);
    const sweep = setInterval(() => void this.sweep(), this.timing.sweepMs);
    beat.unref();
    sweep.unref();
    this.timers = [beat, sweep];
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  /**
   * Renews this node. If it had been taken for dead meanwhile (a long pause, a lost Redis), or
   * some of its changes failed, registers its connections again.
   */
  private async heartbeat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      const added = await SCRIPTS.heartbeat.run(this.redis, [
        this.prefix,
        this.node,
        this.timing.ttlMs,
      ]);
      if (Number(added) === 1 && this.registered) {
        this.logger.warn(
          { node: this.node },
          'presence: this node was taken for dead; re-registering',
        );
        for (const [conn, { userId }] of this.local) this.unsynced.set(conn, userId);
      }
      this.registered = true;
      await this.resync();
    } catch (err) {
      this.logger.warn({ err }, 'presence heartbeat failed');
    } finally {
      this.beating = false;
    }
  }

  /** Applies again what may not have reached Redis, a bounded number per heartbeat. */
  private async resync(): Promise<void> {
    const affected = new Set<string>();
    let budget = SWEEP_BATCH;
    for (const [conn, userId] of [...this.unsynced]) {
      if (budget-- <= 0) break;
      const mine = this.local.get(conn);
      await this.apply(
        userId,
        mine?.userId === userId
          ? { connectionId: conn, away: mine.away }
          : { connectionId: conn, disconnected: true },
      );
      affected.add(userId);
    }
    this.report([...affected]);
  }

  /** Removes the connections of dead nodes, a bounded number of steps per interval. */
  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (let step = 0; step < SWEEP_STEPS_PER_INTERVAL; step++) {
        const [users, more] = (await SCRIPTS.sweep.run(this.redis, [
          this.prefix,
          SWEEP_BATCH,
          OFFLINE_RECORD_TTL_SECONDS,
        ])) as [string[], number];
        this.report(users);
        if (Number(more) !== 1) break;
      }
    } catch (err) {
      this.logger.warn({ err }, 'presence sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  private report(userIds: string[]): void {
    if (userIds.length === 0) return;
    for (const listener of this.changeListeners) listener(userIds);
  }
}
