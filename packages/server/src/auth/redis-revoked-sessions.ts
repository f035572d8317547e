import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  RevokedSessionMap,
  SESSION_END_CAUSES,
  type RevokedSessionStore,
  type SessionEndCause,
  type SessionRevocation,
} from './revoked-sessions.js';

/*
 * Keys, under `<REDIS_KEY_PREFIX>session:`:
 *   revoked:<sid>   STRING "<cause>:<user id>", expiring with the entry (PX)
 *   revoked         ZSET   sid → expiry (epoch ms): what a node loads when it (re)subscribes
 *   revocations     pub/sub channel: one JSON message per revocation
 * A revocation writes both keys and publishes in one script, so a node that subscribes and then
 * reads the ZSET misses none: a revocation is either in what it reads or in what it hears.
 *
 * Cost per request. Every REST request and handshake with an access token asks `check()`. Once
 * the node has subscribed and loaded the ZSET ("synced"), the answer is a lookup in this
 * process's map: no Redis round trip. The map stays correct because every revocation is
 * published, and Redis pushes a message to every subscriber before it answers the PUBLISH, that
 * is before the revoking request is answered: a request sent after a logout has been answered
 * reaches a node that has already been handed the message (it could only be processed after that
 * request if both were read in the same turn of that node's event loop, a window of
 * microseconds). A node that lost its subscription (Redis restarted, a network cut) is not
 * synced until it has subscribed again and reloaded: meanwhile every unknown session costs one
 * GET, which is correct whatever was missed, and it fails (the request is refused as an internal
 * error) rather than letting a token through when Redis cannot be asked at all.
 */

// One revocation, in one step: a key per session (the first cause wins), the ZSET entries, the
// ZSET's own expiry moved to the latest entry (never earlier: nodes may disagree on the TTL), and
// the message. KEYS[1] is the ZSET; ARGV: key prefix, value, ttl ms, expiry ms, now ms, channel,
// message, then the session ids. Plain commands only, so that Redis 6.2 runs it.
const REVOKE = `
local zset = KEYS[1]
local ttl, expires, now = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
for i = 8, #ARGV do
  redis.call('SET', ARGV[1] .. ARGV[i], ARGV[2], 'PX', ttl, 'NX')
  redis.call('ZADD', zset, 'NX', expires, ARGV[i])
end
redis.call('ZREMRANGEBYSCORE', zset, '-inf', now)
if redis.call('PTTL', zset) < expires - now then redis.call('PEXPIRE', zset, expires - now) end
redis.call('PUBLISH', ARGV[6], ARGV[7])
return 1`;

/** The script, as ioredis defines it on the connection. */
interface Scripts {
  minimeetRevokeSessions(zset: string, ...args: Array<string | number>): Promise<number>;
}

/** What travels on the channel. */
interface RevocationMessage extends SessionRevocation {
  /** The store instance that made it; it has already applied it and told its listeners. */
  origin: string;
}

const isCause = (value: unknown): value is SessionEndCause =>
  SESSION_END_CAUSES.includes(value as SessionEndCause);

function parseMessage(raw: string): RevocationMessage | null {
  try {
    const m = JSON.parse(raw) as Partial<RevocationMessage>;
    if (
      typeof m.origin === 'string' &&
      typeof m.userId === 'string' &&
      typeof m.expiresAt === 'number' &&
      isCause(m.cause) &&
      Array.isArray(m.sessionIds) &&
      m.sessionIds.every((id) => typeof id === 'string')
    ) {
      return m as RevocationMessage;
    }
  } catch {
    // Not ours; ignored below.
  }
  return null;
}

// A failed (re)load is tried again after this long; meanwhile checks ask Redis.
const RESYNC_RETRY_MS = 1000;
// Entries read back per MGET while loading.
const LOAD_CHUNK = 500;

/**
 * {@link RevokedSessionStore} in Redis, shared by every node, with a local copy kept current by
 * pub/sub (see the comment at the top of this file for why that is both cheap and correct).
 */
