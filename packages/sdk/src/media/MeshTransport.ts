import type { IceCandidateInfo, SessionDescription, TrackSource } from '@minimeet/protocol';
import type { PeerStats } from '../stats/StatsSampler.js';
import type { LocalTrack } from '../track/LocalTrack.js';
import type {
  MediaSignal,
  MediaTransport,
  MediaTransportEvents,
  MediaTransportOptions,
  TopologyInfo,
  TransportPeer,
} from './MediaTransport.js';
import { PeerConnection } from './PeerConnection.js';
import { SignalBuffer } from './SignalBuffer.js';

interface Peer {
  connection: PeerConnection;
  receivesMedia: boolean;
}

/**
 * Mesh: one {@link PeerConnection} per other participant, each carrying every published local
 * track, so each browser sends its media once per peer. Fits calls of up to about four.
 */
export class MeshTransport implements MediaTransport {
  private readonly peers = new Map<string, Peer>();
  private readonly tracks = new Map<TrackSource, LocalTrack>();
  private readonly configuration: RTCConfiguration;
  private readonly signals = new SignalBuffer();
  private readonly stops: (() => void)[];
  private readonly states = new Map<string, RTCPeerConnectionState>();
  private closed = false;

  /** Creates a transport with no peers; it answers the mesh signalling of its room at once. */
  constructor(
    private readonly options: MediaTransportOptions,
    private readonly signal: MediaSignal,
    private readonly events: MediaTransportEvents,
  ) {
    const mine = (roomId: string) => roomId === options.roomId && !this.closed;
    const apply = (from: string, task: () => Promise<void>) => {
      // Signalling from someone not announced yet waits for their setPeer().
      if (this.peers.has(from)) this.signals.run(from, task);
      else this.signals.hold(from, task);
    };
    const onDescription = ({
      roomId,
      from,
      description,
    }: {
      roomId: string;
      from: string;
      description: SessionDescription;
    }) => {
      if (mine(roomId))
        apply(from, async () => this.peers.get(from)?.connection.handleDescription(description));
    };
    this.stops = [
      signal.subscribe('webrtc_offer', onDescription),
      signal.subscribe('webrtc_answer', onDescription),
      signal.subscribe('ice_candidate', ({ roomId, from, candidate }) => {
        if (mine(roomId))
          apply(from, async () => this.peers.get(from)?.connection.handleCandidate(candidate));
      }),
    ];
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
      this.signals.release(id);
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
    this.signals.forget(id);
    this.states.delete(id);
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

  /** Sends pending offers again and restarts ICE on every connection. */
  recover(_topology?: TopologyInfo): void {
    for (const peer of this.peers.values()) peer.connection.recover();
  }

  /** Sends a pending offer to `id` again, if one waits for its answer. */
  resendPending(id: string): void {
    this.peers.get(id)?.connection.resendOffer();
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

  /** The participants whose connection is up (`connected`) now. */
  connectedPeers(): string[] {
    return [...this.states].filter(([, state]) => state === 'connected').map(([id]) => id);
  }

  /** Closes every connection; the transport is done. */
  close(): void {
    this.closed = true;
    for (const stop of this.stops.splice(0)) stop();
    this.signals.clear();
    for (const peer of this.peers.values()) peer.connection.close();
    this.peers.clear();
    this.tracks.clear();
  }

  private send(run: () => Promise<unknown>): void {
    if (!this.closed && this.signal.isConnected) void run().catch(() => undefined);
  }

  // Media that loses its way may be the first sign that this side's network went or changed,
  // long before the signalling connection's heartbeat notices: have the connection checked.
  private handleState(id: string, state: RTCPeerConnectionState): void {
    const previous = this.states.get(id);
    this.states.set(id, state);
    if (this.closed || state === previous) return;
    if (state === 'disconnected' || state === 'failed') this.signal.verify();
  }

  private connect(id: string, joinedLater: boolean): PeerConnection {
    // Both sides compare the same two ids, so exactly one of them is polite.
    const polite = this.options.localId < id;
    return new PeerConnection(
      id,
      polite,
      this.configuration,
      {
        sendDescription: (description) =>
          this.send(() =>
            this.signal.request(description.type === 'offer' ? 'webrtc_offer' : 'webrtc_answer', {
              roomId: this.options.roomId,
              to: id,
              description,
            }),
          ),
        sendCandidate: (candidate: IceCandidateInfo) =>
          this.send(() =>
            this.signal.request('ice_candidate', {
              roomId: this.options.roomId,
              to: id,
              candidate,
            }),
          ),
        onTrack: (streamId, track, receiver) =>
          this.events.track(id, { streamId, track, receiver }),
        onStateChange: (state) => this.handleState(id, state),
      },
      this.options.iceDisconnectedRestartMs,
      joinedLater,
    );
  }
}
