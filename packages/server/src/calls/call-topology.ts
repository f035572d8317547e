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

/** The topology a call runs on now. */
export type LiveTopology = Exclude<RoomTopology, 'auto'>;

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

interface AutoRoom {
  topology: LiveTopology;
  returnTimer: NodeJS.Timeout | null;
}

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
 * The live topology of `auto` calls is kept in this process: with several nodes, a room's call
 * must be served by one node for its switch to be seen by all (see docs/server/scaling.md). The
 * router capabilities come through the {@link SfuRelay}, so the router opens on the room's node.
 */
@Injectable()
export class CallTopology implements OnApplicationShutdown {
  private readonly auto = new Map<string, AutoRoom>();
  private broadcast: TopologyBroadcast | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MEDIA_SERVER) private readonly media: MediaServer,
    @Inject(SFU_RELAY) private readonly relay: SfuRelay,
    @Inject(CALL_STATE) private readonly state: CallState,
    @Inject(EventBus) events: EventBus,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.unsubscribe = events.on('call.left', ({ roomId }) => this.shrunk(roomId));
  }

  /** How `call_topology_changed` reaches a room's call; the call service hands it over. */
  attach(broadcast: TopologyBroadcast): void {
    this.broadcast = broadcast;
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

  /** The topology a call runs on now (the room's own, or an `auto` call's current one). */
  current(roomId: string, roomTopology: RoomTopology): LiveTopology {
    if (roomTopology !== 'auto') return roomTopology;
    return this.auto.get(roomId)?.topology ?? 'mesh';
  }

  /** The topology a call runs on now, given the one a participant joined with. */
  liveOf(roomId: string, joinedWith: LiveTopology): LiveTopology {
    return this.auto.get(roomId)?.topology ?? joinedWith;
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
    let entry = this.auto.get(room.id);
    if (!entry) this.auto.set(room.id, (entry = { topology: 'mesh', returnTimer: null }));
    if (entry.returnTimer) clearTimeout(entry.returnTimer);
    entry.returnTimer = null;
    const wantsSfu = entry.topology === 'sfu' || count > this.config.sfu.autoThreshold;
    if (!wantsSfu || !this.sfuAvailable()) return { topology: 'mesh', switched: false };
    try {
      const routerRtpCapabilities = await routerCapabilitiesVia(this.relay, room.id);
      const switched = entry.topology === 'mesh';
      entry.topology = 'sfu';
      if (switched) this.logger.info({ roomId: room.id, count }, 'an auto call moves to the SFU');
      return { topology: 'sfu', routerRtpCapabilities, switched };
    } catch (err) {
      this.logger.warn(
        { err, roomId: room.id },
        'the SFU could not take an auto call; it stays mesh',
      );
      return { topology: 'mesh', switched: false };
    }
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
    for (const entry of this.auto.values()) if (entry.returnTimer) clearTimeout(entry.returnTimer);
    this.auto.clear();
  }

  /** Someone left: an empty call forgets its topology; a small one on the SFU may return to mesh. */
  private async shrunk(roomId: string): Promise<void> {
    const entry = this.auto.get(roomId);
    if (!entry) return;
    const count = (await this.state.list(roomId)).length;
    if (count === 0) {
      if (entry.returnTimer) clearTimeout(entry.returnTimer);
      this.auto.delete(roomId);
      return;
    }
    if (entry.topology !== 'sfu' || count > this.config.sfu.autoThreshold || entry.returnTimer)
      return;
    entry.returnTimer = setTimeout(() => {
      entry.returnTimer = null;
      void this.returnToMesh(roomId, entry).catch((err: unknown) =>
        this.logger.error({ err, roomId }, 'returning an auto call to mesh failed'),
      );
    }, this.config.sfu.meshReturnMs);
    entry.returnTimer.unref();
  }

  private async returnToMesh(roomId: string, entry: AutoRoom): Promise<void> {
    if (this.auto.get(roomId) !== entry || entry.topology !== 'sfu') return;
    const count = (await this.state.list(roomId)).length;
    if (count === 0 || count > this.config.sfu.autoThreshold) return;
    entry.topology = 'mesh';
    this.logger.info({ roomId, count }, 'an auto call returns to mesh');
    this.broadcast?.(roomId, null, { roomId, topology: 'mesh' });
  }
}
