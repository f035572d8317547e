import type { RateLimitRule } from '../config/config.js';

/**
 * A token bucket for the requests of one connection. It lives with the socket, on the node that
 * holds it, so it needs no shared store: `limit` requests at once, refilled evenly over `windowMs`.
 */
export class RequestBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rule: RateLimitRule,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = rule.limit;
    this.last = now();
  }

  /** Spends one request; false when the connection is over its budget. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(
      this.rule.limit,
      this.tokens + ((t - this.last) * this.rule.limit) / this.rule.windowMs,
    );
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
