import { describe, expect, it } from 'vitest';
import { DEFAULT_RECONNECT_OPTIONS } from '../defaults.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';

const noJitter: BackoffPolicy = {
  initialDelayMs: 300,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 0,
};

describe('backoffDelay()', () => {
  it('starts at the initial delay and grows by the multiplier', () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, noJitter))).toEqual([
      300, 600, 1200, 2400, 4800,
    ]);
  });

  it('never exceeds the maximum delay, however many attempts', () => {
    expect(backoffDelay(6, noJitter)).toBe(10_000);
    expect(backoffDelay(1_000, noJitter)).toBe(10_000);
  });

  it('jitter shortens a delay by at most its share', () => {
    const policy = { ...noJitter, jitter: 0.5 };
    expect(backoffDelay(1, policy, () => 0)).toBe(600);
    expect(backoffDelay(1, policy, () => 0.999_999)).toBe(300);
    expect(backoffDelay(1, policy, () => 0.5)).toBe(450);
  });

  it('with the defaults, the first retry comes within 150 to 300 ms and later ones within 10 s', () => {
    for (let i = 0; i < 100; i += 1) {
      const first = backoffDelay(0, DEFAULT_RECONNECT_OPTIONS);
      expect(first).toBeGreaterThanOrEqual(150);
      expect(first).toBeLessThanOrEqual(300);
      expect(backoffDelay(50, DEFAULT_RECONNECT_OPTIONS)).toBeLessThanOrEqual(10_000);
    }
  });
});
