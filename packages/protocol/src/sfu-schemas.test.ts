import { describe, expect, it } from 'vitest';
import {
  mediaMovedPayloadSchema,
  sfuConnectTransportPayloadSchema,
  sfuProducePayloadSchema,
  sfuSetCapabilitiesPayloadSchema,
  sfuSetPreferredLayersPayloadSchema,
} from './sfu-schemas.js';

const ID = '0b7c2f4e-3a1d-4c5e-9f8a-1b2c3d4e5f60';

/** RTP parameters as mediasoup-client's `produce` event gives them for a simulcast VP8 camera. */
const VP8_SIMULCAST = {
  mid: '0',
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: 96,
      clockRate: 90000,
      parameters: {},
      rtcpFeedback: [
        { type: 'goog-remb', parameter: '' },
        { type: 'nack' },
        { type: 'nack', parameter: 'pli' },
      ],
    },
    {
      mimeType: 'video/rtx',
      payloadType: 97,
      clockRate: 90000,
      parameters: { apt: 96 },
      rtcpFeedback: [],
    },
  ],
  headerExtensions: [
    { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4, encrypt: false, parameters: {} },
  ],
  encodings: [
    {
      active: true,
      scaleResolutionDownBy: 4,
      maxBitrate: 150000,
      rid: 'r0',
      scalabilityMode: 'L1T3',
      dtx: false,
    },
    {
      active: true,
      scaleResolutionDownBy: 2,
      maxBitrate: 500000,
      rid: 'r1',
      scalabilityMode: 'L1T3',
      dtx: false,
    },
    {
      active: true,
      scaleResolutionDownBy: 1,
      maxBitrate: 1500000,
      rid: 'r2',
      scalabilityMode: 'L1T3',
      dtx: false,
    },
  ],
  rtcp: { cname: 'abc', reducedSize: true },
  msid: 'stream track',
};

describe('SFU payload schemas', () => {
  it('accepts the RTP parameters mediasoup-client produces for a simulcast camera', () => {
    const parsed = sfuProducePayloadSchema.safeParse({
      roomId: 'r1',
      transportId: ID,
      kind: 'video',
      source: 'camera',
      rtpParameters: VP8_SIMULCAST,
    });
    expect(parsed.success).toBe(true);
  });

  it('refuses a kind that does not match the source', () => {
    const parsed = sfuProducePayloadSchema.safeParse({
      roomId: 'r1',
      transportId: ID,
      kind: 'audio',
      source: 'camera',
      rtpParameters: VP8_SIMULCAST,
    });
    expect(parsed.success).toBe(false);
  });

  it('refuses ids the server cannot have given and oversized lists', () => {
    expect(
      sfuConnectTransportPayloadSchema.safeParse({
        roomId: 'r1',
        transportId: 'not-an-id',
        dtlsParameters: {
          role: 'client',
          fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }],
        },
      }).success,
    ).toBe(false);
    const codecs = Array.from({ length: 65 }, () => ({
      kind: 'audio',
      mimeType: 'audio/opus',
      clockRate: 48000,
    }));
    expect(
      sfuSetCapabilitiesPayloadSchema.safeParse({ roomId: 'r1', rtpCapabilities: { codecs } })
        .success,
    ).toBe(false);
  });

  it('strips fields mediasoup does not read from capabilities', () => {
    const parsed = sfuSetCapabilitiesPayloadSchema.parse({
      roomId: 'r1',
      rtpCapabilities: {
        codecs: [
          { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, extra: 'x' },
        ],
      },
    });
    expect(parsed.rtpCapabilities.codecs?.[0]).not.toHaveProperty('extra');
  });

  it('bounds preferred layers to what simulcast has', () => {
    const base = { roomId: 'r1', consumerId: ID };
    expect(sfuSetPreferredLayersPayloadSchema.safeParse({ ...base, spatialLayer: 2 }).success).toBe(
      true,
    );
    expect(
      sfuSetPreferredLayersPayloadSchema.safeParse({ ...base, spatialLayer: -1 }).success,
    ).toBe(false);
  });
});

const PARTICIPANT = 'pa_0b7c2f4e3a1d';

describe('media_moved', () => {
  it('takes a room, a participant and the topology moved to', () => {
    const payload = { roomId: 'standup', to: PARTICIPANT, topology: 'sfu' };
    expect(mediaMovedPayloadSchema.parse(payload)).toEqual(payload);
  });

  it('refuses another topology, a missing addressee and unknown fields', () => {
    expect(
      mediaMovedPayloadSchema.safeParse({ roomId: 'standup', to: PARTICIPANT, topology: 'auto' })
        .success,
    ).toBe(false);
    expect(mediaMovedPayloadSchema.safeParse({ roomId: 'standup', topology: 'mesh' }).success).toBe(
      false,
    );
    expect(
      mediaMovedPayloadSchema.safeParse({
        roomId: 'standup',
        to: PARTICIPANT,
        topology: 'mesh',
        from: PARTICIPANT,
      }).success,
    ).toBe(false);
  });
});
