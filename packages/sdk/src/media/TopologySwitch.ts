import type { TrackSource } from '@minimeet/protocol';
import type { PeerStats } from '../stats/StatsSampler.js';
import type { LocalTrack } from '../track/LocalTrack.js';
import { mediaFlowing } from './flowing.js';
import { MediaMove } from './MediaMove.js';
import type {
  MediaSignal,
  MediaTransport,
  MediaTransportEvents,
  MediaTransportOptions,
  TopologyInfo,
  TransportPeer,
} from './MediaTransport.js';
import { SfuTransport } from './SfuTransport.js';

// How long a track of the new topology may take to carry media before it counts as moved anyway.
const FIRST_MEDIA_WAIT_MS = 3_000;

type Topology = TopologyInfo['topology'];

/** A transport running one topology, and the remote tracks it delivered. */
export interface Running {
  /** The transport. */
  transport: MediaTransport;
  /** The topology it runs. */
  topology: Topology;
  /** The remote tracks it delivered, by participant. */
  delivered: Map<string, Set<MediaStreamTrack>>;
}

/**
 * Runs a call's media on the mesh or the SFU and moves it between them without a gap anyone
 * should notice: the new topology comes up beside the old one and sends the same tracks; each
 * remote track takes the new media once that carries frames (the app's track objects and
 * elements stay), and each participant is told (`media_moved`) once all of its tracks play the
 * new way; the old connections close once that is true both ways with everyone
 * ({@link MediaMove}). It lives in the SFU's chunk: the room's {@link TopologyTransport} hands
 * its mesh over the first time a call needs it.
 */
export class TopologySwitch implements MediaTransport {
  private current: Running | undefined;
  private incoming: Running | undefined;
  private move: MediaMove | undefined;
  private target: Topology | undefined;
  // The participants there when the move began: only they use the old topology.
  private readonly before = new Set<string>();
  private closed = false;

  /** Takes over `running` (the mesh so far, if any), with the room's participants and tracks. */
  constructor(
    private readonly options: MediaTransportOptions,
    private readonly signal: MediaSignal,
    private readonly events: MediaTransportEvents,
    private readonly peers: ReadonlyMap<string, TransportPeer>,
    private readonly tracks: ReadonlyMap<TrackSource, LocalTrack>,
    // Who said it plays this side's media over which topology (`media_moved`).
    private readonly acks: ReadonlyMap<string, Topology>,
    // The mesh's code stays in the main bundle; this chunk gets it from there.
    private readonly createMesh: (events: MediaTransportEvents) => MediaTransport,
    running?: Running,
  ) {
    this.current = running;
    this.target = running?.topology;
  }

  /** Adds or updates a participant; one who joined during a move only uses the new topology. */
  setPeer(peer: TransportPeer): void {
    if (this.current && (!this.incoming || this.before.has(peer.id))) {
      this.current.transport.setPeer(peer);
    }
    this.incoming?.transport.setPeer(peer);
    this.move?.check();
  }

  /** Someone said it plays this side's media over a topology (`media_moved`). */
  acked(): void {
    this.move?.check();
  }

  /** Drops a participant from the running topologies. */
  removePeer(id: string): void {
    for (const running of this.running()) {
      running.transport.removePeer(id);
      running.delivered.delete(id);
    }
    this.move?.check();
  }

  /** Sends a published track on the running topologies. */
  publish(track: LocalTrack): void {
    for (const running of this.running()) running.transport.publish(track);
  }

  /** Stops sending an unpublished track. */
  unpublish(track: LocalTrack): void {
    for (const running of this.running()) running.transport.unpublish(track);
  }

  /** Swaps the sent media on the running topologies. */
  async replaceTrack(track: LocalTrack): Promise<void> {
    await Promise.all(this.running().map((r) => r.transport.replaceTrack(track)));
  }

