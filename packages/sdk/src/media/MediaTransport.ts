import type { IceCandidateInfo, IceServerInfo, SessionDescription } from '@minimeet/protocol';
import type { PeerStats } from '../stats/StatsSampler.js';
import type { LocalTrack } from '../track/LocalTrack.js';

/** What a transport reports to its room: signalling to send, media that arrived, peer states. */
export interface MediaTransportEvents {
  /** Send `description` to participant `to` (`webrtc_offer` or `webrtc_answer`). */
  description: (to: string, description: SessionDescription) => void;
  /** Send a trickled ICE `candidate` to participant `to` (`ice_candidate`). */
  candidate: (to: string, candidate: IceCandidateInfo) => void;
  /** A remote track arrived from participant `from` in MediaStream `streamId`. */
  track: (
    from: string,
    streamId: string,
    track: MediaStreamTrack,
    receiver: RTCRtpReceiver,
  ) => void;
  /** The media connection with participant `id` changed state. */
  peerStateChanged: (id: string, state: RTCPeerConnectionState) => void;
}

/** How the room describes another participant to its transport. */
export interface TransportPeer {
  /** The participant id. */
  id: string;
  /** Whether it may receive media (`permissions.canSubscribe`); none is sent otherwise. */
  receivesMedia: boolean;
  /** Whether it joined after this participant, so that it makes the first offer. */
  joinedLater: boolean;
}

/** What a transport is created with. */
export interface MediaTransportOptions {
  /** This participant's id in the call. */
  localId: string;
  /** ICE servers from the join answer. */
  iceServers: readonly IceServerInfo[];
  /** `all`, or `relay` to use TURN only. */
  iceTransportPolicy: RTCIceTransportPolicy;
  /** How long an ICE connection may stay `disconnected` before it is restarted. */
  iceDisconnectedRestartMs: number;
}

/**
 * Carries media between this participant and the others, whatever the topology (mesh now, an
 * SFU later): the room tells it who is there and what is published, hands it the signalling it
 * receives, and sends the signalling it emits. Browser quirks stay inside.
 */
export interface MediaTransport {
  /** Listens to a transport event. */
  on<E extends keyof MediaTransportEvents>(event: E, listener: MediaTransportEvents[E]): unknown;
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
  /** Applies a description relayed from participant `from`. */
  handleDescription(from: string, description: SessionDescription): Promise<void>;
  /** Applies an ICE candidate relayed from participant `from`. */
  handleCandidate(from: string, candidate: IceCandidateInfo): Promise<void>;
  /**
   * After this side's signalling came back from a drop, or its network changed: sends again what
   * may have been lost (a pending offer) and restarts ICE on every connection, since the paths the
   * media took may be gone even where they still look connected.
   */
  recover(): void;
  /**
   * The server reports participant `id` connected again (after a drop of its own, perhaps):
   * sends again a pending offer to it, which may have been lost on the way.
   */
  resendPending(id: string): void;
  /** The state of the media connection with participant `id`. */
  peerState(id: string): RTCPeerConnectionState | undefined;
  /** The `getStats()` report of every media connection, for quality monitoring. */
  getStats(): Promise<PeerStats[]>;
  /** Closes every media connection. */
  close(): void;
}
