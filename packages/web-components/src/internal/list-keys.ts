/**
 * Where the arrow, Home and End keys move focus in a vertical list (a roving focus, as the ARIA
 * practices describe it): the index of the row to focus from `index` of `count` rows, or
 * `undefined` for any other key. `wrap` goes round at either end, as a menu does; a list stops.
 */
export function listKeyTarget(
  key: string,
  index: number,
  count: number,
  wrap = false,
): number | undefined {
  if (count === 0) return undefined;
  switch (key) {
    case 'ArrowDown':
      return wrap ? (index + 1) % count : Math.min(index + 1, count - 1);
    case 'ArrowUp':
      return wrap ? (index - 1 + count) % count : Math.max(index - 1, 0);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}
