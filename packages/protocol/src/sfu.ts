/**
 * Socket payloads of the SFU (selective forwarding unit) topology. The shapes of the media
 * parameters are mediasoup's (and mediasoup-client's), declared here structurally so that the
 * contract imports nothing: a client passes what its mediasoup-client `Device` and `Transport`
 * produce, and gives a `Transport` what these answers carry.
 */
import type { TrackSource } from './signalling.js';

/** `audio` or `video`. */
export type SfuMediaKind = 'audio' | 'video';

/** An RTCP feedback mechanism of a codec (`nack`, `nack pli`, `ccm fir`, `goog-remb`, `transport-cc`). */
export interface SfuRtcpFeedback {
  /** The feedback type, e.g. `nack`. */
  type: string;
  /** Its parameter, e.g. `pli` for `nack pli`. */
  parameter?: string;
}

/** A codec a side can receive or send, as in mediasoup's `RtpCodecCapability`. */
export interface SfuRtpCodecCapability {
  /** Media kind. */
  kind: SfuMediaKind;
  /** MIME type, e.g. `video/VP8`. */
  mimeType: string;
  /** The payload type the side prefers. */
  preferredPayloadType?: number;
  /** Clock rate in Hz. */
  clockRate: number;
  /** Audio channels. */
  channels?: number;
  /** Codec-specific parameters (the SDP `fmtp`). */
  parameters?: Record<string, unknown>;
  /** Supported RTCP feedback. */
  rtcpFeedback?: SfuRtcpFeedback[];
}

