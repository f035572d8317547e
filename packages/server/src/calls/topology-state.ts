import type { Redis } from 'ioredis';
import type { RoomTopology } from '@minimeet/protocol';

/** The topology a call runs on now. */
export type LiveTopology = Exclude<RoomTopology, 'auto'>;

/** An `auto` call's live topology, and the count of joins so far (which a return waits out). */
export interface AutoTopology {
  topology: LiveTopology;
  /** Goes up with every join: a return to mesh planned before a join no longer applies. */
  epoch: number;
}

/**
 * Where `auto` calls keep their live topology: in this process on one node, in Redis with several,
 * so that every node answers a join, a resume and an SFU request alike and exactly one of them
 * announces a move. Each operation is atomic.
 */
export interface TopologyState {
  /** An `auto` call's topology now, or null before its first join (it starts on mesh). */
  get(roomId: string): Promise<AutoTopology | null>;
  /**
   * Records a join (the epoch goes up), moving the call to the SFU when `toSfu`; `switched` is
   * true for the one join that moved it.
   */
  joined(roomId: string, toSfu: boolean): Promise<AutoTopology & { switched: boolean }>;
  /** Moves the call back to mesh if it is on the SFU and nobody joined since `epoch`. */
  returnToMesh(roomId: string, epoch: number): Promise<boolean>;
  /** Forgets an empty call. */
  forget(roomId: string): Promise<void>;
}

/** DI token of the {@link TopologyState} port. */
export const TOPOLOGY_STATE = Symbol('TOPOLOGY_STATE');

/** How long an idle call's topology is kept in Redis at most (a crashed node cannot leak it). */
const TTL_MS = 24 * 3600_000;

/** The embedded {@link TopologyState}: a map in this process. */
export class InMemoryTopologyState implements TopologyState {
  private readonly rooms = new Map<string, AutoTopology>();

  get(roomId: string): Promise<AutoTopology | null> {
    const entry = this.rooms.get(roomId);
    return Promise.resolve(entry ? { ...entry } : null);
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

  returnToMesh(roomId: string, epoch: number): Promise<boolean> {
    const entry = this.rooms.get(roomId);
    if (!entry || entry.topology !== 'sfu' || entry.epoch !== epoch) return Promise.resolve(false);
    entry.topology = 'mesh';
    return Promise.resolve(true);
  }

  forget(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
    return Promise.resolve();
  }
}

// <p>call:topology:<room>  HASH t (mesh|sfu), e (epoch)
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
return {t, e, switched}`;

const RETURN = `
if redis.call('HGET', KEYS[1], 't') ~= 'sfu' then return 0 end
if redis.call('HGET', KEYS[1], 'e') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 't', 'mesh')
return 1`;

interface Scripts {
  minimeetTopologyJoined(
    key: string,
    toSfu: string,
    ttlMs: number,
  ): Promise<[string, number, number]>;
  minimeetTopologyReturn(key: string, epoch: string): Promise<number>;
}

/** {@link TopologyState} in Redis, shared by every node of a deployment. */
export class RedisTopologyState implements TopologyState {
  private readonly scripts: Scripts;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('minimeetTopologyJoined', { numberOfKeys: 1, lua: JOINED });
    redis.defineCommand('minimeetTopologyReturn', { numberOfKeys: 1, lua: RETURN });
    this.scripts = redis as unknown as Scripts;
  }

  async get(roomId: string): Promise<AutoTopology | null> {
    const [t, e] = await this.redis.hmget(this.key(roomId), 't', 'e');
    return t ? { topology: t === 'sfu' ? 'sfu' : 'mesh', epoch: Number(e ?? 0) } : null;
  }

  async joined(roomId: string, toSfu: boolean): Promise<AutoTopology & { switched: boolean }> {
    const [t, e, switched] = await this.scripts.minimeetTopologyJoined(
      this.key(roomId),
      toSfu ? '1' : '0',
      TTL_MS,
    );
    return { topology: t === 'sfu' ? 'sfu' : 'mesh', epoch: Number(e), switched: switched === 1 };
  }

  async returnToMesh(roomId: string, epoch: number): Promise<boolean> {
    return (await this.scripts.minimeetTopologyReturn(this.key(roomId), String(epoch))) === 1;
  }

  async forget(roomId: string): Promise<void> {
    await this.redis.del(this.key(roomId));
  }

  private key(roomId: string): string {
    return `${this.prefix}call:topology:${roomId}`;
  }
}
