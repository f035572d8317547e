import { afterAll, describe, expect, it } from 'vitest';
import { testRedis } from '../test/cluster.js';
import { waitUntil } from '../test/harness.js';
import { InMemoryRateLimiter, type RateLimiter } from './rate-limiter.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';

const redis = testRedis('rate-limiter');
const PREFIX = redis.prefix;
const connection = redis.connection;
let n = 0;

afterAll(() => redis.close());

const adapters: Array<{ name: string; make: () => RateLimiter }> = [
  { name: 'InMemoryRateLimiter', make: () => new InMemoryRateLimiter() },
  { name: 'RedisRateLimiter', make: () => new RedisRateLimiter(connection(), `${PREFIX}${++n}:`) },
];

describe.each(adapters)('$name (the RateLimiter contract)', ({ make }) => {
  it('allows the limit within a window, then refuses with the time left', async () => {
    const limiter = make();
    const rule = { limit: 3, windowMs: 60_000 };
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await limiter.consume('k', rule));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0, 0]);
    for (const r of results) {
      expect(r.retryAfterMs).toBeGreaterThan(55_000);
      expect(r.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
  });

  it('counts keys apart, and forgets a key that is reset', async () => {
    const limiter = make();
    const rule = { limit: 1, windowMs: 60_000 };
    expect((await limiter.consume('a', rule)).allowed).toBe(true);
    expect((await limiter.consume('b', rule)).allowed).toBe(true);
    expect((await limiter.consume('a', rule)).allowed).toBe(false);
    await limiter.reset('a');
    expect((await limiter.consume('a', rule)).allowed).toBe(true);
    expect((await limiter.consume('b', rule)).allowed).toBe(false);
  });

  it('starts a new window once the old one is over', async () => {
    const limiter = make();
    const rule = { limit: 1, windowMs: 200 };
    const first = await limiter.consume('w', rule);
    expect(first.allowed).toBe(true);
    const refused = await limiter.consume('w', rule);
    expect(refused.allowed).toBe(false);
    const resetAt = Date.now() + refused.retryAfterMs;
    await waitUntil('the window to be over', () => Date.now() > resetAt + 5);
    expect(await limiter.consume('w', rule)).toMatchObject({ allowed: true, remaining: 0 });
  });
});

describe('RedisRateLimiter across nodes', () => {
  it('holds one limit however the attempts are spread over the nodes', async () => {
    const prefix = `${PREFIX}shared:`;
    const nodes = [connection(), connection()].map((redis) => new RedisRateLimiter(redis, prefix));
    const rule = { limit: 5, windowMs: 60_000 };
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => nodes[i % 2].consume('connect:1.2.3.4', rule)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });
});
