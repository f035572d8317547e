import type { CallRoomInfo, ParticipantInfo } from '@minimeet/protocol';

/** A participant of a call as the server keeps it: what everyone sees, plus what only the server knows. */
export interface ParticipantRecord {
  /** The room whose call it is in. */
  roomId: string;
  /** The room as it was when the participant joined. */
  room: CallRoomInfo;
  /** What the others see. */
  info: ParticipantInfo;
  /** The secret that lets it resume after a dropped connection. */
  resumeKey: string;
  /** The Socket.IO socket it is bound to now (the last one while it is reconnecting). */
  socketId: string;
  /** When it joined, in epoch milliseconds. */
  joinedAtMs: number;
}

/** The outcome of {@link CallState.join}: the others already in the call, or a full room. */
export type JoinOutcome = { ok: true; others: ParticipantRecord[] } | { ok: false; reason: 'full' };

/** Changes {@link CallState.update} may apply to a participant. */
export type ParticipantPatch = Partial<Pick<ParticipantRecord, 'socketId'>> &
  Partial<Pick<ParticipantInfo, 'connection' | 'tracks' | 'role' | 'permissions'>>;

/**
 * Who is in which room's call right now. Every method is atomic for one room, so that two joins
 * racing for the last seat can never both win; an adapter for shared state (Redis) implements the
 * same port.
 */
export interface CallState {
  /** Inserts the participant unless the call already holds `limit` participants (counting those in grace). */
  join(record: ParticipantRecord, limit: number): Promise<JoinOutcome>;
  /** One participant of a room's call, or null. */
  get(roomId: string, participantId: string): Promise<ParticipantRecord | null>;
  /** Every participant of a room's call, in join order. */
  list(roomId: string): Promise<ParticipantRecord[]>;
  /** Applies a change and returns the participant as it is now, or null when it is gone. */
  update(
    roomId: string,
    participantId: string,
    patch: ParticipantPatch,
  ): Promise<ParticipantRecord | null>;
  /** Removes a participant and returns it, or null when it was already gone. */
  remove(roomId: string, participantId: string): Promise<ParticipantRecord | null>;
  /** Removes everyone from a room's call and returns who was there. */
  removeRoom(roomId: string): Promise<ParticipantRecord[]>;
  /** How many rooms have a call and how many participants are in calls, across the state. */
  counts(): Promise<{ rooms: number; participants: number }>;
}

/** DI token of the {@link CallState} port. */
export const CALL_STATE = Symbol('CALL_STATE');
