import type {
  CallRoomInfo,
  ParticipantConnection,
  ParticipantInfo,
  ParticipantPermissions,
} from '@minimeet/protocol';

/** A participant of a call as the server keeps it: what everyone sees, plus what only the server knows. */
export interface ParticipantRecord {
  /** The room whose call it is in. */
  roomId: string;
  /** The room as it was when the participant joined. */
  room: CallRoomInfo;
  /** What the others see. */
  info: ParticipantInfo;
  /**
   * What the room and the principal's token allow, before any host changed it; hosts' changes
   * apply to this. Absent on records stored before it existed: `info.permissions` stands in.
   */
  granted?: ParticipantPermissions;
  /** The secret that lets it resume after a dropped connection. */
  resumeKey: string;
  /** The Socket.IO socket it is bound to now (the last one while it is reconnecting). */
  socketId: string;
  /** The server node that socket lives on (`NODE_ID`); a node that dies takes its participants into grace. */
  nodeId: string;
  /** When it joined, in epoch milliseconds. */
  joinedAtMs: number;
  /**
   * The call session it is part of: the first participant of a call mints it and everyone who
   * joins while anyone is still there (counting those in grace) takes it over, in the same atomic
   * step as the join.
   */
  sessionId: string;
}

/** The outcome of {@link CallState.join}: the others already in the call, or a full room. */
export type JoinOutcome =
  { ok: true; others: ParticipantRecord[]; sessionId: string } | { ok: false; reason: 'full' };

/** Changes {@link CallState.update} may apply to a participant. */
export type ParticipantPatch = Partial<Pick<ParticipantRecord, 'socketId' | 'nodeId' | 'granted'>> &
  Partial<Pick<ParticipantInfo, 'connection' | 'tracks' | 'role' | 'permissions'>>;

/**
 * What a participant must still look like for a change to apply: compare-and-set, so that a
 * change decided on an earlier read never overwrites what a racing request (a resume on another
 * node, say) did in between.
 */
export interface ParticipantCondition {
  /** It is still bound to this socket. */
  socketId?: string;
  /** Its connection is still this. */
  connection?: ParticipantConnection;
}

/**
 * Who is in which room's call right now. Every method is atomic for one room, so that two joins
 * racing for the last seat can never both win, on one node or on several; the in-process adapter
 * serves one node, the Redis adapter a deployment of several.
 */
export interface CallState {
  /**
   * Inserts the participant unless the call already holds `limit` participants (counting those in
   * grace). It keeps its `sessionId` when the call was empty, else takes the call's own, which the
   * outcome reports.
   */
  join(record: ParticipantRecord, limit: number): Promise<JoinOutcome>;
  /** One participant of a room's call, or null. */
  get(roomId: string, participantId: string): Promise<ParticipantRecord | null>;
  /** Every participant of a room's call, in join order. */
  list(roomId: string): Promise<ParticipantRecord[]>;
  /** Every participant whose socket lives (or lived) on a node, in no particular order. */
  listByNode(nodeId: string): Promise<ParticipantRecord[]>;
  /**
   * Applies a change and returns the participant as it is now, or null when it is gone or no
   * longer meets `condition` (then nothing changes).
   */
  update(
    roomId: string,
    participantId: string,
    patch: ParticipantPatch,
    condition?: ParticipantCondition,
  ): Promise<ParticipantRecord | null>;
  /**
   * Removes a participant and returns it, or null when it was already gone or no longer meets
   * `condition` (then it stays).
   */
  remove(
    roomId: string,
    participantId: string,
    condition?: ParticipantCondition,
  ): Promise<ParticipantRecord | null>;
  /** Removes everyone from a room's call and returns who was there. */
  removeRoom(roomId: string): Promise<ParticipantRecord[]>;
  /** How many rooms have a call and how many participants are in calls, across the state. */
  counts(): Promise<{ rooms: number; participants: number }>;
}

/** DI token of the {@link CallState} port. */
export const CALL_STATE = Symbol('CALL_STATE');

/** Whether a participant meets a {@link ParticipantCondition}. */
export function meets(record: ParticipantRecord, condition: ParticipantCondition = {}): boolean {
  return (
    (condition.socketId === undefined || record.socketId === condition.socketId) &&
    (condition.connection === undefined || record.info.connection === condition.connection)
  );
}
