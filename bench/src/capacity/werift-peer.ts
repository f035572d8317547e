/**
 * Synthetic WebRTC peers on werift (pure TypeScript, no media stack): ICE, DTLS and SRTP like a
 * browser, VP8 only, video only, the MID header extension only, host candidates on one address.
 *
 * A subscriber is either a *probe* (werift decrypts every SRTP packet, parses it and the bench
 * checks that it carries the synthetic VP8) or a *counter* (after the DTLS handshake, SRTP packets
 * are counted as they arrive and not decrypted). Decrypting hundreds of streams in JavaScript would
 * cost the bench more CPU than the SFU spends forwarding them, on the same two cores; the SFU's
 * work (receive, route, encrypt per consumer, send) is the same either way.
 */
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  useFIR,
  useNACK,
  usePLI,
  useSdesMid,
} from 'werift';

/** Payload type the peers offer VP8 at (an SFU may map it to its own). */
export const VP8_PAYLOAD_TYPE = 96;

/** RTP packets (RTCP not counted) and their bytes a subscriber received. */
export interface ReceiveCounter {
  packets: number;
  bytes: number;
  /** Packets that decrypted to RTP with a VP8 payload descriptor (probes only). */
  vp8Packets: number;
}

/** A werift peer connection with VP8 and MID only, gathering host candidates on `address`. */
export function createPeer(address: string): RTCPeerConnection {
  return new RTCPeerConnection({
    codecs: {
      audio: [],
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90_000,
          payloadType: VP8_PAYLOAD_TYPE,
          rtcpFeedback: [useNACK(), usePLI(), useFIR()],
        }),
      ],
    },
    headerExtensions: { audio: [], video: [useSdesMid()] },
    iceInterfaceAddresses: { udp4: address },
    iceUseIpv6: false,
  });
}

/** Resolves when the peer connection is `connected`; rejects on failure or after `timeoutMs`. */
export function connected(pc: RTCPeerConnection, timeoutMs = 20_000): Promise<void> {
  if (pc.connectionState === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not connected after ${timeoutMs} ms (${pc.connectionState})`)),
      timeoutMs,
    );
    const { unSubscribe } = pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        clearTimeout(timer);
        unSubscribe();
        resolve();
      } else if (state === 'failed' || state === 'closed') {
        clearTimeout(timer);
        unSubscribe();
        reject(new Error(`peer connection ${state}`));
      }
    });
  });
}

/** The part of werift's DTLS transport that {@link countWithoutDecrypting} replaces. */
interface DtlsTransportInternals {
  srtpStarted: boolean;
  startSrtp(): void;
  iceTransport: { connection: { onData: { subscribe(fn: (data: Buffer) => void): unknown } } };
}

/**
 * Makes `pc` count the SRTP and SRTCP packets it receives instead of decrypting them. Call it
 * after both descriptions are set (werift makes its DTLS transports then) and before DTLS
 * completes: werift starts SRTP when its handshake ends.
 */
export function countWithoutDecrypting(pc: RTCPeerConnection, counter: ReceiveCounter): void {
  for (const transport of pc.dtlsTransports as unknown as DtlsTransportInternals[]) {
    transport.startSrtp = function startCounting(this: DtlsTransportInternals) {
      if (this.srtpStarted) return;
      this.srtpStarted = true;
      this.iceTransport.connection.onData.subscribe((data) => {
        // RTP and RTCP start with a byte in 128..191 (RFC 7983), STUN and DTLS do not; RTCP's
        // second byte is its packet type, 192..223 (RFC 5761); RTP's is the marker bit and the
        // payload type, which stays out of that range for the payload types 96..127 used here.
        if (data[0] < 128 || data[0] > 191) return;
        if (data[1] >= 192 && data[1] <= 223) return;
        counter.packets += 1;
        counter.bytes += data.length;
      });
    };
  }
}

/** Makes a decrypting subscriber count the RTP it receives, and the VP8 among it. */
export function countDecrypted(pc: RTCPeerConnection, counter: ReceiveCounter): void {
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe((rtp) => {
      counter.packets += 1;
      counter.bytes += rtp.serializeSize;
      // The synthetic VP8: X set in the descriptor, I set in its extension (see vp8-source.ts).
      if ((rtp.payload[0] & 0x80) !== 0 && rtp.payload[1] === 0x80) counter.vp8Packets += 1;
    });
  });
}

/** A fresh counter. */
export const newCounter = (): ReceiveCounter => ({ packets: 0, bytes: 0, vp8Packets: 0 });
