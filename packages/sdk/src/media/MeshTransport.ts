import type { IceCandidateInfo, SessionDescription, TrackSource } from '@minimeet/protocol';
import type { PeerStats } from '../stats/StatsSampler.js';
import type { LocalTrack } from '../track/LocalTrack.js';
import { TypedEmitter } from '../utils/TypedEmitter.js';
import type {
  MediaTransport,
  MediaTransportEvents,
  MediaTransportOptions,
  TransportPeer,
} from './MediaTransport.js';
import { PeerConnection } from './PeerConnection.js';

interface Peer {
  connection: PeerConnection;
  receivesMedia: boolean;
}

/**
 * Mesh: one {@link PeerConnection} per other participant, each carrying every published local
 * track, so each browser sends its media once per peer. Fits calls of up to about four.
 */
export class MeshTransport extends TypedEmitter<MediaTransportEvents> implements MediaTransport {
  private readonly peers = new Map<string, Peer>();
  private readonly tracks = new Map<TrackSource, LocalTrack>();
  private readonly configuration: RTCConfiguration;
  private closed = false;

  /** Creates a transport with no peers. */
  constructor(private readonly options: MediaTransportOptions) {
    super();
    this.configuration = {
      iceServers: options.iceServers.map(({ urls, username, credential }) => ({
        urls,
        ...(username === undefined ? {} : { username }),
        ...(credential === undefined ? {} : { credential }),
      })),
      iceTransportPolicy: options.iceTransportPolicy,
      bundlePolicy: 'max-bundle',
    };
  }

  /** Adds another participant, or updates whether it receives media. */
  setPeer({ id, receivesMedia, joinedLater }: TransportPeer): void {
    if (this.closed || id === this.options.localId) return;
    let peer = this.peers.get(id);
    if (!peer) {
      peer = { connection: this.connect(id, joinedLater), receivesMedia: false };
      this.peers.set(id, peer);
    }
    if (receivesMedia === peer.receivesMedia) return;
    peer.receivesMedia = receivesMedia;
    for (const track of this.tracks.values()) {
      if (receivesMedia) peer.connection.addTrack(track);
      else peer.connection.removeTrack(track.source);
    }
  }

  /** Closes the connection to a participant that left. */
  removePeer(id: string): void {
    this.peers.get(id)?.connection.close();
    this.peers.delete(id);
  }

  /** Sends a newly published track to every peer that receives media. */
  publish(track: LocalTrack): void {
    this.tracks.set(track.source, track);
    for (const peer of this.peers.values()) {
      if (peer.receivesMedia) peer.connection.addTrack(track);
    }
  }

  /** Stops sending an unpublished track to every peer. */
  unpublish(track: LocalTrack): void {
    this.tracks.delete(track.source);
    for (const peer of this.peers.values()) peer.connection.removeTrack(track.source);
  }

  /** Swaps the track every peer receives, without renegotiation. */
  async replaceTrack(track: LocalTrack): Promise<void> {
    await Promise.all([...this.peers.values()].map((p) => p.connection.replaceTrack(track)));
  }

  /** Applies a relayed description from `from`. */
  async handleDescription(from: string, description: SessionDescription): Promise<void> {
    await this.peers.get(from)?.connection.handleDescription(description);
  }

  /** Applies a relayed ICE candidate from `from`. */
  async handleCandidate(from: string, candidate: IceCandidateInfo): Promise<void> {
    await this.peers.get(from)?.connection.handleCandidate(candidate);
  }

  /** Sends pending offers again and restarts ICE on every connection. */
  recover(): void {
    for (const peer of this.peers.values()) peer.connection.recover();
  }

  /** Sends a pending offer to `id` again, if one waits for its answer. */
  resendPending(id: string): void {
    this.peers.get(id)?.connection.resendOffer();
  }

  /** The state of the connection with `id`. */
  peerState(id: string): RTCPeerConnectionState | undefined {
    return this.peers.get(id)?.connection.pc.connectionState;
  }

  /** The report of every connection, with the source sent on each `mid`. */
  async getStats(): Promise<PeerStats[]> {
    return Promise.all(
      [...this.peers].map(async ([peerId, { connection }]) => ({
        peerId,
        report: await connection.pc.getStats(),
        sendingMids: connection.sendingMids(),
      })),
    );
  }

  /** Closes every connection; the transport is done. */
  close(): void {
    this.closed = true;
    for (const peer of this.peers.values()) peer.connection.close();
    this.peers.clear();
    this.tracks.clear();
    this.removeAllListeners();
  }

  private connect(id: string, joinedLater: boolean): PeerConnection {
    // Both sides compare the same two ids, so exactly one of them is polite.
    const polite = this.options.localId < id;
    return new PeerConnection(
      id,
      polite,
      this.configuration,
      {
        sendDescription: (description) => this.emit('description', id, description),
        sendCandidate: (candidate) => this.emit('candidate', id, candidate),
        onTrack: (streamId, track, receiver) => this.emit('track', id, streamId, track, receiver),
        onStateChange: (state) => this.emit('peerStateChanged', id, state),
      },
      this.options.iceDisconnectedRestartMs,
      joinedLater,
    );
  }
}

/** Creates the transport for `topology`; only `mesh` exists in this version. */
export function createMediaTransport(
  topology: 'mesh' | 'sfu',
  options: MediaTransportOptions,
): MediaTransport {
  // The server answers `sfu` only once it offers one; until then every call is a mesh.
  void topology;
  return new MeshTransport(options);
}
