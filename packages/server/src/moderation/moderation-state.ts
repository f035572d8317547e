import type { LobbyEntry, ModerationGrants, RaisedHand } from '@minimeet/protocol';

/** A lobby wait as the server keeps it: what hosts see, plus the socket to tell the outcome. */
export interface LobbyRecord extends LobbyEntry {
  /** The waiter's socket. */
  socketId: string;
}

/**
 * The live moderation state of rooms: bars after a removal, grants a host changed, the lobby queue
 * and its admissions, and raised hands (a room's lock and lobby setting are kept with the room).
 * Each operation is atomic for one room, so that two hosts deciding on one wait have one outcome
 * on one node or on several; the in-process adapter serves one node, the Redis adapter a
 * deployment.
 */
export interface ModerationState {
  /** Bars a principal from a room's call until `untilMs` (epoch ms). */
  ban(roomId: string, principalId: string, untilMs: number): Promise<void>;
  /** Until when a principal is barred from a room's call (epoch ms), or null. */
  bannedUntil(roomId: string, principalId: string): Promise<number | null>;
  /** Merges a host's grant change for a principal in a room; returns the grants it has now. */
  changeGrants(
    roomId: string,
    principalId: string,
    grants: ModerationGrants,
  ): Promise<ModerationGrants>;
  /** What hosts changed of a principal's grants in a room, or null. */
  grantsOf(roomId: string, principalId: string): Promise<ModerationGrants | null>;
  /** Puts a wait in the lobby, replacing an earlier wait of the same principal (returned, or null). */
  knock(roomId: string, record: LobbyRecord): Promise<LobbyRecord | null>;
  /** Who waits, longest first. */
  lobby(roomId: string): Promise<LobbyRecord[]>;
  /** Takes a wait out of the lobby; of several racing calls exactly one gets it, the others null. */
  take(roomId: string, entryId: string): Promise<LobbyRecord | null>;
  /** Lets a principal join once within `ttlMs` despite the lock and the lobby. */
  admit(roomId: string, principalId: string, ttlMs: number): Promise<void>;
  /** Whether a principal holds an admission. */
  admitted(roomId: string, principalId: string): Promise<boolean>;
  /** Uses up an admission. */
  consumeAdmission(roomId: string, principalId: string): Promise<void>;
  /** Raises a hand (a hand already up keeps its place); returns the hands in order. */
  raiseHand(roomId: string, participantId: string, atMs: number): Promise<RaisedHand[]>;
  /** Lowers a hand; returns the hands in order, or null when it was not up. */
  lowerHand(roomId: string, participantId: string): Promise<RaisedHand[] | null>;
  /** The hands up, in the order they went up. */
  hands(roomId: string): Promise<RaisedHand[]>;
  /** Forgets what belongs to one call (hands, grant changes), when it ends; bars stay. */
  endCall(roomId: string): Promise<void>;
}

/** DI token of the {@link ModerationState} port. */
export const MODERATION_STATE = Symbol('MODERATION_STATE');

/** How long a host's grant change outlives the call at most (it ends with the call anyway). */
export const GRANTS_TTL_MS = 24 * 3600_000;
