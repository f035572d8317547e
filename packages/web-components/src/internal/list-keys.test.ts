import { describe, expect, it } from 'vitest';
import { listKeyTarget } from './list-keys.js';

describe('listKeyTarget', () => {
  it('moves one row with the arrows and stops at the ends of a list', () => {
    expect(listKeyTarget('ArrowDown', 1, 4)).toBe(2);
    expect(listKeyTarget('ArrowUp', 1, 4)).toBe(0);
    expect(listKeyTarget('ArrowDown', 3, 4)).toBe(3);
    expect(listKeyTarget('ArrowUp', 0, 4)).toBe(0);
  });

  it('goes round at the ends of a menu', () => {
    expect(listKeyTarget('ArrowDown', 3, 4, true)).toBe(0);
    expect(listKeyTarget('ArrowUp', 0, 4, true)).toBe(3);
  });

  it('jumps to the first and last rows with Home and End', () => {
    expect(listKeyTarget('Home', 2, 4)).toBe(0);
    expect(listKeyTarget('End', 0, 4)).toBe(3);
  });

  it('leaves every other key, and an empty list, alone', () => {
    expect(listKeyTarget('Enter', 1, 4)).toBeUndefined();
    expect(listKeyTarget('a', 1, 4)).toBeUndefined();
    expect(listKeyTarget('ArrowDown', 0, 0)).toBeUndefined();
  });
});
