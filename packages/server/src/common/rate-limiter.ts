import { Injectable } from '@nestjs/common';
import type { RateLimitRule } from '../config/config.js';

/** The verdict of one attempt against a limit. */
export interface RateLimitResult {
  allowed: boolean;
  /** Attempts left in this window. */
  remaining: number;
  /** Milliseconds until the window resets. */
  retryAfterMs: number;
}

/**
 * Port for rate-limit counters. The in-process adapter serves one node; the Redis adapter
 * (`redis-rate-limiter.ts`, chosen when `REDIS_URL` is set) makes limits hold across nodes.
 */
export interface RateLimiter {
  /** Counts one attempt under `key` and says whether it is within `rule`. */
  consume(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
  /** Forgets the attempts under `key` (after a successful login, for instance). */
  reset(key: string): Promise<void>;
}

/** DI token of the {@link RateLimiter} port. */
export const RATE_LIMITER = Symbol('RATE_LIMITER');

/** In-process fixed-window counters, with expired windows swept so memory stays bounded. */
@Injectable()
export class InMemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private lastSweep = Date.now();

  consume(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    const now = Date.now();
    this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + rule.windowMs };
      this.windows.set(key, w);
    }
    w.count += 1;
    const allowed = w.count <= rule.limit;
    return Promise.resolve({
      allowed,
      remaining: Math.max(0, rule.limit - w.count),
      retryAfterMs: w.resetAt - now,
    });
  }

  reset(key: string): Promise<void> {
    this.windows.delete(key);
    return Promise.resolve();
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }
}
