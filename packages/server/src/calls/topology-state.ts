import type { Redis } from 'ioredis';
import type { RoomTopology } from '@minimeet/protocol';
import { REDIS_NOW_LUA } from '../common/redis.js';

/** The topology a call runs on now. */
export type LiveTopology = Exclude<RoomTopology, 'auto'>;

/** An `auto` call's live topology, and the count of joins so far (which a return waits out). */
export interface AutoTopology {
  topology: LiveTopology;
  /** Goes up with every join: a return to mesh planned before a join no longer applies. */
  epoch: number;
}

/** A planned return to mesh whose time has come: the call and the epoch it was planned at. */
export interface DueReturn {
  roomId: string;
  epoch: number;
}

/**
 * Where `auto` calls keep their live topology and their planned returns to mesh: in this process
 * on one node, in Redis with several, so that every node answers a join, a resume and an SFU
 * request alike, exactly one of them announces a move, and a return planned by a node that died
 * is performed by another. Each operation is atomic.
 */
export interface TopologyState {
  /** An `auto` call's topology now, or null before its first join (it starts on mesh). */
  get(roomId: string): Promise<AutoTopology | null>;
  /**
   * Records a join (the epoch goes up), moving the call to the SFU when `toSfu`; `switched` is
   * true for the one join that moved it. A planned return to mesh is void from then on.
   */
  joined(roomId: string, toSfu: boolean): Promise<AutoTopology & { switched: boolean }>;
  /**
   * Plans the call's return to mesh `delayMs` from now (by the store's clock), if it is on the
   * SFU and nobody joined since `epoch`; a return already planned since the last join keeps its
   * earlier time.
   */
  planReturn(roomId: string, epoch: number, delayMs: number): Promise<void>;
  /** Up to `limit` planned returns that are due, for any node to perform; void ones are dropped. */
  dueReturns(limit: number): Promise<DueReturn[]>;
  /**
   * Moves the call back to mesh if it is on the SFU and nobody joined since `epoch`, which ends
   * its planned return; of several racing calls, exactly one gets true.
   */
  returnToMesh(roomId: string, epoch: number): Promise<boolean>;
  /** Forgets an empty call and its planned return. */
  forget(roomId: string): Promise<void>;
}

/** DI token of the {@link TopologyState} port. */
export const TOPOLOGY_STATE = Symbol('TOPOLOGY_STATE');

/** How long an idle call's topology is kept in Redis at most (a crashed node cannot leak it). */
const TTL_MS = 24 * 3600_000;

/** The embedded {@link TopologyState}: a map in this process, due times by its clock. */
export class InMemoryTopologyState implements TopologyState {
  private readonly rooms = new Map<string, AutoTopology & { returnAt?: number }>();

  get(roomId: string): Promise<AutoTopology | null> {
    const entry = this.rooms.get(roomId);
    return Promise.resolve(entry ? { topology: entry.topology, epoch: entry.epoch } : null);
  }

  joined(roomId: string, toSfu: boolean): Promise<AutoTopology & { switched: boolean }> {
    const entry = this.rooms.get(roomId) ?? { topology: 'mesh', epoch: 0 };
    const switched = toSfu && entry.topology === 'mesh';
    const next: AutoTopology = {
      topology: toSfu ? 'sfu' : entry.topology,
      epoch: entry.epoch + 1,
    };
    this.rooms.set(roomId, next);
    return Promise.resolve({ ...next, switched });
  }

  planReturn(roomId: string, epoch: number, delayMs: number): Promise<void> {
    const entry = this.rooms.get(roomId);
    if (entry?.topology === 'sfu' && entry.epoch === epoch) {
      entry.returnAt ??= Date.now() + delayMs;
    }
    return Promise.resolve();
  }

  dueReturns(limit: number): Promise<DueReturn[]> {
    const now = Date.now();
    const due = [...this.rooms]
      .filter(([, entry]) => entry.returnAt !== undefined && entry.returnAt <= now)
      .sort(([, a], [, b]) => a.returnAt! - b.returnAt!)
      .slice(0, limit);
    return Promise.resolve(due.map(([roomId, { epoch }]) => ({ roomId, epoch })));
  }

  returnToMesh(roomId: string, epoch: number): Promise<boolean> {
    const entry = this.rooms.get(roomId);
    if (!entry || entry.topology !== 'sfu' || entry.epoch !== epoch) return Promise.resolve(false);
    entry.topology = 'mesh';
    delete entry.returnAt;
    return Promise.resolve(true);
  }

  forget(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
    return Promise.resolve();
  }
}

//   <p>call:topology:<room>    HASH t (mesh|sfu), e (epoch: joins so far)
//   <p>call:topology-returns   ZSET <room> → when its return to mesh is due (Redis server time, ms)
// A join removes the room from the ZSET, so what is there was planned since the last join; a room
// whose hash is gone or back on mesh is dropped by the next look for due returns. The ZSET's name
// is not of the form call:topology:<room>, so no room id can collide with it.

