import { describe, expect, it } from 'vitest';
import { RequestBudget } from './request-budget.js';

describe('RequestBudget', () => {
  it('allows a burst of the limit, then refills evenly over the window', () => {
    let now = 0;
    const budget = new RequestBudget({ limit: 4, windowMs: 1000 }, () => now);
    expect([1, 2, 3, 4, 5].map(() => budget.take())).toEqual([true, true, true, true, false]);
    now = 250;
    expect([budget.take(), budget.take()]).toEqual([true, false]);
    now = 10_000;
    expect(Array.from({ length: 5 }, () => budget.take())).toEqual([true, true, true, true, false]);
  });
});
