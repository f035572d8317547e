import { describe, expect, it } from 'vitest';
import {
  cameraEncodings,
  HIDDEN_VIEW,
  layerDimensions,
  mergeViews,
  sourceDimensions,
  spatialLayerFor,
} from './layers.js';

const HD = { width: 1280, height: 720 };

describe('spatialLayerFor', () => {
  it('picks the lowest layer for a thumbnail, the middle for a tile, the top for a stage', () => {
    expect(spatialLayerFor({ width: 320, height: 180 }, HD, 3)).toBe(0);
    expect(spatialLayerFor({ width: 640, height: 360 }, HD, 3)).toBe(1);
    expect(spatialLayerFor({ width: 1280, height: 720 }, HD, 3)).toBe(2);
  });

  it('moves up a layer once the element is clearly larger than the layer, not at the first pixel', () => {
    expect(spatialLayerFor({ width: 340, height: 191 }, HD, 3)).toBe(0);
    expect(spatialLayerFor({ width: 400, height: 225 }, HD, 3)).toBe(1);
  });

  it('fits the video inside the element: a tall narrow element needs only its width', () => {
    // 320 wide and very tall: the 16:9 video is 320 wide inside it.
    expect(spatialLayerFor({ width: 320, height: 1000 }, HD, 3)).toBe(0);
    // Very wide and 180 tall: the video is 320 wide inside it.
    expect(spatialLayerFor({ width: 2000, height: 180 }, HD, 3)).toBe(0);
  });

  it('asks for the top layer when the element is larger than the source', () => {
    expect(spatialLayerFor({ width: 3840, height: 2160 }, HD, 3)).toBe(2);
  });

  it('has only layer 0 to give when the sender sends one layer, or the source is unknown', () => {
    expect(spatialLayerFor({ width: 1920, height: 1080 }, HD, 1)).toBe(0);
    expect(spatialLayerFor({ width: 1920, height: 1080 }, { width: 0, height: 0 }, 3)).toBe(0);
  });

  it('follows the fake camera (640x480): 160x120, 320x240, 640x480', () => {
    const vga = { width: 640, height: 480 };
    expect(spatialLayerFor({ width: 160, height: 120 }, vga, 3)).toBe(0);
    expect(spatialLayerFor({ width: 320, height: 240 }, vga, 3)).toBe(1);
    expect(spatialLayerFor({ width: 640, height: 480 }, vga, 3)).toBe(2);
  });
});

describe('layer and source dimensions', () => {
  it('halves the source per layer below the top', () => {
    expect(layerDimensions(HD, 0, 3)).toEqual({ width: 320, height: 180 });
    expect(layerDimensions(HD, 2, 3)).toEqual(HD);
  });

  it('recovers the source from a frame of a known layer', () => {
    expect(sourceDimensions({ width: 320, height: 180 }, 0, 3)).toEqual(HD);
    expect(sourceDimensions({ width: 640, height: 360 }, 1, 3)).toEqual(HD);
  });
});

describe('mergeViews', () => {
  it('is hidden without a visible element of some size', () => {
    expect(mergeViews([])).toEqual(HIDDEN_VIEW);
    expect(mergeViews([{ visible: false, width: 640, height: 360 }])).toEqual(HIDDEN_VIEW);
    expect(mergeViews([{ visible: true, width: 0, height: 0 }])).toEqual(HIDDEN_VIEW);
  });

  it('takes the largest of the visible elements in each dimension', () => {
    expect(
      mergeViews([
        { visible: true, width: 320, height: 400 },
        { visible: true, width: 640, height: 200 },
        { visible: false, width: 1920, height: 1080 },
      ]),
    ).toEqual({ visible: true, width: 640, height: 400 });
  });
});

describe('cameraEncodings', () => {
  it('sends three layers from 960x540: a quarter, a half and the whole, a quarter of the bits each step', () => {
    expect(cameraEncodings(1280, 720, 30)).toEqual([
      { scaleResolutionDownBy: 4, maxBitrate: 138_240, scalabilityMode: 'L1T3' },
      { scaleResolutionDownBy: 2, maxBitrate: 552_960, scalabilityMode: 'L1T3' },
      { scaleResolutionDownBy: 1, maxBitrate: 2_211_840, scalabilityMode: 'L1T3' },
    ]);
  });

  it('sends as many layers as Chromium will for the size: two for 640x480, one for 320x240', () => {
    expect(cameraEncodings(640, 480, 30)).toEqual([
      { scaleResolutionDownBy: 2, maxBitrate: 184_320, scalabilityMode: 'L1T3' },
      { scaleResolutionDownBy: 1, maxBitrate: 737_280, scalabilityMode: 'L1T3' },
    ]);
    expect(cameraEncodings(320, 240, 30).map((e) => e.scaleResolutionDownBy)).toEqual([1]);
  });

  it('fits the layers of the default capture in a first estimate of 1 Mbps', () => {
    const total = cameraEncodings(640, 480, 30).reduce((sum, e) => sum + e.maxBitrate, 0);
    expect(total).toBeLessThan(1_000_000);
  });

  it('bounds the top layer for tiny and huge captures, and the lowest from below', () => {
    expect(cameraEncodings(160, 120, 15).map((e) => e.maxBitrate)).toEqual([200_000]);
    expect(cameraEncodings(3840, 2160, 60).map((e) => e.maxBitrate)).toEqual([
      156_250, 625_000, 2_500_000,
    ]);
    expect(cameraEncodings(960, 540, 5)[0].maxBitrate).toBe(40_000);
  });
});
