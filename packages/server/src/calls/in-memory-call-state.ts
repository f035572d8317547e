import { Injectable } from '@nestjs/common';
import {
  meets,
  type CallState,
  type JoinOutcome,
  type ParticipantCondition,
  type ParticipantPatch,
  type ParticipantRecord,
} from './call-state.js';

/**
 * The embedded {@link CallState}: a map per room in this process. Each method runs without an
 * `await` between its check and its change, which makes it atomic on Node's single thread.
 */
@Injectable()
export class InMemoryCallState implements CallState {
  private readonly rooms = new Map<string, Map<string, ParticipantRecord>>();

  join(record: ParticipantRecord, limit: number): Promise<JoinOutcome> {
    let room = this.rooms.get(record.roomId);
    if (room && room.size >= limit) return Promise.resolve({ ok: false, reason: 'full' });
    if (!room) this.rooms.set(record.roomId, (room = new Map<string, ParticipantRecord>()));
    const others = [...room.values()].map(clone);
    const sessionId = others[0]?.sessionId ?? record.sessionId;
    room.set(record.info.id, { ...clone(record), sessionId });
    return Promise.resolve({ ok: true, others, sessionId });
  }

  get(roomId: string, participantId: string): Promise<ParticipantRecord | null> {
    const record = this.rooms.get(roomId)?.get(participantId);
    return Promise.resolve(record ? clone(record) : null);
  }

  list(roomId: string): Promise<ParticipantRecord[]> {
    return Promise.resolve([...(this.rooms.get(roomId)?.values() ?? [])].map(clone));
  }

  listByNode(nodeId: string): Promise<ParticipantRecord[]> {
    const found: ParticipantRecord[] = [];
    for (const room of this.rooms.values()) {
      for (const record of room.values()) if (record.nodeId === nodeId) found.push(clone(record));
    }
    return Promise.resolve(found);
  }

  update(
    roomId: string,
    participantId: string,
    patch: ParticipantPatch,
    condition?: ParticipantCondition,
  ): Promise<ParticipantRecord | null> {
    const record = this.rooms.get(roomId)?.get(participantId);
    if (!record || !meets(record, condition)) return Promise.resolve(null);
    const { socketId, nodeId, granted, ...info } = patch;
    if (socketId !== undefined) record.socketId = socketId;
    if (nodeId !== undefined) record.nodeId = nodeId;
    if (granted !== undefined) record.granted = { ...granted };
    record.info = { ...record.info, ...info };
    return Promise.resolve(clone(record));
  }

  remove(
    roomId: string,
    participantId: string,
    condition?: ParticipantCondition,
  ): Promise<ParticipantRecord | null> {
    const room = this.rooms.get(roomId);
    const record = room?.get(participantId);
    if (!room || !record || !meets(record, condition)) return Promise.resolve(null);
    room.delete(participantId);
    if (room.size === 0) this.rooms.delete(roomId);
    return Promise.resolve(record);
  }

  removeRoom(roomId: string): Promise<ParticipantRecord[]> {
    const room = this.rooms.get(roomId);
    this.rooms.delete(roomId);
    return Promise.resolve([...(room?.values() ?? [])]);
  }

  counts(): Promise<{ rooms: number; participants: number }> {
    let participants = 0;
    for (const room of this.rooms.values()) participants += room.size;
    return Promise.resolve({ rooms: this.rooms.size, participants });
  }
}

// Callers get copies, as they would from a shared store: mutating one never changes the state.
// Written out rather than structuredClone, which costs several times more on the signalling path.
function clone(record: ParticipantRecord): ParticipantRecord {
  const { info } = record;
  return {
    ...record,
    room: { ...record.room },
    ...(record.granted ? { granted: { ...record.granted } } : {}),
    info: {
      ...info,
      permissions: { ...info.permissions },
      tracks: info.tracks.map((t) => ({ ...t })),
    },
  };
}