  /** Moves to `topology` when it changed while away; restarts ICE everywhere. */
  recover(topology?: TopologyInfo): void {
    if (topology) this.switchTo(topology);
    for (const running of this.running()) running.transport.recover();
  }

  /** Resends what may have been lost on the way to `id`. */
  resendPending(id: string): void {
    for (const running of this.running()) running.transport.resendPending(id);
  }

  /** The stats of the topology the remote tracks play from. */
  async getStats(): Promise<PeerStats[]> {
    return (await this.current?.transport.getStats()) ?? [];
  }

  /** Closes everything. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.move?.cancel();
    for (const running of this.running()) running.transport.close();
    this.current = this.incoming = undefined;
  }

  private running(): Running[] {
    return [this.current, this.incoming].filter((r): r is Running => r !== undefined);
  }

  /** Moves to `topology`, unless the call is on it, or moving to it, already. */
  switchTo(topology: TopologyInfo): void {
    if (this.closed || topology.topology === this.target) return;
    this.target = topology.topology;
    // Moving back before the first move finished: the half-built topology goes.
    this.move?.cancel();
    this.incoming?.transport.close();
    this.incoming = this.move = undefined;
    if (this.current?.topology !== topology.topology) this.start(topology);
  }

  private start(topology: TopologyInfo): void {
    const create = (events: MediaTransportEvents): MediaTransport =>
      topology.topology === 'mesh'
        ? this.createMesh(events)
        : new SfuTransport(this.options, this.signal, events, topology);
    if (!this.current) {
      this.current = this.run(create, topology.topology, true);
      return;
    }
    const old = this.current;
    this.before.clear();
    for (const id of this.peers.keys()) this.before.add(id);
    const target = topology.topology;
    this.move = new MediaMove({
      peers: () => this.peers.keys(),
      oldTracks: () => liveTracks(this.current),
      // A mesh waits for those it has a connection with (not someone who joined on the SFU).
      oldPeers: () => old.transport.connectedPeers?.() ?? this.peers.keys(),
      acked: (id) => this.acks.get(id) === target,
      tell: (to) => {
        if (!this.signal.isConnected) return;
        void this.signal
          .request('media_moved', { roomId: this.options.roomId, to, topology: target })
          .catch(() => undefined);
      },
      finish: () => this.finishMove(),
    });
    this.incoming = this.run(create, target, false);
    this.move.check();
  }

  private run(
    create: (events: MediaTransportEvents) => MediaTransport,
    topology: Topology,
    initial: boolean,
  ): Running {
    const delivered = new Map<string, Set<MediaStreamTrack>>();
    const transport = create({
      track: (from, media) => {
        if (running !== this.current && running !== this.incoming) return;
        // The room's track keeps showing the old media until the new one carries frames.
        this.events.track(from, media);
        if (running === this.incoming) {
          this.move?.arrived(from, mediaFlowing(media.track, media.receiver, FIRST_MEDIA_WAIT_MS));
        }
        delivered.set(from, (delivered.get(from) ?? new Set()).add(media.track));
      },
      trackEnded: (from, track) => {
        delivered.get(from)?.delete(track);
        if (running === this.current) this.events.trackEnded(from, track);
      },
    });
    const running: Running = { transport, topology, delivered };
    // Moving, this side is a newcomer to every connection: in a mesh, the one of each pair with
    // the smaller id offers first, so that they do not both.
    for (const peer of this.peers.values()) {
      transport.setPeer(initial ? peer : { ...peer, joinedLater: peer.id < this.options.localId });
    }
    for (const track of this.tracks.values()) transport.publish(track);
    return running;
  }

  private finishMove(): void {
    const old = this.current;
    if (this.closed || !this.incoming) return;
    this.current = this.incoming;
    this.incoming = this.move = undefined;
    old?.transport.close();
  }
}

function liveTracks(running: Running | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [id, tracks] of running?.delivered ?? []) {
    counts.set(id, [...tracks].filter((t) => t.readyState === 'live').length);
  }
  return counts;
}
