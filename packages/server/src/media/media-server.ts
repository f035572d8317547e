import type {
  SfuDtlsParameters,
  SfuIceParameters,
  SfuMediaKind,
  SfuRtpCapabilities,
  SfuRtpParameters,
  SfuTransportDirection,
  SfuTransportInfo,
} from '@minimeet/protocol';

/** One worker process of the media server, for health and tests. */
export interface MediaWorkerStatus {
  /** Its process id (tests kill it to prove recovery). */
  pid: number;
  /** Rooms whose router lives on it. */
  rooms: number;
}

/** Whether the media server can carry SFU calls, and if not, why. */
export type MediaStatus =
  { available: true; workers: MediaWorkerStatus[] } | { available: false; reason: string };

/** What the server needs to know of a new producer. */
export interface ProduceRequest {
  /** The peer's send transport. */
  transportId: string;
  /** Media kind. */
  kind: SfuMediaKind;
  /** RTP parameters from the client. */
  rtpParameters: SfuRtpParameters;
  /** Start paused. */
  paused: boolean;
}

/** A consumer as created on a peer's receive transport (paused). */
export interface ConsumerInfo {
  /** The consumer's id. */
  consumerId: string;
  /** RTP parameters for the client's `consume()`. */
  rtpParameters: SfuRtpParameters;
  /** Whether the producer is paused now. */
  producerPaused: boolean;
  /** How many spatial layers the producer sends (1 without simulcast). */
  spatialLayers: number;
}

/** A producer as the media worker reports it. */
export interface ProducerDump {
  /** Media kind. */
  kind: SfuMediaKind;
  /** Whether the worker forwards nothing of it now (paused by its publisher or by the server). */
  paused: boolean;
}

/** Something that happened inside the media server that a peer must hear of. */
export type MediaEvent =
  /** A consumer closed by itself (its producer or transport closed). */
  | { type: 'consumer_closed'; roomId: string; peerId: string; consumerId: string }
  /** A consumer's producer was paused or resumed by its publisher. */
  | {
      type: 'consumer_paused' | 'consumer_resumed';
      roomId: string;
      peerId: string;
      consumerId: string;
    }
  /** The layers a consumer receives changed (null: none). */
  | {
      type: 'consumer_layers_changed';
      roomId: string;
      peerId: string;
      consumerId: string;
      spatialLayer: number | null;
      temporalLayer: number | null;
    }
  /** A room's router was re-created on another worker (its worker died); every peer's media is gone. */
  | { type: 'room_reset'; roomId: string; routerRtpCapabilities: SfuRtpCapabilities };

/** How many media objects a room holds, per peer; what tests compare with after a clean-up. */
export interface MediaRoomDump {
  /** The router's id. */
  routerId: string;
  /** Transport ids the router itself reports (from mediasoup's own dump). */
  routerTransportIds: string[];
  /** Per peer: its transports, producers and consumers. */
  peers: Record<string, { transports: number; producers: number; consumers: number }>;
}

/**
 * The media server port: rooms (one router each), peers in them, and each peer's transports,
 * producers and consumers, closed with their parent (room → peer → transport → producer /
 * consumer). Only its adapter imports mediasoup. Every call names the room and the peer, and an
 * id that is not that peer's is `not_found`: one participant can never touch another's media.
 */
export interface MediaServer {
  /** Available or not (and why), with its workers. */
  status(): MediaStatus;
  /** The room's router capabilities; opens the room's router on the least-loaded worker. */
  routerCapabilities(roomId: string): Promise<SfuRtpCapabilities>;
  /** Creates a WebRTC transport for a peer. */
  createTransport(
    roomId: string,
    peerId: string,
    direction: SfuTransportDirection,
  ): Promise<SfuTransportInfo>;
  /** The direction of one of a peer's transports, or null when the peer has no such transport. */
  transportDirection(
    roomId: string,
    peerId: string,
    transportId: string,
  ): SfuTransportDirection | null;
  /** Whether the peer has a receive transport. */
  hasRecvTransport(roomId: string, peerId: string): boolean;
  /** Gives a transport the client's DTLS parameters. */
  connectTransport(
    roomId: string,
    peerId: string,
    transportId: string,
    dtls: SfuDtlsParameters,
  ): Promise<void>;
  /** Restarts ICE on a transport and answers with the new ICE parameters. */
  restartIce(roomId: string, peerId: string, transportId: string): Promise<SfuIceParameters>;
  /** Creates a producer on a peer's send transport; answers with its id. */
  produce(roomId: string, peerId: string, request: ProduceRequest): Promise<string>;
  /** Closes one of a peer's producers (its consumers close with it). */
  closeProducer(roomId: string, peerId: string, producerId: string): void;
  /** Pauses or resumes one of a peer's producers. */
  setProducerPaused(
    roomId: string,
    peerId: string,
    producerId: string,
    paused: boolean,
  ): Promise<void>;
  /**
   * Creates a paused consumer of `producerId` on the peer's receive transport, or null when the
   * peer's capabilities cannot receive it.
   */
  consume(
    roomId: string,
    peerId: string,
    producerId: string,
    rtpCapabilities: SfuRtpCapabilities,
  ): Promise<ConsumerInfo | null>;
  /** Closes one of a peer's consumers (its grant to receive was taken away). */
  closeConsumer(roomId: string, peerId: string, consumerId: string): void;
  /** The worker's own view of one of a peer's producers (from mediasoup's dump), or null. */
  producerDump(roomId: string, peerId: string, producerId: string): Promise<ProducerDump | null>;
  /** Pauses or resumes one of a peer's consumers. */
  setConsumerPaused(
    roomId: string,
    peerId: string,
    consumerId: string,
    paused: boolean,
  ): Promise<void>;
  /** Asks the sender of one of a peer's consumers for a key frame (video; nothing for audio). */
  requestKeyFrame(roomId: string, peerId: string, consumerId: string): Promise<void>;
  /** Sets a consumer's preferred layers. */
  setPreferredLayers(
    roomId: string,
    peerId: string,
    consumerId: string,
    spatialLayer: number,
    temporalLayer?: number,
  ): Promise<void>;
  /** Closes a peer's transports (and so its producers and consumers). */
  closePeer(roomId: string, peerId: string): void;
  /** Closes a room's router and everything in it. */
  closeRoom(roomId: string): void;
  /** Whether a room has a router now. */
  hasRoom(roomId: string): boolean;
  /** Counts of a room's media objects, with the router's own list of transports; null without a router. */
  dump(roomId: string): Promise<MediaRoomDump | null>;
  /** Subscribes to media events; returns a function that unsubscribes. */
  onEvent(listener: (event: MediaEvent) => void): () => void;
  /** Stops every worker. */
  close(): Promise<void>;
}

/** DI token of the {@link MediaServer} port. */
export const MEDIA_SERVER = Symbol('MEDIA_SERVER');
