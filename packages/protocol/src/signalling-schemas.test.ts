import { describe, expect, it } from 'vitest';
import { ClientEvent } from './events.js';
import {
  clientPayloadSchemas,
  createRoomRequestSchema,
  iceCandidatePayloadSchema,
  joinRoomPayloadSchema,
  updateMediaStatePayloadSchema,
  updateRoomRequestSchema,
  webrtcAnswerPayloadSchema,
  webrtcOfferPayloadSchema,
} from './schemas.js';

const OFFER = { type: 'offer', sdp: 'v=0\r\n' } as const;
const TO = 'pa_abcdefgh1234';

describe('signalling payload schemas', () => {
  it('has a schema for every client event', () => {
    expect(Object.keys(clientPayloadSchemas).sort()).toEqual(Object.values(ClientEvent).sort());
  });

  it('accepts a join with tracks and resume credentials', () => {
    const payload = {
      roomId: 'team-standup',
      resume: { participantId: TO, resumeKey: 'k'.repeat(22) },
      tracks: [
        { source: 'camera', kind: 'video', streamId: 's1', muted: false },
        { source: 'microphone', kind: 'audio', streamId: 's2', muted: true },
      ],
    };
    expect(joinRoomPayloadSchema.parse(payload)).toEqual(payload);
  });

  it.each([
    ['a room id with a slash', { roomId: 'a/b' }],
    ['an unknown field', { roomId: 'r1', as: 'someone-else' }],
    [
      'a malformed participant id in resume',
      { roomId: 'r1', resume: { participantId: 'x', resumeKey: 'k'.repeat(22) } },
    ],
    [
      'a source twice',
      {
        roomId: 'r1',
        tracks: [
          { source: 'camera', kind: 'video', streamId: 'a', muted: false },
          { source: 'camera', kind: 'video', streamId: 'b', muted: false },
        ],
      },
    ],
    [
      'a kind that does not match the source',
      {
        roomId: 'r1',
        tracks: [{ source: 'microphone', kind: 'video', streamId: 'a', muted: false }],
      },
    ],
  ])('refuses a join with %s', (_name, payload) => {
    expect(joinRoomPayloadSchema.safeParse(payload).success).toBe(false);
  });

  it('refuses an answer sent as an offer and the other way round', () => {
    expect(
      webrtcOfferPayloadSchema.safeParse({ roomId: 'r1', to: TO, description: OFFER }).success,
    ).toBe(true);
    expect(
      webrtcAnswerPayloadSchema.safeParse({ roomId: 'r1', to: TO, description: OFFER }).success,
    ).toBe(false);
    expect(
      webrtcOfferPayloadSchema.safeParse({
        roomId: 'r1',
        to: TO,
        description: { type: 'answer', sdp: 'v=0' },
      }).success,
    ).toBe(false);
  });

  it('never lets a client claim who a message is from', () => {
    const spoofed = { roomId: 'r1', to: TO, from: 'pa_someoneelse1', description: OFFER };
    expect(webrtcOfferPayloadSchema.safeParse(spoofed).success).toBe(false);
  });

  it('accepts the end-of-candidates marker and refuses an oversized candidate', () => {
    expect(
      iceCandidatePayloadSchema.safeParse({ roomId: 'r1', to: TO, candidate: { candidate: '' } })
        .success,
    ).toBe(true);
    expect(
      iceCandidatePayloadSchema.safeParse({
        roomId: 'r1',
        to: TO,
        candidate: { candidate: 'c'.repeat(2000) },
      }).success,
    ).toBe(false);
  });

  it('refuses an SDP larger than 64 KiB', () => {
    const big = { type: 'offer', sdp: 'a'.repeat(64 * 1024 + 1) };
    expect(
      webrtcOfferPayloadSchema.safeParse({ roomId: 'r1', to: TO, description: big }).success,
    ).toBe(false);
  });

  it('accepts an empty media state (nothing published)', () => {
    expect(updateMediaStatePayloadSchema.parse({ roomId: 'r1', tracks: [] })).toEqual({
      roomId: 'r1',
      tracks: [],
    });
  });
});

describe('room REST schemas', () => {
  it('accepts a minimal room and refuses a bad capacity or password', () => {
    expect(createRoomRequestSchema.parse({ name: ' Standup ' })).toEqual({ name: 'Standup' });
    expect(createRoomRequestSchema.safeParse({ name: 'x', capacity: 1 }).success).toBe(false);
    expect(createRoomRequestSchema.safeParse({ name: 'x', password: 'abc' }).success).toBe(false);
  });

  it('refuses an update that changes nothing, and accepts removing the password', () => {
    expect(updateRoomRequestSchema.safeParse({}).success).toBe(false);
    expect(updateRoomRequestSchema.parse({ password: null })).toEqual({ password: null });
  });
});
