import type { IceServerInfo, ServerEventName, TrackSource } from '@minimeet/protocol';
import type { SignalChannel } from '../signaling/SignalChannel.js';
import type { PeerStats } from '../stats/StatsSampler.js';
import type { LocalTrack } from '../track/LocalTrack.js';
import type { VideoDimensions } from './layers.js';

/**
 * The signalling a transport may use, narrowed from the client's channel: typed requests, the
 * server's events, and a way to have the connection checked. The transport never sees a socket.
 */
export type MediaSignal = Pick<SignalChannel, 'isConnected' | 'request' | 'subscribe' | 'verify'>;

/** The call's media topology as the server states it (`join_room`, `call_topology_changed`). */
export interface TopologyInfo {
  /** Browser to browser, or through the server's SFU. */
  topology: 'mesh' | 'sfu';
  /** The SFU router's RTP capabilities, for `sfu` (mediasoup's `RtpCapabilities`). */
  routerRtpCapabilities?: unknown;
}

/**
 * Lets a received video tell its transport how it is shown, so that the transport can pick a
 * layer or pause it: the elements it plays in (the transport watches their size and visibility),
 * or the dimensions the app set.
 */
export interface ReceiverControl {
  /** The track now plays in exactly `elements`. */
  setElements(elements: readonly HTMLMediaElement[]): void;
  /** The app shows the video at `dimensions` (device pixels); `undefined`: follow the elements. */
  setDimensions(dimensions: VideoDimensions | undefined): void;
  /** The track no longer uses this media. */
  close(): void;
}

/** A track that arrived from another participant. */
export interface ReceivedMedia {
  /** The source it carries, when the transport knows it (SFU consumers do). */
  source?: TrackSource;
  /** The MediaStream id it came in, which the publisher announced (mesh). */
  streamId?: string;
  /** The browser track. */
  track: MediaStreamTrack;
  /** The receiver it arrives on. */
  receiver: RTCRtpReceiver;
  /** For a transport that adapts what it receives to how the video is shown (SFU). */
  control?: ReceiverControl;
}

/** What a transport reports to its room: callbacks the room passes in at construction. */
export interface MediaTransportEvents {
  /**
   * A remote track arrived from participant `from`; when the participant's publication of that
   * source already has a track, the new media replaces it (the call moved between topologies).
   */
  track: (from: string, media: ReceivedMedia) => void;
  /** The remote track `track` of participant `from` ended (its consumer closed). */
  trackEnded: (from: string, track: MediaStreamTrack) => void;
}

/** How the room describes another participant to its transport. */
export interface TransportPeer {
  /** The participant id. */
  id: string;
  /** Whether it may receive media (`permissions.canSubscribe`); none is sent otherwise. */
  receivesMedia: boolean;
  /** Whether it joined after this participant, so that it makes the first offer (mesh). */
  joinedLater: boolean;
}

/** What a transport is created with. */
export interface MediaTransportOptions {
  /** The room of the call. */
  roomId: string;
  /** This participant's id in the call. */
  localId: string;
  /** Whether this participant may publish (`permissions.canPublish`). */
  canPublish: boolean;
  /** Whether this participant may receive (`permissions.canSubscribe`). */
  canSubscribe: boolean;
  /** ICE servers from the join answer. */
  iceServers: readonly IceServerInfo[];
  /** `all`, or `relay` to use TURN only. */
  iceTransportPolicy: RTCIceTransportPolicy;
  /** How long an ICE connection may stay `disconnected` before it is restarted. */
  iceDisconnectedRestartMs: number;
  /** Whether received videos follow the size and visibility of their elements (SFU). */
  adaptiveStream: boolean;
}

/**
 * Carries media between this participant and the others, whatever the topology (mesh or SFU):
 * the room tells it who is there and what is published; the transport does its own signalling
 * through the {@link MediaSignal} it is given and reports the media that arrives through the
 * {@link MediaTransportEvents} callbacks it was created with. Browser quirks stay inside.
 */
export interface MediaTransport {
  /** Adds another participant, or updates what it may receive. */
  setPeer(peer: TransportPeer): void;
  /** Drops a participant that left and closes its media connection. */
  removePeer(id: string): void;
  /** Starts sending a published local track. */
  publish(track: LocalTrack): void;
  /** Stops sending an unpublished local track. */
  unpublish(track: LocalTrack): void;
  /** Sends the track's current `mediaStreamTrack` (or nothing) without renegotiation. */
  replaceTrack(track: LocalTrack): Promise<void>;
  /**
   * After this side's signalling came back from a drop, or its network changed: sends again what
   * may have been lost and restarts ICE everywhere, since the paths the media took may be gone
   * even where they still look connected. With `topology` (a resume's answer), moves to it
   * first when the call changed topology while this side was away.
   */
  recover(topology?: TopologyInfo): void;
  /**
   * The server reports participant `id` connected again (after a drop of its own, perhaps):
   * sends again what may have been lost on the way to it.
   */
  resendPending(id: string): void;
  /** The `getStats()` report of the media, per remote participant, for quality monitoring. */
  getStats(): Promise<PeerStats[]>;
  /**
   * The participants this transport has a working connection with now, where it keeps one per
   * participant (the mesh); a move waits for their word before the connections close.
   */
  connectedPeers?(): string[];
  /** Closes every media connection. */
  close(): void;
}

/**
 * The server events a transport may receive before it exists (they can come right behind the
 * join answer), so that a room holds them until its transport subscribes. The SFU's own events
 * come only after the transport's `sfu_set_capabilities`.
 */
export const EARLY_MEDIA_EVENTS = [
  'webrtc_offer',
  'webrtc_answer',
  'ice_candidate',
  'call_topology_changed',
  'media_moved',
] as const satisfies readonly ServerEventName[];
