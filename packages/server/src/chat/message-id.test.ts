import { describe, expect, it } from 'vitest';
import { chatMessageIdSchema } from '@minimeet/protocol/schemas';
import { generateMessageId } from './chat.service.js';

describe('generateMessageId', () => {
  it('makes valid ids that sort in time order and differ within one millisecond', () => {
    const times = [0, 1, 63, 64, 1_700_000_000_000, 1_700_000_000_001, 2 ** 47];
    const ids = times.map((t) => generateMessageId(t));
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(chatMessageIdSchema.safeParse(id).success).toBe(true);
    const same = new Set(Array.from({ length: 2000 }, () => generateMessageId(42)));
    expect(same.size).toBe(2000);
  });
});
