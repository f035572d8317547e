/** A width and a height in pixels. */
export interface VideoDimensions {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** How a remote video is shown now: whether anyone can see it, and at most how large. */
export interface VideoView extends VideoDimensions {
  /** Whether the video shows anywhere: an element on screen, or dimensions the app set. */
  visible: boolean;
}

/** A view that shows nothing: no element, or none on screen. */
export const HIDDEN_VIEW: VideoView = Object.freeze({ visible: false, width: 0, height: 0 });

// A layer a little smaller than the element still looks right once scaled up; without this
// slack, an element of 322 pixels would ask for twice the pixels of one of 320.
const SLACK = 0.85;

/**
 * Folds the views of several elements that play one track into one: visible when any is, as large
 * as the largest (in each dimension) of those visible.
 */
export function mergeViews(views: readonly VideoView[]): VideoView {
  const shown = views.filter((v) => v.visible && v.width > 0 && v.height > 0);
  if (shown.length === 0) return HIDDEN_VIEW;
  return {
    visible: true,
    width: Math.max(...shown.map((v) => v.width)),
    height: Math.max(...shown.map((v) => v.height)),
  };
}

// How much smaller than the top layer spatial layer `layer` of `layerCount` is.
const scaleOf = (layer: number, layerCount: number, step: number): number =>
  step ** (layerCount - 1 - layer);

/**
 * The resolution of spatial layer `layer` of `layerCount`, when each layer below the top one
 * halves (`step` 2, as the camera's simulcast encodings are scaled 4/2/1) the source.
 */
export function layerDimensions(
  source: VideoDimensions,
  layer: number,
  layerCount: number,
  step = 2,
): VideoDimensions {
  const scale = scaleOf(layer, layerCount, step);
  return { width: source.width / scale, height: source.height / scale };
}

/**
 * The size of the source (the top layer) from a frame of layer `layer` received now: a receiver
 * knows only what it decodes, and which layer that is.
 */
export function sourceDimensions(
  received: VideoDimensions,
  layer: number,
  layerCount: number,
  step = 2,
): VideoDimensions {
  const scale = scaleOf(layer, layerCount, step);
  return { width: received.width * scale, height: received.height * scale };
}

/** Whether two views are the same. */
export function sameView(a: VideoView, b: VideoView): boolean {
  return a.visible === b.visible && a.width === b.width && a.height === b.height;
}

/**
 * The lowest spatial layer that fills `view` (in device pixels) with the video fitted inside it
 * (`object-fit: contain`, the default of a `<video>`), or the top layer when none does.
 */
export function spatialLayerFor(
  view: VideoDimensions,
  source: VideoDimensions,
  layerCount: number,
  step = 2,
): number {
  if (layerCount <= 1 || source.width <= 0 || source.height <= 0) return 0;
  // The video keeps its aspect ratio inside the element, so it is as wide as the tighter side allows.
  const fit = Math.min(view.width / source.width, view.height / source.height);
  const needed = source.width * fit * SLACK;
  for (let layer = 0; layer < layerCount - 1; layer += 1) {
    if (layerDimensions(source, layer, layerCount, step).width >= needed) return layer;
  }
  return layerCount - 1;
}

/** One simulcast layer as the sender encodes it. */
export interface SimulcastEncoding {
  /** How much smaller than the capture the layer is. */
  scaleResolutionDownBy: number;
  /** Its bitrate ceiling in bps. */
  maxBitrate: number;
  /** Spatial and temporal layers (`L1T3`: one spatial, three temporal). */
  scalabilityMode: string;
}

/**
 * The camera's simulcast: up to three layers, a quarter, a half and the full capture size, each
 * with three temporal layers (so the SFU can also thin the frame rate of a receiver that cannot
 * take more). Chromium sends no more layers than the capture's size allows (three from 960x540,
 * two from 480x270, else one), so no more are asked for: the SFU would count on a layer that never
 * comes.
 */
export const CAMERA_SCALES: readonly number[] = [4, 2, 1];

// Chromium's simulcast limits: the fewest pixels for three and for two layers.
const PIXELS_FOR_LAYERS: readonly [number, number][] = [
  [960 * 540, 3],
  [480 * 270, 2],
];

// Bits per pixel for VP8 at the top layer: about 740 kbps for 640x480 at 30 fps, 2.2 Mbps for
// 1280x720; each layer below has a quarter of the pixels and gets a quarter of the bits.
const BITS_PER_PIXEL = 0.08;
const TOP_BITRATE = { min: 200_000, max: 2_500_000 };
const LOW_BITRATE_FLOOR = 40_000;

/**
 * The camera's encodings for a capture of `width`x`height` at `frameRate`, lowest layer first.
 * At the default 640x480 the layers fit in the browser's first bandwidth estimate (1 Mbps), so
 * that every layer is sent from the start rather than once the estimate has grown.
 */
export function cameraEncodings(
  width: number,
  height: number,
  frameRate: number,
): SimulcastEncoding[] {
  const pixels = width * height;
  const layers = PIXELS_FOR_LAYERS.find(([least]) => pixels >= least)?.[1] ?? 1;
  const top = Math.min(
    TOP_BITRATE.max,
    Math.max(TOP_BITRATE.min, Math.round(pixels * frameRate * BITS_PER_PIXEL)),
  );
  return CAMERA_SCALES.slice(-layers).map((scale) => ({
    scaleResolutionDownBy: scale,
    maxBitrate: Math.max(LOW_BITRATE_FLOOR, Math.round(top / (scale * scale))),
    scalabilityMode: 'L1T3',
  }));
}
