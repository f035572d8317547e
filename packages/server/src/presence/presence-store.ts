/** One live connection of a user, as presence keeps it. */
export interface PresenceConnection {
  /** The Socket.IO socket id. */
  connectionId: string;
  /** The connection reported that its page is hidden or its user idle. */
  away: boolean;
}

/** A call a user is in (one participant of one room's call). */
export interface PresenceCall {
  /** The participant id the call gave. */
  participantId: string;
  /** The room of the call, or null when the room is private and must not be shown. */
  roomId: string | null;
  /** When the participant joined, in epoch milliseconds (the latest call is the one shown). */
  joinedAt: number;
}

/**
 * What the store keeps about one user: the inputs of their presence, and what was last announced
 * to their followers. A user the store has never seen has version 0 and nothing else.
 */
export interface PresenceRecord {
  /** The user id. */
  userId: string;
  /** Grows with every change to the record, whichever node made it. */
  version: number;
  /** The user's live connections, on every node. */
  connections: PresenceConnection[];
  /** The calls the user is in. */
  calls: PresenceCall[];
  /** The user set "do not disturb". */
  busy: boolean;
  /** The user's status text, or null. */
  statusText: string | null;
  /** The presence last announced, as the opaque key {@link PresenceStore.settle} compares; or null. */
  announced: string | null;
  /** When the announced presence last changed, in epoch milliseconds, or null. */
  changedAt: number | null;
}

/** One change to a user's presence inputs; every part is optional, and applied in one step. */
export interface PresenceChange {
  /**
   * The connection the change comes from. It is registered (on this store's node) when it is not
   * known yet, unless `disconnected` says it is gone.
   */
  connectionId?: string;
  /** With `connectionId`: the connection is away (hidden or idle) or not. */
  away?: boolean;
  /** With `connectionId`: the connection closed; it no longer counts. */
  disconnected?: boolean;
  /** The user is busy, or no longer. */
  busy?: boolean;
  /** A new status text, or null to clear it. */
  statusText?: string | null;
  /** The user entered a call. */
  joined?: { participantId: string; roomId: string | null };
  /** The participant id of a call the user left. */
  left?: string;
}

/**
 * A membership change every node must hear about, because the sockets that follow the people
 * involved may live on any node.
 */
export type PresenceMessage =
  | { type: 'member_added'; roomId: string; userId: string }
  | { type: 'member_removed'; roomId: string; userId: string }
  | { type: 'room_deleted'; roomId: string };

/**
 * Where presence lives: the users' connections, calls and status, shared by every node of a
 * deployment. Each node renews its own connections while it lives; when a node stops doing so
 * (it died), the others remove its connections after the timeout and report whose presence that
 * changed, exactly once. Every method is atomic for the user it touches.
 */
export interface PresenceStore {
  /** Applies a change to a user's record and returns the record as it is now. */
  apply(userId: string, change: PresenceChange): Promise<PresenceRecord>;
  /** The records of these users, in the same order (an unknown user gets an empty record). */
  get(userIds: readonly string[]): Promise<PresenceRecord[]>;
  /**
   * Records `announced` as the user's announced presence if the record is still at `version` and
   * announced something else. Returns the time of the change (the caller then tells the
   * followers), or null: nothing changed, or a later change will be announced by whoever made it.
   */
  settle(userId: string, version: number, announced: string): Promise<number | null>;
  /** Tells every node (this one included) about a membership change. */
  publish(message: PresenceMessage): Promise<void>;
  /** Listens to {@link publish}ed messages; returns a function that stops listening. */
  onMessage(listener: (message: PresenceMessage) => void): () => void;
  /**
   * Listens to changes the store made by itself: connections of a dead node removed, or this
   * node's connections registered again after it was taken for dead. Gets the users affected.
   */
  onUsersChanged(listener: (userIds: string[]) => void): () => void;
  /** Starts renewing this node's connections and sweeping those of dead nodes. */
  start(): Promise<void>;
  /** Stops the timers and closes what the store opened; this node's connections expire. */
  close(): Promise<void>;
}

/** DI token of the {@link PresenceStore} port. */
export const PRESENCE_STORE = Symbol('PRESENCE_STORE');

/** How a store keeps time: a node renews every `heartbeatMs` and counts as dead `ttlMs` after its last renewal. */
export interface PresenceTiming {
  /** How often a node renews its connections. */
  heartbeatMs: number;
  /** How long after its last renewal a node's connections count as gone. */
  ttlMs: number;
  /** How often a node looks for dead nodes. */
  sweepMs: number;
}

/**
 * Timing for a presence timeout: a dead node's connections are gone within `timeoutMs` (its last
 * renewal plus the time-to-live, plus at most one sweep interval), and a live node renews three
 * times within it.
 */
export function presenceTiming(timeoutMs: number): PresenceTiming {
  const sweepMs = Math.min(1000, Math.round(timeoutMs / 4));
  return {
    heartbeatMs: Math.round(timeoutMs / 3),
    ttlMs: timeoutMs - sweepMs,
    sweepMs,
  };
}

/** The most connections one sweep step removes; further steps follow at once, a few per interval. */
export const SWEEP_BATCH = 500;

/** The most sweep steps per interval, so that a huge dead node is taken apart over several intervals. */
export const SWEEP_STEPS_PER_INTERVAL = 10;

/** How long the record of a user without connections is kept (its busy flag and status text). */
export const OFFLINE_RECORD_TTL_SECONDS = 30 * 86_400;

/** An empty record, for a user the store does not know. */
export function emptyRecord(userId: string): PresenceRecord {
  return {
    userId,
    version: 0,
    connections: [],
    calls: [],
    busy: false,
    statusText: null,
    announced: null,
    changedAt: null,
  };
}

/** Checks a message that came from another node; anything else is dropped. */
export function parsePresenceMessage(raw: string): PresenceMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if (typeof m.roomId !== 'string') return null;
  if (m.type === 'room_deleted') return { type: 'room_deleted', roomId: m.roomId };
  if ((m.type === 'member_added' || m.type === 'member_removed') && typeof m.userId === 'string')
    return { type: m.type, roomId: m.roomId, userId: m.userId };
  return null;
}
