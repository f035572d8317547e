/**
 * A synthetic camera: RTP packets shaped like VP8 at a fixed frame rate and bitrate, with a key
 * frame every few seconds, written into a werift track. The payload is random bytes behind a
 * real VP8 payload descriptor (picture id, start of partition) and a real key frame header, so an
 * SFU parses it as VP8 (mediasoup finds the key frames it waits for before forwarding to a new
 * consumer) while nobody has to encode or decode anything.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { MediaStreamTrack, RtpHeader, RtpPacket } from 'werift';

/** The shape of the synthetic stream. */
export interface StreamShape {
  /** Target bitrate of the delta frames, in kbit/s (key frames come on top). */
  kbps: number;
  /** Frames per second. */
  fps: number;
  /** Seconds between key frames. */
  keyFrameEverySeconds: number;
  /** How many times the size of a delta frame a key frame is. */
  keyFrameScale: number;
  /** Largest RTP payload, in bytes. */
  maxPayloadBytes: number;
}

/** About 540 kbit/s and 63 packets/s: a 640x480 camera as a browser sends it to an SFU. */
export const DEFAULT_SHAPE: StreamShape = {
  kbps: 500,
  fps: 30,
  keyFrameEverySeconds: 2,
  keyFrameScale: 4,
  maxPayloadBytes: 1100,
};

/** Packets per second and bits per second (payload only) the shape sends on average. */
export function shapeRates(shape: StreamShape): { packetsPerSecond: number; kbps: number } {
  const frameBytes = (shape.kbps * 1000) / 8 / shape.fps;
  const keyBytes = frameBytes * shape.keyFrameScale;
  const keysPerSecond = 1 / shape.keyFrameEverySeconds;
  const deltasPerSecond = shape.fps - keysPerSecond;
  const packets = (bytes: number) => Math.ceil(bytes / shape.maxPayloadBytes);
  return {
    packetsPerSecond: deltasPerSecond * packets(frameBytes) + keysPerSecond * packets(keyBytes),
    kbps: ((deltasPerSecond * frameBytes + keysPerSecond * keyBytes) * 8) / 1000,
  };
}

const FILLER = randomBytes(64 * 1024);
const DESCRIPTOR_BYTES = 4;

/** A running synthetic camera; {@link Vp8Source.stop} ends it. */
export interface Vp8Source {
  readonly track: MediaStreamTrack;
  /** RTP packets written so far. */
  readonly packetsSent: number;
  start(): void;
  stop(): void;
}

/** A synthetic VP8 camera writing into a new local video track. */
export function createVp8Source(shape: StreamShape = DEFAULT_SHAPE): Vp8Source {
  const track = new MediaStreamTrack({ kind: 'video' });
  const frameBytes = Math.round((shape.kbps * 1000) / 8 / shape.fps);
  const framesPerKey = Math.max(1, Math.round(shape.fps * shape.keyFrameEverySeconds));
  let sequenceNumber = randomInt(0, 0xffff);
  let timestamp = randomInt(0, 0xffffffff);
  let pictureId = randomInt(0, 0x7fff);
  let frame = 0;
  let sent = 0;
  let timer: NodeJS.Timeout | null = null;

  const sendFrame = () => {
    const key = frame % framesPerKey === 0;
    frame += 1;
    let remaining = key ? frameBytes * shape.keyFrameScale : frameBytes;
    const count = Math.ceil(remaining / shape.maxPayloadBytes);
    const size = Math.ceil(remaining / count);
    for (let i = 0; i < count; i++) {
      const bytes = Math.min(size, remaining);
      remaining -= bytes;
      const payload = Buffer.allocUnsafe(DESCRIPTOR_BYTES + bytes);
      // VP8 payload descriptor (RFC 7741): X, S on the first packet, partition 0; I with a
      // 15-bit picture id.
      payload[0] = i === 0 ? 0x90 : 0x80;
      payload[1] = 0x80;
      payload[2] = 0x80 | (pictureId >> 8);
      payload[3] = pictureId & 0xff;
      FILLER.copy(payload, DESCRIPTOR_BYTES, (sent * 97) % 32768, ((sent * 97) % 32768) + bytes);
      if (i === 0) {
        // VP8 frame tag: bit 0 clear on a key frame, then show_frame; a key frame's start code
        // and 640x480.
        const header = key
          ? [0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]
          : [0x51, 0x42, 0x00];
        for (let b = 0; b < header.length; b++) payload[DESCRIPTOR_BYTES + b] = header[b];
      }
      const header = new RtpHeader({
        payloadType: 96,
        sequenceNumber,
        timestamp,
        marker: i === count - 1,
      });
      sequenceNumber = (sequenceNumber + 1) & 0xffff;
      sent += 1;
      track.writeRtp(new RtpPacket(header, payload));
    }
    pictureId = (pictureId + 1) & 0x7fff;
    timestamp = (timestamp + Math.round(90_000 / shape.fps)) >>> 0;
  };

  return {
    track,
    get packetsSent() {
      return sent;
    },
    start() {
      // Paced by the timer, not caught up by the clock: the subscribers run on the same event
      // loop, so after a stall a burst of late frames (times every subscriber) would overflow
      // their sockets. A late tick just sends one frame late, as a starved camera would.
      timer ??= setInterval(sendFrame, 1000 / shape.fps);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
