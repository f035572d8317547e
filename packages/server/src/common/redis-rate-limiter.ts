import type { Redis } from 'ioredis';
import type { RateLimitRule } from '../config/config.js';
import type { RateLimiter, RateLimitResult } from './rate-limiter.js';

// Fixed windows, as in process: the first attempt of a window starts its clock. The count and
// the expiry are set in one script, so a window can never be left without an expiry.
const CONSUME = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

/** The script, as ioredis defines it on the connection. */
interface Scripts {
  minimeetRateLimit(key: string, windowMs: number): Promise<[number, number]>;
}

/**
 * {@link RateLimiter} in Redis: one counter per key and window, shared by every node, so that a
 * limit holds however the load balancer spreads the attempts.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly scripts: Scripts;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('minimeetRateLimit', { numberOfKeys: 1, lua: CONSUME });
    this.scripts = redis as unknown as Scripts;
  }

  async consume(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    const [count, ttl] = await this.scripts.minimeetRateLimit(this.keyOf(key), rule.windowMs);
    return {
      allowed: count <= rule.limit,
      remaining: Math.max(0, rule.limit - count),
      retryAfterMs: ttl,
    };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.keyOf(key));
  }

  private keyOf(key: string): string {
    return `${this.prefix}rl:${key}`;
  }
}