export class RedisRevokedSessionStore implements RevokedSessionStore {
  private readonly local = new RevokedSessionMap();
  private readonly listeners = new Set<(revocation: SessionRevocation) => void>();
  private readonly origin = randomBytes(8).toString('hex');
  private readonly prefix: string;
  private readonly nodeId: string;
  private readonly logger: Logger;
  private readonly zset: string;
  private readonly entryPrefix: string;
  private readonly channel: string;
  private subscriber: Redis | null = null;
  private live = false;
  /** Grows whenever the subscription is lost, so that a load begun before knows it is stale. */
  private epoch = 0;
  private resyncing = false;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    options: {
      /** `REDIS_KEY_PREFIX`. */
      keyPrefix: string;
      /** This node's id; it names the subscriber's connection (`CLIENT LIST`). */
      nodeId: string;
      logger: Logger;
    },
  ) {
    this.prefix = options.keyPrefix;
    this.nodeId = options.nodeId;
    this.logger = options.logger;
    const prefix = this.prefix;
    this.zset = `${prefix}session:revoked`;
    this.entryPrefix = `${prefix}session:revoked:`;
    this.channel = `${prefix}session:revocations`;
    redis.defineCommand('minimeetRevokeSessions', { numberOfKeys: 1, lua: REVOKE });
  }

  /**
   * Whether the local copy is complete: subscribed, and everything revoked before the
   * subscription loaded. While it is not, every check of an unknown session asks Redis.
   */
  get synced(): boolean {
    return this.live;
  }

  async revoke(revocation: SessionRevocation): Promise<void> {
    const now = Date.now();
    const ttlMs = revocation.expiresAt - now;
    if (ttlMs <= 0 || revocation.sessionIds.length === 0) return;
    this.local.add(revocation, now);
    this.tell(revocation);
    const message: RevocationMessage = { ...revocation, origin: this.origin };
    await (this.redis as unknown as Scripts).minimeetRevokeSessions(
      this.zset,
      this.entryPrefix,
      `${revocation.cause}:${revocation.userId}`,
      ttlMs,
      revocation.expiresAt,
      now,
      this.channel,
      JSON.stringify(message),
      ...revocation.sessionIds,
    );
  }

  async check(sessionId: string): Promise<SessionEndCause | null> {
    const known = this.local.get(sessionId);
    if (known || this.live) return known;
    const value = await this.redis.get(this.key(sessionId));
    const cause = value?.slice(0, value.indexOf(':'));
    return isCause(cause) ? cause : null;
  }

  onRevoked(listener: (revocation: SessionRevocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    const subscriber = this.redis.duplicate({
      connectionName: `minimeet-sessions-${this.nodeId}`,
    });
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      const message = parseMessage(raw);
      if (!message) {
        this.logger.warn('sessions: ignored a malformed revocation message');
        return;
      }
      if (message.origin === this.origin) return;
      const { origin: _origin, ...revocation } = message;
      this.local.add(revocation);
      this.tell(revocation);
    });
    subscriber.on('close', () => {
      this.live = false;
      this.epoch += 1;
    });
    subscriber.on('ready', () => {
      if (!this.resyncing) void this.resync();
    });
    // Without a listener, a lost connection would be an uncaught 'error'; it reconnects by itself.
    subscriber.on('error', (err: Error) =>
      this.logger.warn({ err: err.message }, 'sessions: revocation subscriber'),
    );
    await this.resync();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = null;
    this.live = false;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  /** Subscribes (again), then loads every revocation still in force. */
  private async resync(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber || this.closed) return;
    this.resyncing = true;
    const epoch = this.epoch;
    try {
      // Already subscribed (or re-subscribed by ioredis): the answer marks the point from which
      // every message reaches this node.
      await subscriber.subscribe(this.channel);
      await this.load();
      if (epoch === this.epoch && subscriber.status === 'ready') this.live = true;
    } catch (err) {
      this.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'sessions: loading the revoked sessions failed; asking Redis on every check meanwhile',
      );
    } finally {
      this.resyncing = false;
    }
    // The subscription was lost while loading, or the load failed: go again.
    if (!this.live && !this.closed) {
      clearTimeout(this.retry);
      this.retry = setTimeout(() => {
        if (!this.resyncing && !this.live) void this.resync();
      }, RESYNC_RETRY_MS);
      this.retry.unref();
    }
  }

  /** Reads every entry of the ZSET not yet expired; tells the listeners about those not known. */
  private async load(): Promise<void> {
    const now = Date.now();
    const flat = await this.redis.zrangebyscore(this.zset, now, '+inf', 'WITHSCORES');
    const groups = new Map<string, SessionRevocation>();
    for (let i = 0; i + 1 < flat.length; i += 2 * LOAD_CHUNK) {
      const chunk: Array<{ sessionId: string; expiresAt: number }> = [];
      for (let j = i; j + 1 < flat.length && j < i + 2 * LOAD_CHUNK; j += 2)
        chunk.push({ sessionId: flat[j], expiresAt: Number(flat[j + 1]) });
      const values = await this.redis.mget(chunk.map((c) => this.key(c.sessionId)));
      chunk.forEach(({ sessionId, expiresAt }, k) => {
        const value = values[k];
        if (!value) return;
        const colon = value.indexOf(':');
        const cause = value.slice(0, colon);
        const userId = value.slice(colon + 1);
        if (!isCause(cause)) return;
        const revocation = { sessionIds: [sessionId], userId, cause, expiresAt };
        if (this.local.add(revocation, now).length === 0) return;
        const group = `${cause}:${userId}`;
        const known = groups.get(group);
        if (known) {
          known.sessionIds.push(sessionId);
          known.expiresAt = Math.max(known.expiresAt, expiresAt);
        } else groups.set(group, revocation);
      });
    }
    for (const revocation of groups.values()) this.tell(revocation);
  }

  private tell(revocation: SessionRevocation): void {
    for (const listener of this.listeners) listener(revocation);
  }

  private key(sessionId: string): string {
    return `${this.entryPrefix}${sessionId}`;
  }
}
