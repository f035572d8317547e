import { describe, expect, it } from 'vitest';
import { createClient } from '../client/MinimeetClient.js';
import { resolveJoinRoomOptions } from '../defaults.js';
import { InvalidStateError } from '../errors.js';

describe('client.joinRoom() at the public boundary', () => {
  it('rejects with InvalidStateError when the client is not connected', async () => {
    const client = createClient();
    await expect(client.joinRoom('standup')).rejects.toBeInstanceOf(InvalidStateError);
  });

  it('rejects with TypeError on an empty room id', async () => {
    const client = createClient();
    await expect(client.joinRoom('')).rejects.toBeInstanceOf(TypeError);
  });
});

describe('resolveJoinRoomOptions()', () => {
  it('publishes nothing by default, lets ICE use every candidate, leaves on pagehide, adapts received videos and samples quality every 5 s', () => {
    expect(resolveJoinRoomOptions()).toEqual({
      password: undefined,
      inviteCode: undefined,
      displayName: undefined,
      audio: false,
      video: false,
      iceTransportPolicy: 'all',
      leaveOnPageHide: true,
      adaptiveStream: true,
      quality: { sampleIntervalMs: 5_000, samplesPerReport: 3 },
    });
    expect(resolveJoinRoomOptions({ leaveOnPageHide: false }).leaveOnPageHide).toBe(false);
    expect(resolveJoinRoomOptions({ adaptiveStream: false }).adaptiveStream).toBe(false);
    expect(() => resolveJoinRoomOptions({ adaptiveStream: 'yes' as never })).toThrow(TypeError);
  });

  it('fills capture options in from the defaults', () => {
    const resolved = resolveJoinRoomOptions({ audio: true, video: { width: 320 } });
    expect(resolved.audio).toMatchObject({ echoCancellation: true });
    expect(resolved.video).toEqual({ width: 320, height: 480, frameRate: 30 });
  });

  it('throws TypeError on a bad value', () => {
    expect(() => resolveJoinRoomOptions({ iceTransportPolicy: 'none' as never })).toThrow(
      TypeError,
    );
    expect(() => resolveJoinRoomOptions({ video: 'yes' as never })).toThrow(TypeError);
    expect(() => resolveJoinRoomOptions({ password: '' })).toThrow(TypeError);
    expect(() => resolveJoinRoomOptions({ leaveOnPageHide: 'yes' as never })).toThrow(TypeError);
    expect(() => resolveJoinRoomOptions({ quality: { sampleIntervalMs: 100 } })).toThrow(TypeError);
    expect(() => resolveJoinRoomOptions({ quality: { samplesPerReport: 7 } })).toThrow(TypeError);
    expect(() => resolveJoinRoomOptions({ quality: { samplesPerReport: 1.5 } })).toThrow(TypeError);
  });

  it('takes quality options, each one defaulted', () => {
    expect(resolveJoinRoomOptions({ quality: { samplesPerReport: 0 } }).quality).toEqual({
      sampleIntervalMs: 5_000,
      samplesPerReport: 0,
    });
  });
});
