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

/** How tiles may be shaped: the range of width / height they may take, and the gap. */
export interface GridShape {
  /** Narrowest tile (width / height); 4/3 in a landscape box, 3/4 in a portrait one. */
  readonly minAspect?: number;
  /** Widest tile (width / height); 2 in a landscape box, 16/9 in a portrait one. */
  readonly maxAspect?: number;
  /** Space between tiles, in CSS pixels (8). */
  readonly gap?: number;
}

/**
 * Finds the columns and rows that give `count` tiles the largest area inside `width` ×
 * `height`: each tile fills its cell, but no narrower or wider than the shape allows (the video
 * inside is cropped to fit, so tiles use the space instead of leaving bands around 16:9).
 */
export function fitGrid(
  count: number,
  width: number,
  height: number,
  shape: GridShape = {},
): GridFit {
  const landscape = width >= height;
  const minAspect = shape.minAspect ?? (landscape ? 4 / 3 : 3 / 4);
  const maxAspect = shape.maxAspect ?? (landscape ? 2 : 16 / 9);
  const gap = shape.gap ?? 8;
  let best: GridFit = { columns: 1, rows: 1, tileWidth: 0, tileHeight: 0 };
  if (count <= 0 || width <= 0 || height <= 0) return best;
  let bestArea = 0;
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    if (cellWidth <= 0 || cellHeight <= 0) continue;
    let tileWidth = cellWidth;
    let tileHeight = cellHeight;
    if (cellWidth / cellHeight > maxAspect) tileWidth = cellHeight * maxAspect;
    else if (cellWidth / cellHeight < minAspect) tileHeight = cellWidth / minAspect;
    const area = tileWidth * tileHeight;
    if (area > bestArea) {
      bestArea = area;
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
