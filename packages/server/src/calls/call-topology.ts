import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ErrorCode, type RoomTopology, type SfuRtpCapabilities } from '@minimeet/protocol';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { ROOT_LOGGER } from '../common/logger.js';
import type { ServerPayload } from '../common/realtime.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { MEDIA_SERVER, type MediaServer } from '../media/media-server.js';
import { SFU_RELAY, routerCapabilitiesVia, type SfuRelay } from '../media/sfu-relay.js';
import { CALL_STATE, type CallState } from './call-state.js';
import { TOPOLOGY_STATE, type LiveTopology, type TopologyState } from './topology-state.js';

export type { LiveTopology } from './topology-state.js';

/** What a join learns about the topology: the one to use, and the router's capabilities on the SFU. */
export interface JoinTopology {
  topology: LiveTopology;
  routerRtpCapabilities?: SfuRtpCapabilities;
  /** True when this join moved an `auto` call to the SFU: the others must hear of it. */
  switched: boolean;
}

/** Emits `call_topology_changed` to a room's call, except one socket when given. */
export type TopologyBroadcast = (
  roomId: string,
  except: string | null,
  payload: ServerPayload<'call_topology_changed'>,
) => void;

// How often, at least, a node looks for due returns to mesh, and how many it performs per look.
const MIN_SWEEP_MS = 1000;
const SWEEP_BATCH = 100;

/** The room fields the topology decisions need. */
interface RoomShape {
  id: string;
  capacity: number;
  topology: RoomTopology;
}

/**
 * Which topology each call runs on, and how many it admits: `mesh` rooms stay peer-to-peer and
 * capped at `MESH_MAX_PARTICIPANTS`; `sfu` rooms use the media server from the first join, up to
 * `SFU_MAX_PARTICIPANTS`; `auto` rooms are mesh up to `AUTO_SFU_THRESHOLD` and move to the SFU on
 * the join beyond it, and back to mesh once they have stayed at or below it for
 * `AUTO_MESH_RETURN_SECONDS`. Each move is announced with `call_topology_changed`.
 *
 * The live topology of `auto` calls is kept in the {@link TopologyState} (Redis with several
 * nodes), so that every node sees a move and exactly one announces it. The node that sees the call
 * shrink plans its return to mesh in the store and keeps a timer of its own for it; besides, every
 * node sweeps the store for due returns (every `AUTO_MESH_RETURN_SECONDS` / 2, at least 1 s), so a
 * return still happens when the planning node is gone. A join anywhere voids the plan (the epoch
 * moves on), and the store lets exactly one node perform and announce a return.
 * The router capabilities come through the {@link SfuRelay}, so the router opens on the room's node.
 */
