import { describe, expect, it } from 'vitest';
import {
  QUALITY_REPORT_MAX_SAMPLES,
  QUALITY_SAMPLE_MAX_LEGS,
  type QualityLeg,
  type QualitySample,
} from './quality.js';
import { joinRoomPayloadSchema, qualityReportPayloadSchema } from './schemas.js';

const PEER = 'pa_abcdefgh1234';

const inboundVideo: QualityLeg = {
  direction: 'inbound',
  kind: 'video',
  source: 'camera',
  peer: PEER,
  bitrate: 812_345,
  packets: 402,
  packetsLost: 3,
  jitterMs: 4,
  rttMs: 31,
  fps: 29.8,
  width: 640,
  height: 480,
  freezeCount: 0,
  freezeMs: 0,
  relayed: false,
};

const sample = (legs: QualityLeg[]): QualitySample => ({
  at: 1_796_000_000_000,
  intervalMs: 5000,
  level: 'excellent',
  mos: 4.38,
  legs,
});

describe('quality_report schema', () => {
  it('accepts a batch of samples with inbound and outbound legs', () => {
    const payload = {
      roomId: 'team-standup',
      samples: [
        sample([
          inboundVideo,
          {
            direction: 'outbound',
            kind: 'audio',
            source: 'microphone',
            peer: PEER,
            bitrate: 32_000,
            packets: 250,
            packetsLost: 0,
            jitterMs: 1,
            rttMs: 30,
            mos: 4.4,
          },
        ]),
        sample([]),
      ],
    };
    expect(qualityReportPayloadSchema.parse(payload)).toEqual(payload);
  });

  it.each([
    ['no samples', { roomId: 'r1', samples: [] }],
    [
      'too many samples',
      {
        roomId: 'r1',
        samples: Array.from({ length: QUALITY_REPORT_MAX_SAMPLES + 1 }, () => sample([])),
      },
    ],
    [
      'too many legs',
      {
        roomId: 'r1',
        samples: [sample(Array.from({ length: QUALITY_SAMPLE_MAX_LEGS + 1 }, () => inboundVideo))],
      },
    ],
    ['an unknown field', { roomId: 'r1', samples: [{ ...sample([]), extra: 1 }] }],
    ['a level not in the list', { roomId: 'r1', samples: [{ ...sample([]), level: 'great' }] }],
    ['a MOS above 5', { roomId: 'r1', samples: [{ ...sample([]), mos: 5.5 }] }],
    [
      'a negative loss',
      { roomId: 'r1', samples: [sample([{ ...inboundVideo, packetsLost: -1 }])] },
    ],
    [
      'a ratio above 1',
      { roomId: 'r1', samples: [sample([{ ...inboundVideo, concealedRatio: 2 }])] },
    ],
    [
      'a fractional bitrate',
      { roomId: 'r1', samples: [sample([{ ...inboundVideo, bitrate: 1.5 }])] },
    ],
    ['an interval under 100 ms', { roomId: 'r1', samples: [{ ...sample([]), intervalMs: 10 }] }],
    [
      'a NaN jitter',
      { roomId: 'r1', samples: [sample([{ ...inboundVideo, jitterMs: Number.NaN }])] },
    ],
    [
      'a fractional jitter',
      { roomId: 'r1', samples: [sample([{ ...inboundVideo, jitterMs: 4.2 }])] },
    ],
    ['a MOS finer than 0.01', { roomId: 'r1', samples: [{ ...sample([]), mos: 4.123 }] }],
    ['a malformed peer', { roomId: 'r1', samples: [sample([{ ...inboundVideo, peer: 'x' }])] }],
  ])('refuses %s', (_name, payload) => {
    expect(qualityReportPayloadSchema.safeParse(payload).success).toBe(false);
  });

  it('keeps the largest valid report under the 64 KiB message limit', () => {
    const widest: QualityLeg = {
      ...inboundVideo,
      bitrate: 999_999_999,
      packets: 9_999_999,
      packetsLost: 9_999_999,
      jitterMs: 59_999,
      rttMs: 59_999,
      fps: 239.9,
      width: 16_384,
      height: 16_384,
      qualityLimitationReason: 'bandwidth',
      freezeCount: 9_999,
      freezeMs: 599_999,
      concealedRatio: 0.123,
      mos: 4.12,
      relayed: false,
      peer: `pa_${'x'.repeat(64)}`,
      source: 'screen_share_audio',
      direction: 'outbound',
    };
    const payload = {
      roomId: 'r'.repeat(128),
      samples: Array.from({ length: QUALITY_REPORT_MAX_SAMPLES }, () => ({
        ...sample(Array.from({ length: QUALITY_SAMPLE_MAX_LEGS }, () => widest)),
        level: 'excellent' as const,
        mos: 4.12,
      })),
    };
    expect(qualityReportPayloadSchema.safeParse(payload).success).toBe(true);
    expect(JSON.stringify(payload).length).toBeLessThan(64 * 1024);
  });
});

describe('join_room client info', () => {
  it('accepts families and a major version', () => {
    const payload = {
      roomId: 'r1',
      client: { sdk: 'minimeet-sdk/0.1.0', browser: 'chrome', browserVersion: 156, os: 'linux' },
    };
    expect(joinRoomPayloadSchema.parse(payload)).toEqual(payload);
  });

  it('stays optional', () => {
    expect(joinRoomPayloadSchema.safeParse({ roomId: 'r1' }).success).toBe(true);
  });

  it.each([
    ['a user agent string', { sdk: 'Mozilla/5.0 (X11; Linux x86_64)' }],
    ['an unknown browser family', { sdk: 'minimeet-sdk/0.1.0', browser: 'netscape' }],
    ['an unknown field', { sdk: 'minimeet-sdk/0.1.0', userAgent: 'x' }],
  ])('refuses %s', (_name, client) => {
    expect(joinRoomPayloadSchema.safeParse({ roomId: 'r1', client }).success).toBe(false);
  });
});
