import { describe, expect, it } from 'vitest';
import {
  audioMos,
  levelOfScore,
  mosOfR,
  QualityHysteresis,
  videoScore,
  type QualityInput,
  type VideoMeasurement,
} from './QualityScore.js';

describe('audioMos (simplified E-model)', () => {
  it.each([
    // rtt, jitter, loss → MOS range and level
    [20, 2, 0, 4.35, 4.45, 'excellent'],
    [100, 10, 0.01, 4.2, 4.4, 'excellent'],
    [50, 5, 0.03, 4.0, 4.2, 'excellent'],
    [50, 5, 0.06, 3.5, 4.0, 'good'],
    [400, 50, 0, 3.5, 4.0, 'good'],
    [50, 5, 0.15, 2.6, 3.5, 'poor'],
    [50, 5, 0.2, 2.3, 3.0, 'poor'],
    [800, 100, 0.05, 1, 2.5, 'poor'],
    [20, 2, 1, 1, 1.6, 'poor'],
  ] as const)(
    'rtt %d ms, jitter %d ms, loss %d → MOS in [%d, %d], %s',
    (rttMs, jitterMs, lossFraction, min, max, level) => {
      const mos = audioMos({ rttMs, jitterMs, lossFraction });
      expect(mos).toBeGreaterThanOrEqual(min);
      expect(mos).toBeLessThanOrEqual(max);
      expect(levelOfScore(mos)).toBe(level);
    },
  );

  it('falls as loss, jitter or round-trip time rise', () => {
    const base = { rttMs: 50, jitterMs: 5, lossFraction: 0.02 };
    const mos = audioMos(base);
    expect(audioMos({ ...base, lossFraction: 0.05 })).toBeLessThan(mos);
    expect(audioMos({ ...base, jitterMs: 60 })).toBeLessThan(mos);
    expect(audioMos({ ...base, rttMs: 400 })).toBeLessThan(mos);
  });

  it('maps R to MOS as G.107 Annex B does, clamped to 1 and 4.5', () => {
    expect(mosOfR(-5)).toBe(1);
    expect(mosOfR(120)).toBe(4.5);
    expect(mosOfR(93.2)).toBeCloseTo(4.41, 2);
    expect(mosOfR(50)).toBeCloseTo(2.58, 2);
  });
});

describe('videoScore', () => {
  const vga: VideoMeasurement = {
    source: 'camera',
    bitrate: 800_000,
    width: 640,
    height: 480,
    fps: 30,
    lossFraction: 0,
  };

  it.each([
    ['VGA at 800 kbps', 'excellent', vga],
    ['VGA at 300 kbps', 'good', { ...vga, bitrate: 300_000 }],
    ['VGA at 100 kbps', 'poor', { ...vga, bitrate: 100_000 }],
    ['VGA with 2 % loss', 'excellent', { ...vga, lossFraction: 0.02 }],
    ['VGA with 8 % loss', 'good', { ...vga, lossFraction: 0.08 }],
    ['VGA with 20 % loss', 'poor', { ...vga, lossFraction: 0.2 }],
    ['VGA frozen half the time', 'poor', { ...vga, frozenFraction: 0.5 }],
    ['VGA limited by bandwidth', 'good', { ...vga, qualityLimitationReason: 'bandwidth' }],
    ['VGA limited by CPU', 'good', { ...vga, qualityLimitationReason: 'cpu' }],
    ['VGA not limited', 'excellent', { ...vga, qualityLimitationReason: 'none' }],
    ['720p at 800 kbps', 'good', { ...vga, width: 1280, height: 720 }],
    [
      'QVGA at 15 fps and 150 kbps',
      'excellent',
      { ...vga, width: 320, height: 240, fps: 15, bitrate: 150_000 },
    ],
    [
      'a still screen share at 30 kbps',
      'excellent',
      { ...vga, source: 'screen_share', width: 1920, height: 1080, fps: 1, bitrate: 30_000 },
    ],
    [
      'a screen share with 20 % loss',
      'poor',
      { ...vga, source: 'screen_share', width: 1920, height: 1080, lossFraction: 0.2 },
    ],
    ['no video at all', 'poor', { ...vga, bitrate: 0 }],
  ] as const)('%s → %s', (_name, level, measurement) => {
    expect(levelOfScore(videoScore(measurement))).toBe(level);
  });

  it('stays within 1 and 4.5', () => {
    expect(videoScore({ ...vga, bitrate: 50_000_000 })).toBe(4.5);
    expect(videoScore({ ...vga, bitrate: 0, lossFraction: 1, frozenFraction: 1 })).toBe(1);
  });
});

describe('QualityHysteresis', () => {
  const options = { downAfter: 2, upAfter: 3, lostAfter: 2, margin: 0.1 };
  const s = (score: number | undefined, arriving = true): QualityInput => ({ score, arriving });
  const run = (inputs: QualityInput[]) => {
    const h = new QualityHysteresis(options);
    return inputs.map((input) => h.handleSample(input));
  };

  it('takes the first scored sample as it is', () => {
    expect(run([s(undefined), s(3.7)])).toEqual([undefined, 'good']);
  });

  it('does not drop for a single bad sample', () => {
    expect(run([s(4.4), s(2.0), s(4.4), s(4.4)])).toEqual([
      'excellent',
      'excellent',
      'excellent',
      'excellent',
    ]);
  });

  it('drops after two bad samples in a row, to the better of the two', () => {
    expect(run([s(4.4), s(2.0), s(3.7)])).toEqual(['excellent', 'excellent', 'good']);
    expect(run([s(4.4), s(2.0), s(2.2)])).toEqual(['excellent', 'excellent', 'poor']);
  });

  it('rises only after three good samples in a row', () => {
    expect(run([s(2.0), s(4.4), s(4.4), s(2.0), s(4.4), s(4.4), s(4.4)])).toEqual([
      'poor',
      'poor',
      'poor',
      'poor',
      'poor',
      'poor',
      'excellent',
    ]);
  });

  it('ignores scores that hover within the margin of a threshold', () => {
    // 3.95 and 4.05 sit either side of excellent's 4.0, within the 0.1 margin.
    expect(run([s(4.05), s(3.95), s(3.95), s(4.05), s(3.95), s(3.95)])).toEqual(
      Array(6).fill('excellent'),
    );
    expect(run([s(3.95), s(4.05), s(4.05), s(4.05)])).toEqual(Array(4).fill('good'));
  });

  it('is lost after two samples with nothing arriving, and back with the first that brings media', () => {
    expect(
      run([s(4.4), s(undefined, false), s(undefined, false), s(undefined, false), s(3.7)]),
    ).toEqual(['excellent', 'excellent', 'lost', 'lost', 'good']);
  });

  it('does not count a single silent sample towards lost', () => {
    expect(run([s(4.4), s(undefined, false), s(4.4), s(undefined, false), s(4.4)])).toEqual(
      Array(5).fill('excellent'),
    );
  });

  it('keeps its level through samples with nothing to score', () => {
    expect(run([s(3.7), s(undefined), s(undefined)])).toEqual(['good', 'good', 'good']);
  });
});