const JOINED = `
local e = redis.call('HINCRBY', KEYS[1], 'e', 1)
local t = redis.call('HGET', KEYS[1], 't') or 'mesh'
local switched = 0
if ARGV[1] == '1' and t ~= 'sfu' then
  t = 'sfu'
  switched = 1
end
redis.call('HSET', KEYS[1], 't', t)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
return {t, e, switched}`;

const PLAN = `${REDIS_NOW_LUA}
if redis.call('HGET', KEYS[1], 't') ~= 'sfu' then return 0 end
if redis.call('HGET', KEYS[1], 'e') ~= ARGV[2] then return 0 end
return redis.call('ZADD', KEYS[2], 'NX', now + tonumber(ARGV[3]), ARGV[1])`;

const DUE = `${REDIS_NOW_LUA}
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
local found = {}
for _, room in ipairs(due) do
  local h = redis.call('HMGET', ARGV[2] .. room, 't', 'e')
  if h[1] == 'sfu' then
    table.insert(found, room)
    table.insert(found, h[2])
  else
    redis.call('ZREM', KEYS[1], room)
  end
end
return found`;

const RETURN = `
if redis.call('HGET', KEYS[1], 't') ~= 'sfu' then return 0 end
if redis.call('HGET', KEYS[1], 'e') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 't', 'mesh')
redis.call('ZREM', KEYS[2], ARGV[2])
return 1`;

const FORGET = `
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 0`;

/** The scripts, as ioredis defines them on the connection. */
interface Scripts {
  minimeetTopologyJoined(...args: string[]): Promise<[string, number, number]>;
  minimeetTopologyPlan(...args: string[]): Promise<number>;
  minimeetTopologyDue(...args: string[]): Promise<string[]>;
  minimeetTopologyReturn(...args: string[]): Promise<number>;
  minimeetTopologyForget(...args: string[]): Promise<number>;
}

/**
 * {@link TopologyState} in Redis, shared by every node of a deployment. Due times use the Redis
 * server's clock, so nodes whose clocks differ still agree on when a return is due.
 */
export class RedisTopologyState implements TopologyState {
  private readonly scripts: Scripts;
  private readonly returns: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    const define = (name: keyof Scripts, numberOfKeys: number, lua: string) =>
      redis.defineCommand(name, { numberOfKeys, lua });
    define('minimeetTopologyJoined', 2, JOINED);
    define('minimeetTopologyPlan', 2, PLAN);
    define('minimeetTopologyDue', 1, DUE);
    define('minimeetTopologyReturn', 2, RETURN);
    define('minimeetTopologyForget', 2, FORGET);
    this.scripts = redis as unknown as Scripts;
    this.returns = `${prefix}call:topology-returns`;
  }

  async get(roomId: string): Promise<AutoTopology | null> {
    const [t, e] = await this.redis.hmget(this.key(roomId), 't', 'e');
    return t ? { topology: t === 'sfu' ? 'sfu' : 'mesh', epoch: Number(e ?? 0) } : null;
  }

  async joined(roomId: string, toSfu: boolean): Promise<AutoTopology & { switched: boolean }> {
    const [t, e, switched] = await this.scripts.minimeetTopologyJoined(
      this.key(roomId),
      this.returns,
      toSfu ? '1' : '0',
      String(TTL_MS),
      roomId,
    );
    return { topology: t === 'sfu' ? 'sfu' : 'mesh', epoch: Number(e), switched: switched === 1 };
  }

  async planReturn(roomId: string, epoch: number, delayMs: number): Promise<void> {
    await this.scripts.minimeetTopologyPlan(
      this.key(roomId),
      this.returns,
      roomId,
      String(epoch),
      String(Math.max(0, Math.round(delayMs))),
    );
  }

  async dueReturns(limit: number): Promise<DueReturn[]> {
    const found = await this.scripts.minimeetTopologyDue(this.returns, String(limit), this.key(''));
    const due: DueReturn[] = [];
    for (let i = 0; i + 1 < found.length; i += 2) {
      due.push({ roomId: found[i], epoch: Number(found[i + 1]) });
    }
    return due;
  }

  async returnToMesh(roomId: string, epoch: number): Promise<boolean> {
    const moved = await this.scripts.minimeetTopologyReturn(
      this.key(roomId),
      this.returns,
      String(epoch),
      roomId,
    );
    return moved === 1;
  }

  async forget(roomId: string): Promise<void> {
    await this.scripts.minimeetTopologyForget(this.key(roomId), this.returns, roomId);
  }

  private key(roomId: string): string {
    return `${this.prefix}call:topology:${roomId}`;
  }
}
