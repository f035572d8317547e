import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { REDIS_NOW_LUA } from '../common/redis.js';
import {
  MAX_QUEUED_CHARS,
  MAX_QUEUED_SIGNALS,
  signalWeight,
  type GraceStore,
  type RelayedSignal,
} from './grace-store.js';

//   <p>grace:due                 ZSET "<room>:<participant>" → deadline (Redis server time, ms)
//   <p>grace:q:<room>:<id>       LIST "<weight>:<signal JSON>", oldest first
//   <p>grace:qc:<room>:<id>      total weight of that list
//   <p>grace:resume:<room>:<id>  the token of the resume under way (SET NX PX)
// Deadlines use the Redis server's clock, so nodes whose clocks differ still agree. The queues
// expire a minute after their deadline in case nobody ends them.

const START = `${REDIS_NOW_LUA}
if ARGV[3] == '1' and redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local ttl = tonumber(ARGV[2]) + 60000
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
return 1`;

const HOLD = `${REDIS_NOW_LUA}
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local ttl = tonumber(ARGV[2]) + 60000
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
return 1`;

const ENQUEUE = `${REDIS_NOW_LUA}
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not deadline then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
local chars = redis.call('INCRBY', KEYS[3], ARGV[3])
local len = redis.call('LLEN', KEYS[2])
while len > tonumber(ARGV[4]) or (chars > tonumber(ARGV[5]) and len > 1) do
  local head = redis.call('LPOP', KEYS[2])
  chars = redis.call('DECRBY', KEYS[3], tonumber(string.match(head, '^(%d+):')))
  len = len - 1
end
local ttl = math.max(tonumber(deadline) - now, 0) + 60000
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
return 1`;

const END = `
redis.call('ZREM', KEYS[1], ARGV[1])
local queue = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('DEL', KEYS[2], KEYS[3])
return queue`;

const CLAIM_DUE = `${REDIS_NOW_LUA}
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, m in ipairs(due) do
  redis.call('ZREM', KEYS[1], m)
  redis.call('DEL', ARGV[2] .. 'q:' .. m, ARGV[2] .. 'qc:' .. m)
end
return due`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/** The scripts, as ioredis defines them on the connection. */
interface Scripts {
  minimeetGraceStart(...args: string[]): Promise<number>;
  minimeetGraceHold(...args: string[]): Promise<number>;
  minimeetGraceEnqueue(...args: string[]): Promise<number>;
  minimeetGraceEnd(...args: string[]): Promise<string[]>;
  minimeetGraceClaimDue(...args: string[]): Promise<string[]>;
  minimeetGraceRelease(...args: string[]): Promise<number>;
}

/** Options of {@link RedisGraceStore}. */
export interface RedisGraceStoreOptions {
  /** How often this node looks for ended grace periods; 500 ms by default. */
  sweepMs?: number;
  /** Where a failed sweep is reported. */
  logger?: Logger;
}

// Past this many expiries in one sweep, the rest wait for the next one.
const SWEEP_BATCH = 100;
const SWEEP_BATCHES = 10;

/**
 * {@link GraceStore} in Redis, shared by every node. Each node sweeps the deadlines every
 * `sweepMs` and claims what is due in one script (`ZREM` hands each to exactly one node), so an
 * expiry is announced once, by whichever node gets there first, even if the node that started the
 * period is gone.
 */
export class RedisGraceStore implements GraceStore {
  private readonly scripts: Scripts;
  private readonly due: string;
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: RedisGraceStoreOptions = {},
  ) {
    const define = (name: keyof Scripts, numberOfKeys: number, lua: string) =>
      redis.defineCommand(name, { numberOfKeys, lua });
    define('minimeetGraceStart', 3, START);
    define('minimeetGraceHold', 3, HOLD);
    define('minimeetGraceEnqueue', 3, ENQUEUE);
    define('minimeetGraceEnd', 3, END);
    define('minimeetGraceClaimDue', 1, CLAIM_DUE);
    define('minimeetGraceRelease', 1, RELEASE);
    this.scripts = redis as unknown as Scripts;
    this.due = `${prefix}grace:due`;
  }

  async start(roomId: string, participantId: string, ms: number): Promise<void> {
    await this.scripts.minimeetGraceStart(...this.keys(roomId, participantId), String(ms), '0');
  }

  async ensure(roomId: string, participantId: string, ms: number): Promise<void> {
    await this.scripts.minimeetGraceStart(...this.keys(roomId, participantId), String(ms), '1');
  }

  async enqueue(roomId: string, participantId: string, signal: RelayedSignal): Promise<void> {
    const weight = signalWeight(signal);
    await this.scripts.minimeetGraceEnqueue(
      ...this.keys(roomId, participantId),
      `${weight}:${JSON.stringify(signal)}`,
      String(weight),
      String(MAX_QUEUED_SIGNALS),
      String(MAX_QUEUED_CHARS),
    );
  }

  async hold(roomId: string, participantId: string, ms: number): Promise<void> {
    await this.scripts.minimeetGraceHold(...this.keys(roomId, participantId), String(ms));
  }

  async end(roomId: string, participantId: string): Promise<RelayedSignal[]> {
    const queue = await this.scripts.minimeetGraceEnd(...this.keys(roomId, participantId));
    return queue.map((entry) => JSON.parse(entry.slice(entry.indexOf(':') + 1)) as RelayedSignal);
  }

  async claimResume(roomId: string, participantId: string, ms: number): Promise<string | null> {
    const token = randomBytes(9).toString('base64url');
    const ok = await this.redis.set(this.resumeKey(roomId, participantId), token, 'PX', ms, 'NX');
    return ok === 'OK' ? token : null;
  }

  async releaseResume(roomId: string, participantId: string, token: string): Promise<void> {
    await this.scripts.minimeetGraceRelease(this.resumeKey(roomId, participantId), token);
  }

  watch(onExpired: (roomId: string, participantId: string) => void): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.sweep(onExpired), this.options.sweepMs ?? 500);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sweep(onExpired: (roomId: string, participantId: string) => void): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (let batch = 0; batch < SWEEP_BATCHES && this.timer; batch++) {
        const due = await this.scripts.minimeetGraceClaimDue(
          this.due,
          String(SWEEP_BATCH),
          `${this.prefix}grace:`,
        );
        for (const member of due) {
          const at = member.lastIndexOf(':');
          onExpired(member.slice(0, at), member.slice(at + 1));
        }
        if (due.length < SWEEP_BATCH) break;
      }
    } catch (err) {
      this.options.logger?.warn({ err }, 'sweeping reconnect grace periods failed; retrying');
    } finally {
      this.sweeping = false;
    }
  }

  private keys(roomId: string, participantId: string): [string, string, string, string] {
    const member = `${roomId}:${participantId}`;
    return [
      this.due,
      `${this.prefix}grace:q:${member}`,
      `${this.prefix}grace:qc:${member}`,
      member,
    ];
  }

  private resumeKey(roomId: string, participantId: string): string {
    return `${this.prefix}grace:resume:${roomId}:${participantId}`;
  }
}
