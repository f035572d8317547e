import type { ModerationGrants, RaisedHand } from '@minimeet/protocol';
import { GRANTS_TTL_MS, type LobbyRecord, type ModerationState } from './moderation-state.js';

interface RoomEntry {
  bans: Map<string, number>;
  grants: Map<string, { grants: ModerationGrants; until: number }>;
  lobby: Map<string, LobbyRecord>;
  admissions: Map<string, number>;
  hands: Map<string, number>;
}

/**
 * The embedded {@link ModerationState}: a map per room in this process. No method awaits between
 * its check and its change, which makes each atomic on Node's single thread. Expired bars and
 * admissions are dropped when read.
 */
export class InMemoryModerationState implements ModerationState {
  private readonly rooms = new Map<string, RoomEntry>();

  ban(roomId: string, principalId: string, untilMs: number): Promise<void> {
    this.room(roomId).bans.set(principalId, untilMs);
    return Promise.resolve();
  }

  bannedUntil(roomId: string, principalId: string): Promise<number | null> {
    return Promise.resolve(live(this.rooms.get(roomId)?.bans, principalId));
  }

  changeGrants(
    roomId: string,
    principalId: string,
    grants: ModerationGrants,
  ): Promise<ModerationGrants> {
    const map = this.room(roomId).grants;
    const current = map.get(principalId);
    const merged = { ...(current && current.until > Date.now() ? current.grants : {}), ...grants };
    map.set(principalId, { grants: merged, until: Date.now() + GRANTS_TTL_MS });
    return Promise.resolve({ ...merged });
  }

  grantsOf(roomId: string, principalId: string): Promise<ModerationGrants | null> {
    const entry = this.rooms.get(roomId)?.grants.get(principalId);
    return Promise.resolve(entry && entry.until > Date.now() ? { ...entry.grants } : null);
  }

  knock(roomId: string, record: LobbyRecord): Promise<LobbyRecord | null> {
    const lobby = this.room(roomId).lobby;
    let replaced: LobbyRecord | null = null;
    for (const [id, r] of lobby) {
      if (r.principalId === record.principalId) {
        replaced = r;
        lobby.delete(id);
      }
    }
    lobby.set(record.id, { ...record });
    return Promise.resolve(replaced);
  }

  lobby(roomId: string): Promise<LobbyRecord[]> {
    return Promise.resolve(
      [...(this.rooms.get(roomId)?.lobby.values() ?? [])].map((r) => ({ ...r })),
    );
  }

  take(roomId: string, entryId: string): Promise<LobbyRecord | null> {
    const lobby = this.rooms.get(roomId)?.lobby;
    const record = lobby?.get(entryId) ?? null;
    if (record) lobby!.delete(entryId);
    return Promise.resolve(record);
  }

  admit(roomId: string, principalId: string, ttlMs: number): Promise<void> {
    this.room(roomId).admissions.set(principalId, Date.now() + ttlMs);
    return Promise.resolve();
  }

  admitted(roomId: string, principalId: string): Promise<boolean> {
    return Promise.resolve(live(this.rooms.get(roomId)?.admissions, principalId) !== null);
  }

  consumeAdmission(roomId: string, principalId: string): Promise<void> {
    this.rooms.get(roomId)?.admissions.delete(principalId);
    return Promise.resolve();
  }

  raiseHand(roomId: string, participantId: string, atMs: number): Promise<RaisedHand[]> {
    const hands = this.room(roomId).hands;
    if (!hands.has(participantId)) hands.set(participantId, atMs);
    return this.hands(roomId);
  }

  lowerHand(roomId: string, participantId: string): Promise<RaisedHand[] | null> {
    const hands = this.rooms.get(roomId)?.hands;
    if (!hands?.delete(participantId)) return Promise.resolve(null);
    return this.hands(roomId);
  }

  hands(roomId: string): Promise<RaisedHand[]> {
    const hands = [...(this.rooms.get(roomId)?.hands ?? [])];
    // A Map keeps insertion order, which is the order the hands went up.
    return Promise.resolve(
      hands.map(([participantId, at]) => ({ participantId, raisedAt: new Date(at).toISOString() })),
    );
  }

  endCall(roomId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    if (room) {
      room.hands.clear();
      room.grants.clear();
    }
    return Promise.resolve();
  }

  private room(roomId: string): RoomEntry {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = {
        bans: new Map(),
        grants: new Map(),
        lobby: new Map(),
        admissions: new Map(),
        hands: new Map(),
      };
      this.rooms.set(roomId, room);
    }
    return room;
  }
}

/** The deadline kept under `key` while it lies in the future; an expired one is dropped. */
function live(map: Map<string, number> | undefined, key: string): number | null {
  const until = map?.get(key);
  if (until === undefined) return null;
  if (until > Date.now()) return until;
  map!.delete(key);
  return null;
}
