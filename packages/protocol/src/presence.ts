/** Presence: who is online, away, busy or in a call, across the whole app. */

/**
 * A user's presence. From most to least available: `online`, `in_call`, `away`, `busy`, `offline`.
 * With several tabs or devices, the most available connection wins; `busy` is set by the user and
 * holds for all of them.
 */
export type PresenceState = 'online' | 'away' | 'busy' | 'in_call' | 'offline';

/** A user's presence as another user sees it. */
export interface UserPresence {
  /** The user id. */
  userId: string;
  /** The aggregated state. */
  state: PresenceState;
  /** With `in_call`: the room of the call, unless that room is private (then null). */
  roomId: string | null;
  /** A short status text the user set, or null. */
  statusText: string | null;
  /**
   * ISO 8601 time the user was last connected: for `offline`, when the last connection went away
   * (null when never seen); otherwise the time of the last change.
   */
  lastSeenAt: string | null;
}

/** `presence_update` (client → server): what this connection or this user reports. */
export interface PresenceUpdatePayload {
  /**
   * This connection is away (the page is hidden or the user idle) or not. Per connection: another
   * tab that is active keeps the user `online`.
   */
  away?: boolean;
  /** The user is busy (do not disturb). Per user: holds for every connection until cleared. */
  busy?: boolean;
  /** A short status text (at most 100 characters), or null to clear it. Per user. */
  statusText?: string | null;
}

/** Answer to `presence_update`: the user's presence as others now see it. */
export interface PresenceUpdateResult {
  /** The user's own aggregated presence. */
  presence: UserPresence;
}

/** `presence_subscribe`: follow the presence of some users, or of everyone one shares a room with. */
export interface PresenceSubscribePayload {
  /** Users to follow (at most 500). Users who share no room with the caller are left out. */
  userIds?: string[];
  /**
   * Follow everyone who shares a room with the caller, including people who join one of those
   * rooms later.
   */
  sharedRooms?: boolean;
}

/** Answer to `presence_subscribe`: a snapshot of every user now followed that the call added. */
export interface PresenceSnapshot {
  /** One entry per visible user. */
  presences: UserPresence[];
}

/** `presence_unsubscribe`: stop following some users, or the shared-rooms set. */
export interface PresenceUnsubscribePayload {
  /** Users to stop following. */
  userIds?: string[];
  /** Stop following everyone one shares a room with. */
  sharedRooms?: boolean;
}

/** Server → client `presence_changed`: a followed user's presence changed. */
export type PresenceChangedEvent = UserPresence;
