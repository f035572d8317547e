import { describe, expect, it } from 'vitest';
import { searchParams } from './MessageSearch.js';

describe('searchParams()', () => {
  it('puts the query and the options given in the query string, times in ISO 8601', () => {
    const params = searchParams('meet* "next week"', {
      roomId: 'standup',
      senderId: 'u1',
      from: new Date('2026-01-01T00:00:00Z'),
      to: '2026-02-01T00:00:00+01:00',
      sort: 'relevance',
      limit: 10,
      cursor: 'abc',
    });
    expect(Object.fromEntries(params)).toEqual({
      q: 'meet* "next week"',
      roomId: 'standup',
      senderId: 'u1',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-31T23:00:00.000Z',
      sort: 'relevance',
      limit: '10',
      cursor: 'abc',
    });
  });

  it('leaves out the options not given', () => {
    expect(searchParams('hello', {}).toString()).toBe('q=hello');
  });

  it('throws TypeError naming the option on a bad value', () => {
    expect(() => searchParams(42 as never, {})).toThrow(/query/);
    expect(() => searchParams('x', { limit: 0 })).toThrow(/limit/);
    expect(() => searchParams('x', { limit: 101 })).toThrow(/limit/);
    expect(() => searchParams('x', { sort: 'oldest' as never })).toThrow(/sort/);
    expect(() => searchParams('x', { from: 'yesterday' })).toThrow(/from/);
    expect(() => searchParams('x', { roomId: '' })).toThrow(/roomId/);
  });
});