/** An RTP header extension a side supports, as in mediasoup's `RtpHeaderExtension`. */
export interface SfuRtpHeaderExtension {
  /** Media kind it applies to. */
  kind: SfuMediaKind;
  /** The extension's URI. */
  uri: string;
  /** The id the side prefers. */
  preferredId: number;
  /** Whether it is encrypted. */
  preferredEncrypt?: boolean;
  /** In which directions it is used. */
  direction?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

/** What a side can receive (a client) or route (the server's router): mediasoup's `RtpCapabilities`. */
export interface SfuRtpCapabilities {
  /** Supported codecs. */
  codecs?: SfuRtpCodecCapability[];
  /** Supported RTP header extensions. */
  headerExtensions?: SfuRtpHeaderExtension[];
}

/** A codec in use by a producer or consumer. */
export interface SfuRtpCodecParameters {
  /** MIME type, e.g. `video/VP8`. */
  mimeType: string;
  /** Payload type. */
  payloadType: number;
  /** Clock rate in Hz. */
  clockRate: number;
  /** Audio channels. */
  channels?: number;
  /** Codec-specific parameters. */
  parameters?: Record<string, unknown>;
  /** RTCP feedback in use. */
  rtcpFeedback?: SfuRtcpFeedback[];
}

/** A header extension in use. */
export interface SfuRtpHeaderExtensionParameters {
  /** The extension's URI. */
  uri: string;
  /** Its id in the stream. */
  id: number;
  /** Whether it is encrypted. */
  encrypt?: boolean;
  /** Extension parameters. */
  parameters?: Record<string, unknown>;
}

/** One encoding (a simulcast layer, or the only stream). */
export interface SfuRtpEncodingParameters {
  /** SSRC of the stream. */
  ssrc?: number;
  /** RID of the stream (simulcast). */
  rid?: string;
  /** Payload type of the codec this encoding uses. */
  codecPayloadType?: number;
  /** The retransmission stream. */
  rtx?: { ssrc: number };
  /** Discontinuous transmission (audio). */
  dtx?: boolean;
  /** Scalability mode, e.g. `L1T3` or `S3T3`. */
  scalabilityMode?: string;
  /** Resolution divisor of this layer. */
  scaleResolutionDownBy?: number;
  /** Bitrate ceiling of this layer in bps. */
  maxBitrate?: number;
  /** Frame-rate ceiling of this layer. */
  maxFramerate?: number;
  /** Whether the layer is sent. */
  active?: boolean;
  /** Sender priority. */
  priority?: 'very-low' | 'low' | 'medium' | 'high';
  /** Network priority (DSCP). */
  networkPriority?: 'very-low' | 'low' | 'medium' | 'high';
}

/** RTCP settings of a stream. */
export interface SfuRtcpParameters {
  /** The CNAME. */
  cname?: string;
  /** Reduced-size RTCP. */
  reducedSize?: boolean;
  /** RTP and RTCP on one port. */
  mux?: boolean;
}

/** How a producer sends or a consumer receives: mediasoup's `RtpParameters`. */
export interface SfuRtpParameters {
  /** The MID of the m-section. */
  mid?: string;
  /** Codecs in use. */
  codecs: SfuRtpCodecParameters[];
  /** Header extensions in use. */
  headerExtensions?: SfuRtpHeaderExtensionParameters[];
  /** Encodings (one, or one per simulcast layer). */
  encodings?: SfuRtpEncodingParameters[];
  /** RTCP settings. */
  rtcp?: SfuRtcpParameters;
  /** The `msid` (stream and track id); only some client versions send it. */
  msid?: string;
}

/** The server's ICE credentials for one transport (it is ICE-lite). */
export interface SfuIceParameters {
  /** ICE username fragment. */
  usernameFragment: string;
  /** ICE password. */
  password: string;
  /** Always true: the server is an ICE-lite agent. */
  iceLite?: boolean;
}

/** One address the client sends its media to: the server's announced address and port. */
export interface SfuIceCandidate {
  /** Candidate foundation. */
  foundation: string;
  /** Candidate priority. */
  priority: number;
  /** The IP address or host name. */
  address: string;
  /** The same as `address` (older mediasoup-client versions read this name). */
  ip: string;
  /** `udp` or `tcp`. */
  protocol: 'udp' | 'tcp';
  /** Port. */
  port: number;
  /** Always `host` (the server announces its own address). */
  type: 'host';
  /** `passive` for TCP candidates. */
  tcpType?: 'passive';
}

/** A DTLS certificate fingerprint. */
export interface SfuDtlsFingerprint {
  /** Hash algorithm, e.g. `sha-256`. */
  algorithm: string;
  /** The fingerprint, as colon-separated hex. */
  value: string;
}

/** DTLS parameters of one side of a transport. */
export interface SfuDtlsParameters {
  /** DTLS role: `auto`, `client` or `server`. */
  role?: 'auto' | 'client' | 'server';
  /** Certificate fingerprints. */
  fingerprints: SfuDtlsFingerprint[];
}

/** Which way a transport carries media, seen from the client. */
export type SfuTransportDirection = 'send' | 'recv';

/** `sfu_set_capabilities` payload: what the client's mediasoup-client `Device` can receive. */
export interface SfuSetCapabilitiesPayload {
  /** The room whose call the caller is in. */
  roomId: string;
  /** `device.rtpCapabilities` after `device.load({ routerRtpCapabilities })`. */
  rtpCapabilities: SfuRtpCapabilities;
}

/** `sfu_create_transport` payload. */
export interface SfuCreateTransportPayload {
  /** The room whose call the caller is in. */
  roomId: string;
  /** `send` (needs `canPublish`) or `recv` (needs `canSubscribe`). */
  direction: SfuTransportDirection;
}

/** `sfu_create_transport` answer: what `device.createSendTransport()` / `createRecvTransport()` take. */
export interface SfuTransportInfo {
  /** The transport's id (`id` for mediasoup-client). */
  transportId: string;
  /** The server's ICE parameters. */
  iceParameters: SfuIceParameters;
  /** The server's candidates (its announced address). */
  iceCandidates: SfuIceCandidate[];
  /** The server's DTLS parameters. */
  dtlsParameters: SfuDtlsParameters;
}

/** `sfu_connect_transport` payload: the client's DTLS parameters from the transport's `connect` event. */
export interface SfuConnectTransportPayload {
  /** The room whose call the caller is in. */
  roomId: string;
  /** One of the caller's transports. */
  transportId: string;
  /** The client's DTLS parameters. */
  dtlsParameters: SfuDtlsParameters;
}

/** `sfu_produce` payload: from the send transport's `produce` event. */
export interface SfuProducePayload {
  /** The room whose call the caller is in. */
  roomId: string;
  /** The caller's send transport. */
  transportId: string;
  /** Media kind; must match the source. */
  kind: SfuMediaKind;
  /** What the track captures; one producer per source. */
  source: TrackSource;
  /** The RTP parameters mediasoup-client gives the `produce` event. */
  rtpParameters: SfuRtpParameters;
  /** Start paused (a muted track). */
  paused?: boolean;
}

/** `sfu_produce` answer. */
export interface SfuProduceResult {
  /** The producer's id, for the `produce` event's callback. */
  producerId: string;
}

/** `sfu_close_producer` / `sfu_pause_producer` / `sfu_resume_producer` payload. */
export interface SfuProducerPayload {
  /** The room whose call the caller is in. */
  roomId: string;
  /** One of the caller's producers. */
  producerId: string;
}

/** `sfu_resume_consumer` / `sfu_pause_consumer` / `sfu_request_key_frame` payload. */
export interface SfuConsumerPayload {
  /** The room whose call the caller is in. */
  roomId: string;
  /** One of the caller's consumers. */
  consumerId: string;
}

/** `sfu_set_preferred_layers` payload: the highest layers this consumer should receive. */
export interface SfuSetPreferredLayersPayload {
  /** The room whose call the caller is in. */
  roomId: string;
  /** One of the caller's consumers. */
  consumerId: string;
  /** Highest spatial layer wanted (0 = the lowest resolution). */
  spatialLayer: number;
  /** Highest temporal layer wanted; the highest available when absent. */
  temporalLayer?: number;
}

/** `sfu_restart_ice` payload. */
export interface SfuRestartIcePayload {
  /** The room whose call the caller is in. */
  roomId: string;
  /** One of the caller's transports. */
  transportId: string;
}

/** `sfu_restart_ice` answer: give it to `transport.restartIce({ iceParameters })`. */
export interface SfuRestartIceResult {
  /** The server's new ICE parameters. */
  iceParameters: SfuIceParameters;
}

/**
 * `sfu_new_consumer`: the server created a (paused) consumer of another participant's producer on
 * the client's receive transport. Pass it to `recvTransport.consume()`, wire the track, then send
 * `sfu_resume_consumer`.
 */
export interface SfuNewConsumerEvent {
  /** The room. */
  roomId: string;
  /** The consumer's id (`id` for `consume()`). */
  consumerId: string;
  /** The producer it receives. */
  producerId: string;
  /** Who publishes it. */
  participantId: string;
  /** Media kind. */
  kind: SfuMediaKind;
  /** What the track captures. */
  source: TrackSource;
  /** RTP parameters for `consume()`. */
  rtpParameters: SfuRtpParameters;
  /** Whether the publisher has paused it (muted) right now. */
  producerPaused: boolean;
}

/** `sfu_consumer_closed`, `sfu_consumer_paused`, `sfu_consumer_resumed` payload. */
export interface SfuConsumerEvent {
  /** The room. */
  roomId: string;
  /** The consumer. */
  consumerId: string;
}

/** `sfu_consumer_layers_changed`: the layers this consumer now receives (null: none). */
export interface SfuConsumerLayersChangedEvent {
  /** The room. */
  roomId: string;
  /** The consumer. */
  consumerId: string;
  /** The spatial layer received, or null when nothing is forwarded. */
  spatialLayer: number | null;
  /** The temporal layer received, or null when nothing is forwarded. */
  temporalLayer: number | null;
}

/**
 * `sfu_producer_layers_wanted` (dynacast): the highest spatial layer any unpaused consumer of this
 * producer wants. The publisher may stop sending the layers above it; null means nobody watches.
 */
export interface SfuProducerLayersWantedEvent {
  /** The room. */
  roomId: string;
  /** One of the client's producers. */
  producerId: string;
  /** Highest spatial layer wanted, or null when nobody consumes it unpaused. */
  maxSpatialLayer: number | null;
}

/** `sfu_producer_closed`: the server closed one of the client's producers (e.g. publish revoked). */
export interface SfuProducerClosedEvent {
  /** The room. */
  roomId: string;
  /** The producer. */
  producerId: string;
}

/**
 * `sfu_transports_reset`: the room's media router was re-created (its worker died). Drop every
 * transport, producer and consumer of this room's call and set them up again, starting with
 * `sfu_set_capabilities`.
 */
export interface SfuTransportsResetEvent {
  /** The room. */
  roomId: string;
  /** The new router's capabilities (load a Device with them if they differ). */
  routerRtpCapabilities: SfuRtpCapabilities;
}

/**
 * `call_topology_changed`: an `auto` room moved between mesh and SFU. Set up the new topology beside
 * the old one, move the media, then close the old connections; mesh signalling keeps being relayed
 * meanwhile.
 */
export interface CallTopologyChangedEvent {
  /** The room. */
  roomId: string;
  /** The topology the call runs on from now on. */
  topology: 'mesh' | 'sfu';
  /** With `sfu`: the router's capabilities, for `device.load()`. */
  routerRtpCapabilities?: SfuRtpCapabilities;
}

/**
 * `media_moved` from a client, during a move of an `auto` call (after `call_topology_changed`):
 * the caller now plays everything of participant `to` over `topology`, so `to` may stop sending it
 * the old way. A client closes its old connections once it has moved everyone's media and
 * everyone has told it so.
 */
export interface MediaMovedPayload {
  /** The room both are in. */
  roomId: string;
  /** The participant whose media moved. */
  to: string;
  /** The topology the caller now receives `to`'s media over. */
  topology: 'mesh' | 'sfu';
}

/** `media_moved` as the server relays it: `from` is set by the server. */
export interface RelayedMediaMoved {
  /** The room. */
  roomId: string;
  /** The participant that now receives this client's media over `topology`. */
  from: string;
  /** The topology it receives it over. */
  topology: 'mesh' | 'sfu';
}
