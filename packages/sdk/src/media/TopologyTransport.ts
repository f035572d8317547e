import type { TrackSource } from '@minimeet/protocol';
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
import { MeshTransport } from './MeshTransport.js';
import type { TopologySwitch } from './TopologySwitch.js';

type Topology = TopologyInfo['topology'];

/**
 * The transport a room holds: a mesh, as long as the call runs on one; the first time the call
 * is on the SFU (from the join, `call_topology_changed`, or a resume that finds it changed), it
 * loads the SFU's chunk (its transport, mediasoup-client, and the {@link TopologySwitch} that
 * moves media between topologies without a gap) and hands the call over to it. An app that only
 * ever joins mesh calls never downloads that chunk.
 */
export class TopologyTransport implements MediaTransport {
  private readonly peers = new Map<string, TransportPeer>();
  private readonly tracks = new Map<TrackSource, LocalTrack>();
  // The remote tracks the mesh delivered, for the switch to know when everything has moved.
  private readonly delivered = new Map<string, Set<MediaStreamTrack>>();
  // Who said it plays this side's media over which topology (`media_moved`), kept from the first
  // word on: someone may say it before this side has loaded the SFU's chunk.
  private readonly acks = new Map<string, Topology>();
  private inner: MediaTransport | undefined;
  private switcher: TopologySwitch | undefined;
  private target: Topology;
  private readonly stops: (() => void)[];
  private closed = false;

  /** Starts on `topology`, and follows the server's changes of it. */
  constructor(
    private readonly options: MediaTransportOptions,
    private readonly signal: MediaSignal,
    private readonly events: MediaTransportEvents,
    topology: TopologyInfo,
  ) {
    this.target = topology.topology;
    this.stops = [
      signal.subscribe('call_topology_changed', (event) => {
        if (event.roomId === options.roomId) this.moveTo(event);
      }),
      signal.subscribe('media_moved', ({ roomId, from, topology: moved }) => {
        if (roomId !== options.roomId) return;
        this.acks.set(from, moved);
        this.switcher?.acked();
      }),
    ];
    // A mesh call starts at once: the offers of the others may be on their way already.
    if (topology.topology === 'mesh') {
      this.inner = this.createMesh({
        track: (from, media) => {
          this.delivered.set(from, (this.delivered.get(from) ?? new Set()).add(media.track));
          events.track(from, media);
        },
        trackEnded: events.trackEnded,
      });
    } else this.moveTo(topology, true);
  }

  /** The topology the call is on, or moving to. */
  get topology(): Topology {
    return this.target;
  }

  /** Adds or updates a participant. */
  setPeer(peer: TransportPeer): void {
    this.peers.set(peer.id, peer);
    this.inner?.setPeer(peer);
  }

  /** Drops a participant that left. */
  removePeer(id: string): void {
    this.peers.delete(id);
    this.delivered.delete(id);
    this.acks.delete(id);
    this.inner?.removePeer(id);
  }

  /** Sends a published track. */
  publish(track: LocalTrack): void {
    this.tracks.set(track.source, track);
    this.inner?.publish(track);
  }

  /** Stops sending an unpublished track. */
  unpublish(track: LocalTrack): void {
    this.tracks.delete(track.source);
    this.inner?.unpublish(track);
  }

  /** Swaps the sent media without renegotiation. */
  async replaceTrack(track: LocalTrack): Promise<void> {
    await this.inner?.replaceTrack(track);
  }

  /** Moves to `topology` when it changed while away; restarts ICE everywhere. */
  recover(topology?: TopologyInfo): void {
    if (topology) this.moveTo(topology);
    this.inner?.recover();
  }

  /** Resends what may have been lost on the way to `id`. */
  resendPending(id: string): void {
    this.inner?.resendPending(id);
  }

  /** The stats of the media the remote tracks play from. */
  async getStats(): Promise<PeerStats[]> {
    return (await this.inner?.getStats()) ?? [];
  }

  /** Closes everything. */
  close(): void {
    this.closed = true;
    for (const stop of this.stops.splice(0)) stop();
    this.inner?.close();
  }

  private createMesh(events: MediaTransportEvents): MediaTransport {
    return new MeshTransport(this.options, this.signal, events);
  }

  private moveTo(topology: TopologyInfo, initial = false): void {
    if (this.closed || (topology.topology === this.target && !initial)) return;
    this.target = topology.topology;
    // Words about an earlier move no longer count.
    for (const [id, moved] of this.acks) if (moved !== topology.topology) this.acks.delete(id);
    import('./sfu.js').then(
      ({ TopologySwitch }) => {
        // A later change may have overtaken this one while the chunk loaded.
        if (this.closed || this.target !== topology.topology) return;
        if (!this.switcher) {
          this.switcher = new TopologySwitch(
            this.options,
            this.signal,
            this.events,
            this.peers,
            this.tracks,
            this.acks,
            (events) => this.createMesh(events),
            this.inner && { transport: this.inner, topology: 'mesh', delivered: this.delivered },
          );
          this.inner = this.switcher;
        }
        this.switcher.switchTo(topology);
      },
      (error: unknown) => {
        // Without its code the SFU cannot run; the mesh (if any) keeps the call going.
        console.error('minimeet: the SFU could not be loaded', error);
      },
    );
  }
}
