import type { AppConfig } from '../config/config.js';
import type { CallAnnouncer } from './call-announcer.js';
import type { CallBindings } from './call-bindings.js';
import type { CallState, ParticipantRecord } from './call-state.js';
import type { GraceStore } from './grace-store.js';

/**
 * Reconnect grace periods, and the calls of a node that stopped: a participant whose connection
 * dropped (or whose node is gone) shows as `reconnecting` and may resume within the grace period,
 * on any node; past it, it leaves with `timeout`. A node whose heartbeat ran out while it lived on
 * takes its participants back.
 */
export class CallGrace {
  constructor(
    private readonly config: AppConfig,
    private readonly state: CallState,
    private readonly graces: GraceStore,
    private readonly bindings: CallBindings,
    private readonly announce: CallAnnouncer,
  ) {}

  /** Puts a participant into its grace period, unless it has been resumed on another socket meanwhile. */
  async start(record: ParticipantRecord): Promise<void> {
    const { roomId } = record;
    const participantId = record.info.id;
    const updated = await this.state.update(
      roomId,
      participantId,
      { connection: 'reconnecting' },
      { socketId: record.socketId },
    );
    if (!updated) return;
    await this.graces.start(roomId, participantId, this.config.rooms.reconnectGraceMs);
    this.announce.updated(updated, null);
    this.announce.reconnecting(updated);
  }

  /** A grace period ran out: the participant leaves with `timeout`, unless it resumed meanwhile. */
  async expire(roomId: string, participantId: string): Promise<void> {
    // A participant that resumed meanwhile is connected again and stays.
    const removed = await this.state.remove(roomId, participantId, { connection: 'reconnecting' });
    if (removed) this.announce.left(removed, 'timeout');
  }

  /**
   * A node stopped (or this node starts after an earlier life under the same id): its connected
   * participants lost their sockets with it and go into their grace period, within which they
   * may resume on any node; those already in grace keep (or get) a deadline.
   */
  async takeOverNode(nodeId: string): Promise<void> {
    for (const record of await this.state.listByNode(nodeId)) {
      if (record.info.connection === 'connected') {
        await this.start(record);
      } else {
        await this.graces.ensure(record.roomId, record.info.id, this.config.rooms.reconnectGraceMs);
      }
    }
  }

  /**
   * This node's heartbeat had run out and a survivor may have put participants whose sockets are
   * still open here into grace: they are connected again, and get what was queued meanwhile.
   */
  async takeBack(): Promise<void> {
    for (const record of await this.state.listByNode(this.config.nodeId)) {
      const { roomId, socketId } = record;
      const participantId = record.info.id;
      if (record.info.connection !== 'reconnecting') continue;
      if (this.bindings.participantOf(socketId, roomId) !== participantId) continue;
      const updated = await this.state.update(
        roomId,
        participantId,
        { connection: 'connected' },
        { socketId, connection: 'reconnecting' },
      );
      if (!updated) continue;
      for (const signal of await this.graces.end(roomId, participantId)) {
        this.announce.deliver(socketId, signal);
      }
      this.announce.updated(updated, null);
      this.announce.resumed(updated);
    }
  }
}
