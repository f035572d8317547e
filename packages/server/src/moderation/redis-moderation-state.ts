import type { ModerationGrants, RaisedHand } from '@minimeet/protocol';
import type { Redis } from 'ioredis';
import { GRANTS_TTL_MS, type LobbyRecord, type ModerationState } from './moderation-state.js';

// Keys, under the deployment's prefix <p>:
//   <p>mod:set:<room>              HASH locked, lobby ("1"/"0"); no expiry: a setting lasts
//   <p>mod:ban:<room>:<principal>  STRING deadline (epoch ms), PX until it
//   <p>mod:grants:<room>           HASH principal → JSON grants, PX a day after the last change
//   <p>mod:lobby:<room>            HASH entry id → JSON LobbyRecord
//   <p>mod:adm:<room>:<principal>  STRING "1", PX the admission's lifetime
//   <p>mod:hands:<room>            ZSET participant → time raised (ms)

// Merge the change into the stored grants in one step, so that two hosts' changes both apply.
const CHANGE_GRANTS = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local merged = current and cjson.decode(current) or {}
for k, v in pairs(cjson.decode(ARGV[2])) do merged[k] = v end
local out = cjson.encode(merged)
redis.call('HSET', KEYS[1], ARGV[1], out)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return out`;

// Remove the earlier waits of the same principal and add the new one, in one step.
const KNOCK = `
local replaced = false
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if cjson.decode(all[i + 1]).principalId == ARGV[2] then
    replaced = all[i + 1]
    redis.call('HDEL', KEYS[1], all[i])
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return replaced`;

// Read and delete in one step: of several racing hosts exactly one gets the wait.
const TAKE = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v then redis.call('HDEL', KEYS[1], ARGV[1]) end
return v`;

/**
 * The {@link ModerationState} shared by the nodes of a deployment through Redis: every operation
 * is one command or one script, so racing hosts on different nodes see one outcome.
 */
export class RedisModerationState implements ModerationState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async ban(roomId: string, principalId: string, untilMs: number): Promise<void> {
    const ttl = Math.max(1, untilMs - Date.now());
    await this.redis.set(this.key('ban', roomId, principalId), String(untilMs), 'PX', ttl);
  }

  async bannedUntil(roomId: string, principalId: string): Promise<number | null> {
    const v = await this.redis.get(this.key('ban', roomId, principalId));
    const until = v === null ? NaN : Number(v);
    return Number.isFinite(until) && until > Date.now() ? until : null;
  }

  async changeGrants(
    roomId: string,
    principalId: string,
    grants: ModerationGrants,
  ): Promise<ModerationGrants> {
    const out = (await this.redis.eval(
      CHANGE_GRANTS,
      1,
      this.key('grants', roomId),
      principalId,
      JSON.stringify(grants),
      String(GRANTS_TTL_MS),
    )) as string;
    return JSON.parse(out) as ModerationGrants;
  }

  async grantsOf(roomId: string, principalId: string): Promise<ModerationGrants | null> {
    const v = await this.redis.hget(this.key('grants', roomId), principalId);
    return v === null ? null : (JSON.parse(v) as ModerationGrants);
  }

  async knock(roomId: string, record: LobbyRecord): Promise<LobbyRecord | null> {
    const replaced = (await this.redis.eval(
      KNOCK,
      1,
      this.key('lobby', roomId),
      record.id,
      record.principalId,
      JSON.stringify(record),
    )) as string | null;
    return replaced ? (JSON.parse(replaced) as LobbyRecord) : null;
  }

  async lobby(roomId: string): Promise<LobbyRecord[]> {
    const all = await this.redis.hvals(this.key('lobby', roomId));
    return all
      .map((v) => JSON.parse(v) as LobbyRecord)
      .sort((a, b) => a.knockedAt.localeCompare(b.knockedAt) || a.id.localeCompare(b.id));
  }

  async take(roomId: string, entryId: string): Promise<LobbyRecord | null> {
    const v = (await this.redis.eval(TAKE, 1, this.key('lobby', roomId), entryId)) as string | null;
    return v ? (JSON.parse(v) as LobbyRecord) : null;
  }

  async admit(roomId: string, principalId: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.key('adm', roomId, principalId), '1', 'PX', ttlMs);
  }

  async admitted(roomId: string, principalId: string): Promise<boolean> {
    return (await this.redis.exists(this.key('adm', roomId, principalId))) === 1;
  }

  async consumeAdmission(roomId: string, principalId: string): Promise<void> {
    await this.redis.del(this.key('adm', roomId, principalId));
  }

  async raiseHand(roomId: string, participantId: string, atMs: number): Promise<RaisedHand[]> {
    await this.redis.zadd(this.key('hands', roomId), 'NX', String(atMs), participantId);
    return this.hands(roomId);
  }

  async lowerHand(roomId: string, participantId: string): Promise<RaisedHand[] | null> {
    const removed = await this.redis.zrem(this.key('hands', roomId), participantId);
    return removed === 0 ? null : this.hands(roomId);
  }

  async hands(roomId: string): Promise<RaisedHand[]> {
    const flat = await this.redis.zrange(this.key('hands', roomId), '0', '-1', 'WITHSCORES');
    const hands: RaisedHand[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      hands.push({
        participantId: flat[i],
        raisedAt: new Date(Number(flat[i + 1])).toISOString(),
      });
    }
    return hands;
  }

  async endCall(roomId: string): Promise<void> {
    await this.redis.del(this.key('hands', roomId), this.key('grants', roomId));
  }

  private key(kind: string, roomId: string, principalId?: string): string {
    return principalId === undefined
      ? `${this.prefix}mod:${kind}:${roomId}`
      : `${this.prefix}mod:${kind}:${roomId}:${principalId}`;
  }
}
