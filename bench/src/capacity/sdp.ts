/**
 * The SDP a werift peer needs to talk to mediasoup, which has no SDP: written from a transport's
 * ICE, DTLS and candidates and from the RTP parameters of its producers or consumers, the way
 * mediasoup-client's handlers do it for a browser. Video only, VP8, one SSRC per m-section, ICE
 * lite, BUNDLE; and the few facts read back from werift's own SDP.
 */
import type { SfuTransportInfo } from '@minimeet/protocol';

/** The RTP header extension every peer here negotiates. */
export const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';

/** One m-section of the remote description. */
export interface RemoteMedia {
  mid: string;
  /** Seen from mediasoup: `sendonly` for a consumer, `recvonly` for a producer. */
  direction: 'sendonly' | 'recvonly';
  payloadType: number;
  midExtensionId: number;
  /** The consumer's SSRC (only when mediasoup sends). */
  ssrc?: number;
}

/** A remote description of mediasoup's side of a transport. */
export function mediasoupDescription(
  transport: SfuTransportInfo,
  setup: 'actpass' | 'passive',
  media: RemoteMedia[],
): string {
  const { iceParameters, iceCandidates, dtlsParameters } = transport;
  const lines = [
    'v=0',
    `o=mediasoup ${Date.now()} 2 IN IP4 0.0.0.0`,
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=group:BUNDLE ${media.map((m) => m.mid).join(' ')}`,
    'a=msid-semantic: WMS *',
  ];
  for (const m of media) {
    lines.push(
      `m=video 7 UDP/TLS/RTP/SAVPF ${m.payloadType}`,
      'c=IN IP4 127.0.0.1',
      `a=mid:${m.mid}`,
      `a=${m.direction}`,
      `a=ice-ufrag:${iceParameters.usernameFragment}`,
      `a=ice-pwd:${iceParameters.password}`,
      ...dtlsParameters.fingerprints.map((f) => `a=fingerprint:${f.algorithm} ${f.value}`),
      `a=setup:${setup}`,
      ...iceCandidates
        .filter((c) => c.protocol === 'udp')
        .map((c) => `a=candidate:${c.foundation} 1 udp ${c.priority} ${c.ip} ${c.port} typ host`),
      'a=end-of-candidates',
      'a=rtcp-mux',
      'a=rtcp-rsize',
      `a=rtpmap:${m.payloadType} VP8/90000`,
      `a=rtcp-fb:${m.payloadType} nack`,
      `a=rtcp-fb:${m.payloadType} nack pli`,
      `a=rtcp-fb:${m.payloadType} ccm fir`,
      `a=extmap:${m.midExtensionId} ${MID_URI}`,
    );
    if (m.ssrc !== undefined) {
      lines.push(`a=msid:bench-${m.mid} video-${m.mid}`, `a=ssrc:${m.ssrc} cname:bench-sfu`);
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The certificate fingerprint in a werift description. */
export function fingerprintOf(sdp: string): { algorithm: string; value: string } {
  const match = /^a=fingerprint:(\S+) (\S+)/m.exec(sdp);
  if (!match) throw new Error(`no fingerprint in the SDP:\n${sdp}`);
  return { algorithm: match[1].toLowerCase(), value: match[2] };
}

/** The DTLS role a werift description takes (`active` makes it the DTLS client). */
export function dtlsRoleOf(sdp: string): 'client' | 'server' {
  const match = /^a=setup:(\S+)/m.exec(sdp);
  return match?.[1] === 'passive' ? 'server' : 'client';
}

/** The MID and the MID header extension id of the first m-section of a werift description. */
export function midOf(sdp: string): { mid: string; midExtensionId: number } {
  const mid = /^a=mid:(\S+)/m.exec(sdp)?.[1];
  const id = new RegExp(`^a=extmap:(\\d+)\\S* ${MID_URI}`, 'm').exec(sdp)?.[1];
  if (mid === undefined || id === undefined) throw new Error(`no MID in the SDP:\n${sdp}`);
  return { mid, midExtensionId: Number(id) };
}
