/** The columns, rows and tile size that show `count` tiles as large as possible in a box. */
export interface GridFit {
  /** Columns. */
  readonly columns: number;
  /** Rows. */
  readonly rows: number;
  /** Width of a tile, in CSS pixels. */
  readonly tileWidth: number;
  /** Height of a tile, in CSS pixels. */
  readonly tileHeight: number;
}

/**
 * Finds the grid that gives `count` tiles of `aspect` (width / height) the largest size inside
 * `width` × `height` with `gap` between tiles.
 */
export function fitGrid(
  count: number,
  width: number,
  height: number,
  aspect = 16 / 9,
  gap = 8,
): GridFit {
  let best: GridFit = { columns: 1, rows: 1, tileWidth: 0, tileHeight: 0 };
  if (count <= 0 || width <= 0 || height <= 0) return best;
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    let tileWidth = (width - gap * (columns - 1)) / columns;
    let tileHeight = tileWidth / aspect;
    if (tileHeight * rows + gap * (rows - 1) > height) {
      tileHeight = (height - gap * (rows - 1)) / rows;
      tileWidth = tileHeight * aspect;
    }
    if (tileWidth > best.tileWidth) {
      best = {
        columns,
        rows,
        tileWidth: Math.floor(tileWidth),
        tileHeight: Math.floor(tileHeight),
      };
    }
  }
  return best;
}

/**
 * The items of page `page` (from 0) of `items` split in pages of `size`; when `keep` sits on
 * another page it is added (or swapped in for the last item of a full page), so that the active
 * speaker stays in view.
 */
export function pageWithKept<T>(items: readonly T[], page: number, size: number, keep?: T): T[] {
  const slice = items.slice(page * size, page * size + size);
  if (keep === undefined || slice.includes(keep) || !items.includes(keep) || slice.length === 0) {
    return slice;
  }
  return slice.length < size ? [...slice, keep] : [...slice.slice(0, -1), keep];
}