@Injectable()
export class CallTopology implements OnApplicationShutdown {
  /** Returns to mesh planned on this node, by room, with the epoch they were planned at. */
  private readonly returns = new Map<string, { epoch: number; timer: NodeJS.Timeout }>();
  private broadcast: TopologyBroadcast | null = null;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MEDIA_SERVER) private readonly media: MediaServer,
    @Inject(SFU_RELAY) private readonly relay: SfuRelay,
    @Inject(CALL_STATE) private readonly state: CallState,
    @Inject(TOPOLOGY_STATE) private readonly live: TopologyState,
    @Inject(EventBus) events: EventBus,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.unsubscribe = events.on('call.left', ({ roomId }) => {
      this.shrunk(roomId).catch((err: unknown) =>
        this.logger.error({ err, roomId }, 'planning an auto call’s return to mesh failed'),
      );
    });
  }

  /**
   * How `call_topology_changed` reaches a room's call; the call service hands it over. From then
   * on this node also performs the returns to mesh that any node planned, once they are due.
   */
  attach(broadcast: TopologyBroadcast): void {
    this.broadcast = broadcast;
    clearInterval(this.sweeper);
    const every = Math.max(MIN_SWEEP_MS, this.config.sfu.meshReturnMs / 2);
    this.sweeper = setInterval(() => void this.sweep(), every);
    this.sweeper.unref();
  }

  /** Whether the SFU can be used at all. */
  sfuAvailable(): boolean {
    return this.config.sfu.enabled && this.media.status().available;
  }

  /** Most participants the room's call admits, counting those in their grace period. */
  limitOf(room: RoomShape): number {
    const { meshMaxParticipants } = this.config.rooms;
    const sfuMax = this.config.sfu.maxParticipants;
    if (room.topology === 'mesh') return Math.min(room.capacity, meshMaxParticipants);
    if (room.topology === 'sfu') return Math.min(room.capacity, sfuMax);
    return Math.min(room.capacity, this.sfuAvailable() ? sfuMax : meshMaxParticipants);
  }

  /** The topology a call runs on now, given the one a participant joined with. */
  async liveOf(roomId: string, joinedWith: LiveTopology): Promise<LiveTopology> {
    return (await this.live.get(roomId))?.topology ?? joinedWith;
  }

  /** The room's router capabilities (opening its router when it has none). */
  routerCapabilities(roomId: string): Promise<SfuRtpCapabilities> {
    return routerCapabilitiesVia(this.relay, roomId);
  }

  /** Before a join takes its seat: an `sfu` room needs the media server (`sfu_unavailable`). */
  async beforeJoin(room: RoomShape): Promise<SfuRtpCapabilities | undefined> {
    if (room.topology !== 'sfu') return undefined;
    if (!this.config.sfu.enabled) {
      throw new AppError(
        ErrorCode.SfuUnavailable,
        `Room ${room.id} needs the SFU, which is turned off on this server (SFU_ENABLED=false).`,
      );
    }
    return routerCapabilitiesVia(this.relay, room.id);
  }

  /**
   * Once a join has its seat (`count` participants now, itself included): the topology to answer
   * with, moving an `auto` call to the SFU when it outgrew the threshold.
   */
  async afterJoin(
    room: RoomShape,
    count: number,
    sfuCapabilities: SfuRtpCapabilities | undefined,
  ): Promise<JoinTopology> {
    if (room.topology === 'mesh') return { topology: 'mesh', switched: false };
    if (room.topology === 'sfu') {
      return { topology: 'sfu', routerRtpCapabilities: sfuCapabilities!, switched: false };
    }
    this.cancelReturn(room.id);
    const before = await this.live.get(room.id);
    const wantsSfu = before?.topology === 'sfu' || count > this.config.sfu.autoThreshold;
    if (!wantsSfu || !this.sfuAvailable()) {
      // Still counted: a join voids a return to mesh planned on any node.
      await this.live.joined(room.id, false);
      return { topology: 'mesh', switched: false };
    }
    let routerRtpCapabilities: SfuRtpCapabilities;
    try {
      routerRtpCapabilities = await routerCapabilitiesVia(this.relay, room.id);
    } catch (err) {
      this.logger.warn(
        { err, roomId: room.id },
        'the SFU could not take an auto call; it stays mesh',
      );
      await this.live.joined(room.id, false);
      return { topology: 'mesh', switched: false };
    }
    // Of joins racing on several nodes, exactly one moves the call (and announces it).
    const { switched } = await this.live.joined(room.id, true);
    if (switched) this.logger.info({ roomId: room.id, count }, 'an auto call moves to the SFU');
    return { topology: 'sfu', routerRtpCapabilities, switched };
  }

  /** Tells the others in the call that it moved (after the joiner has its answer). */
  announce(roomId: string, topology: JoinTopology, except: string | null): void {
    this.broadcast?.(roomId, except, {
      roomId,
      topology: topology.topology,
      ...(topology.routerRtpCapabilities
        ? { routerRtpCapabilities: topology.routerRtpCapabilities }
        : {}),
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe();
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const { timer } of this.returns.values()) clearTimeout(timer);
    this.returns.clear();
  }

  /** Someone left: an empty call forgets its topology; a small one on the SFU may return to mesh. */
  private async shrunk(roomId: string): Promise<void> {
    const entry = await this.live.get(roomId);
    if (!entry) return;
    const count = (await this.state.list(roomId)).length;
    if (count === 0) {
      this.cancelReturn(roomId);
      await this.live.forget(roomId);
      return;
    }
    if (entry.topology !== 'sfu' || count > this.config.sfu.autoThreshold) return;
    const { epoch } = entry;
    const { meshReturnMs } = this.config.sfu;
    // A timer planned before a join through another node waits for an epoch that is gone.
    if (this.returns.get(roomId)?.epoch !== epoch) {
      this.cancelReturn(roomId);
      const timer = setTimeout(() => {
        this.returns.delete(roomId);
        void this.perform(roomId, epoch);
      }, meshReturnMs);
      timer.unref();
      this.returns.set(roomId, { epoch, timer });
    }
    // In the store too: should this node be gone by then, another performs it.
    await this.live.planReturn(roomId, epoch, meshReturnMs);
  }

  private cancelReturn(roomId: string): void {
    clearTimeout(this.returns.get(roomId)?.timer);
    this.returns.delete(roomId);
  }

  /** Performs the returns to mesh that are due, whichever node planned them. */
  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const { roomId, epoch } of await this.live.dueReturns(SWEEP_BATCH)) {
        await this.perform(roomId, epoch);
      }
    } catch (err) {
      this.logger.warn({ err }, 'looking for due returns to mesh failed; the next sweep retries');
    } finally {
      this.sweeping = false;
    }
  }

  private async perform(roomId: string, epoch: number): Promise<void> {
    try {
      await this.returnToMesh(roomId, epoch);
    } catch (err) {
      this.logger.error({ err, roomId }, 'returning an auto call to mesh failed');
    }
  }

  /** Returns the call to mesh unless someone joined since `epoch` (on any node) or it grew. */
  private async returnToMesh(roomId: string, epoch: number): Promise<void> {
    const count = (await this.state.list(roomId)).length;
    if (count > this.config.sfu.autoThreshold) return;
    if (!(await this.live.returnToMesh(roomId, epoch))) return;
    // An empty call whose last node went before it forgot the call: nobody to tell, but its plan
    // must not wait in the store for every sweep.
    if (count === 0) return;
    this.logger.info({ roomId, count }, 'an auto call returns to mesh');
    this.broadcast?.(roomId, null, { roomId, topology: 'mesh' });
  }
}
