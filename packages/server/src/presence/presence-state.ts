import type { PresenceState, UserPresence } from '@minimeet/protocol';
import type { PresenceRecord } from './presence-store.js';

/** The part of a presence that followers are told about when it changes. */
export interface AggregatePresence {
  /** The state. */
  state: PresenceState;
  /** The room of the call shown with `in_call`, or null. */
  roomId: string | null;
  /** The status text, or null. */
  statusText: string | null;
}

/**
 * A user's presence from their record. Busy (set by the user) wins while they are connected.
 * Otherwise the most available connection counts: `online` when more connections are active (not
 * away) than the user has calls, since each call holds one connection; `in_call` when a call
 * remains (the latest one's room, null for a private room); `away` when connected at all;
 * `offline` without connections.
 */
export function aggregate(record: PresenceRecord): AggregatePresence {
  const statusText = record.statusText;
  const connected = record.connections.length;
  if (connected === 0) return { state: 'offline', roomId: null, statusText };
  if (record.busy) return { state: 'busy', roomId: null, statusText };
  const active = record.connections.filter((c) => !c.away).length;
  if (active > record.calls.length) return { state: 'online', roomId: null, statusText };
  if (record.calls.length > 0) {
    const latest = record.calls.reduce((a, b) => (b.joinedAt > a.joinedAt ? b : a));
    return { state: 'in_call', roomId: latest.roomId, statusText };
  }
  return { state: 'away', roomId: null, statusText };
}

/** The key {@link PresenceStore.settle} compares: equal keys mean nothing a follower sees changed. */
export function announcementKey(presence: AggregatePresence): string {
  return JSON.stringify([presence.state, presence.roomId, presence.statusText]);
}

/**
 * The presence others see. `lastSeenAt` is the time of the last announced change; for `offline`,
 * when the last connection went, from the record if it announced that, else `storedLastSeen`
 * (kept in the users table across restarts).
 */
export function toUserPresence(
  record: PresenceRecord,
  storedLastSeen: Date | null,
  now = Date.now(),
): UserPresence {
  const presence = aggregate(record);
  const key = announcementKey(presence);
  let lastSeen: number | null;
  if (presence.state === 'offline') {
    const announced = record.announced === key ? record.changedAt : null;
    lastSeen = announced ?? storedLastSeen?.getTime() ?? null;
  } else {
    // A change not yet announced is being announced now.
    lastSeen = record.announced === key && record.changedAt !== null ? record.changedAt : now;
  }
  return {
    userId: record.userId,
    state: presence.state,
    roomId: presence.roomId,
    statusText: presence.statusText,
    lastSeenAt: lastSeen === null ? null : new Date(lastSeen).toISOString(),
  };
}
