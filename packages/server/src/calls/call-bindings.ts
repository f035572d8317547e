import { ErrorCode } from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import type { CallState, ParticipantRecord } from './call-state.js';
import type { CallTransport } from './call-transport.js';

/** The error for a request about a call this connection is not in. */
export function notInRoom(roomId: string): AppError {
  return new AppError(
    ErrorCode.NotInRoom,
    `This connection is not in the call of room ${roomId}; join it first.`,
  );
}

/**
 * This node's sockets and the participant each one is in, per room, kept in step with the
 * sockets' membership of the call channels. With several nodes the shared call state is the
 * truth: a binding it no longer backs (the participant was removed on another node, or resumed on
 * another socket) is stale, and is dropped when found.
 */
export class CallBindings {
  private readonly sockets = new Map<string, Map<string, string>>();

  constructor(
    private readonly state: CallState,
    private readonly transport: () => CallTransport,
  ) {}

  /** Binds a socket to its participant in a room, and enters it into the room's call channel. */
  bind(socketId: string, roomId: string, participantId: string): void {
    let rooms = this.sockets.get(socketId);
    if (!rooms) this.sockets.set(socketId, (rooms = new Map<string, string>()));
    rooms.set(roomId, participantId);
    this.transport().enter(socketId, roomId);
  }

  /** Unbinds a socket from a room, and takes it out of the room's call channel. */
  unbind(socketId: string, roomId: string): void {
    const rooms = this.sockets.get(socketId);
    if (rooms?.delete(roomId) && rooms.size === 0) this.sockets.delete(socketId);
    this.transport().exit(socketId, roomId);
  }

  /** Whether the socket is bound in the room. */
  has(socketId: string, roomId: string): boolean {
    return this.sockets.get(socketId)?.has(roomId) ?? false;
  }

  /** The participant a socket is in a room, if any. */
  participantOf(socketId: string, roomId: string): string | undefined {
    return this.sockets.get(socketId)?.get(roomId);
  }

  /** The rooms of a socket, with its participant in each. */
  roomsOf(socketId: string): ReadonlyMap<string, string> | undefined {
    return this.sockets.get(socketId);
  }

  /** Forgets a socket and all its bindings (it closed), and answers what they were. */
  release(socketId: string): ReadonlyMap<string, string> | undefined {
    const rooms = this.sockets.get(socketId);
    this.sockets.delete(socketId);
    return rooms;
  }

  /** The socket's participant in the room; `not_in_room` when there is none. */
  require(socketId: string, roomId: string): string {
    const participantId = this.participantOf(socketId, roomId);
    if (!participantId) throw notInRoom(roomId);
    return participantId;
  }

  /** `conflict` when the socket is in the room's call already. */
  assertNotIn(socketId: string, roomId: string): void {
    const conflict = this.conflict(socketId, roomId);
    if (conflict) throw conflict;
  }

  /** The `conflict` error when the socket is in the room's call already, or null. */
  conflict(socketId: string, roomId: string): AppError | null {
    if (!this.participantOf(socketId, roomId)) return null;
    return new AppError(
      ErrorCode.Conflict,
      `This connection is already in the call of room ${roomId}; leave it first.`,
    );
  }

  /**
   * The record of a participant bound to this socket, checked against the state: one that is gone
   * (removed on another node) or bound to another socket now (resumed elsewhere) makes the local
   * binding stale, which is dropped, and the request is refused as from outside the call.
   */
  checked(socketId: string, record: ParticipantRecord | null, roomId: string): ParticipantRecord {
    if (record?.socketId === socketId) return record;
    this.unbind(socketId, roomId);
    throw notInRoom(roomId);
  }

  /** Drops the bindings of a socket whose participants another node removed or took over. */
  async dropStale(socketId: string): Promise<void> {
    for (const [roomId, participantId] of this.sockets.get(socketId) ?? []) {
      const record = await this.state.get(roomId, participantId);
      if (record?.socketId !== socketId) this.unbind(socketId, roomId);
    }
  }
}
