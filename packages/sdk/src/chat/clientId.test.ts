import { describe, expect, it } from 'vitest';
import { createClientId } from './clientId.js';

describe('createClientId', () => {
  it('makes ids that sort in time order and differ within one millisecond', () => {
    const times = [0, 1, 63, 64, 1_700_000_000_000, 1_700_000_000_001, 2 ** 47];
    const ids = times.map((t) => createClientId(t));
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const same = new Set(Array.from({ length: 1000 }, () => createClientId(42)));
    expect(same.size).toBe(1000);
  });
});
