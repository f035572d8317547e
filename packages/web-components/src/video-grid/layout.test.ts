import { describe, expect, it } from 'vitest';
import { fitGrid, pageWithKept } from './layout.js';

describe('fitGrid()', () => {
  it('puts two tiles side by side in a wide box and one above the other in a tall one', () => {
    expect(fitGrid(2, 1200, 500, { gap: 0 })).toMatchObject({ columns: 2, rows: 1 });
    expect(fitGrid(2, 390, 700, { gap: 0 })).toMatchObject({ columns: 1, rows: 2 });
  });

  it('makes four tiles a 2 × 2 grid in a 16:9 box, filling it', () => {
    const fit = fitGrid(4, 1600, 900, { gap: 0 });
    expect(fit).toEqual({ columns: 2, rows: 2, tileWidth: 800, tileHeight: 450 });
  });

  it('lets tiles fill their cells within the allowed shapes', () => {
    // Two people on a phone: each gets half the height, not a 16:9 band.
    expect(fitGrid(2, 374, 760, { gap: 8 })).toEqual({
      columns: 1,
      rows: 2,
      tileWidth: 374,
      tileHeight: 376,
    });
    // Two on a laptop: side by side, no narrower than 4:3.
    expect(fitGrid(2, 1264, 720, { gap: 8 })).toEqual({
      columns: 2,
      rows: 1,
      tileWidth: 628,
      tileHeight: 471,
    });
  });

  it('gives nothing for an empty box', () => {
    expect(fitGrid(3, 0, 500).tileWidth).toBe(0);
  });
});

describe('pageWithKept()', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  it('returns the page, swapping the kept item in for the last when it is elsewhere', () => {
    expect(pageWithKept(items, 0, 2)).toEqual(['a', 'b']);
    expect(pageWithKept(items, 0, 2, 'e')).toEqual(['a', 'e']);
    expect(pageWithKept(items, 2, 2, 'a')).toEqual(['e', 'a']);
    expect(pageWithKept(items, 1, 2, 'c')).toEqual(['c', 'd']);
  });
});
