/**
 * What SFU tests send as a client would: a browser Device's capabilities, the RTP parameters of a
 * camera and a microphone, DTLS parameters, and requests that answer with the acknowledgement.
 */
import type { AckResult, SfuRtpCapabilities } from '@minimeet/protocol';
import { emitRaw, type ClientSocket } from './sockets.js';

/** What Chromium's mediasoup-client Device can receive: Opus and VP8, as the router offers them. */
export function deviceCapabilities(router: SfuRtpCapabilities): SfuRtpCapabilities {
  return {
    codecs: (router.codecs ?? []).filter((c) => /opus|VP8|rtx/i.test(c.mimeType)),
    headerExtensions: router.headerExtensions ?? [],
  };
}

/** RTP parameters a browser would send for a simulcast VP8 camera with three layers. */
export const CAMERA = {
  mid: '0',
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: 96,
      clockRate: 90000,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
    },
  ],
  headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }],
  encodings: [
    { rid: 'r0', scalabilityMode: 'L1T3' },
    { rid: 'r1', scalabilityMode: 'L1T3' },
    { rid: 'r2', scalabilityMode: 'L1T3' },
  ],
  rtcp: { cname: 'camera' },
};

/** RTP parameters a browser would send for an Opus microphone. */
export const MICROPHONE = {
  mid: '1',
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: 11111111 }],
  rtcp: { cname: 'mic' },
};

/** DTLS parameters of a client transport (`connect` event). */
export const DTLS = {
  role: 'client' as const,
  fingerprints: [
    {
      algorithm: 'sha-256',
      value:
        '82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD',
    },
  ],
};

/** Sends a request and resolves with its acknowledgement. */
export async function ask<T extends object = Record<string, unknown>>(
  socket: ClientSocket,
  event: string,
  payload: unknown,
): Promise<AckResult<T>> {
  return emitRaw<T>(socket, event, [payload], 10_000);
}

/** Sends a request and resolves with its answer; throws naming the error code when refused. */
export async function must<T extends object = Record<string, unknown>>(
  socket: ClientSocket,
  event: string,
  payload: unknown,
): Promise<T> {
  const result = await ask<T>(socket, event, payload);
  if (!result.ok) throw new Error(`${event}: ${result.error.code} ${result.error.message}`);
  return result;
}
