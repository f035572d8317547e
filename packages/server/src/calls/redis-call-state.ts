import type { ParticipantInfo } from '@minimeet/protocol';
import type { Redis } from 'ioredis';
import type {
  CallState,
  JoinOutcome,
  ParticipantCondition,
  ParticipantPatch,
  ParticipantRecord,
} from './call-state.js';

// One hash per participant; the fields a change may touch are kept apart from the rest (`base`),
// so that the scripts change them without parsing JSON in Lua.
//   <p>call:room:<room>      ZSET participant id → join sequence (count and join order)
//   <p>call:p:<room>:<id>    HASH base, socketId, nodeId, connection, role, permissions, tracks,
//                                 granted
//   <p>call:node:<node>      SET  "<room>:<id>" of the participants whose socket is on that node
//   <p>call:rooms            SET  rooms with a call; <p>call:participants counter; <p>call:seq

const JOIN = `
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return false end
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for i, id in ipairs(ids) do out[i] = redis.call('HGETALL', ARGV[3] .. id) end
local sid = ARGV[6]
if #ids > 0 then sid = redis.call('HGET', ARGV[3] .. ids[1], 'sessionId') or sid end
redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[5]), ARGV[2])
redis.call('HSET', KEYS[2], 'sessionId', sid, unpack(ARGV, 7))
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('INCR', KEYS[4])
redis.call('SADD', KEYS[6], ARGV[5])
return {sid, out}`;

const LIST = `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for i, id in ipairs(ids) do out[i] = redis.call('HGETALL', ARGV[1] .. id) end
return out`;

const LIST_BY_NODE = `
local out = {}
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local h = redis.call('HGETALL', ARGV[1] .. m)
  if #h == 0 then redis.call('SREM', KEYS[1], m) else out[#out + 1] = h end
end
return out`;

const MEETS = `
local function meets(key)
  if ARGV[1] ~= '' and redis.call('HGET', key, 'socketId') ~= ARGV[1] then return false end
  if ARGV[2] ~= '' and redis.call('HGET', key, 'connection') ~= ARGV[2] then return false end
  return true
end`;

const UPDATE = `${MEETS}
if redis.call('EXISTS', KEYS[1]) == 0 or not meets(KEYS[1]) then return false end
local before = redis.call('HGET', KEYS[1], 'nodeId')
if #ARGV >= 5 then redis.call('HSET', KEYS[1], unpack(ARGV, 5)) end
local after = redis.call('HGET', KEYS[1], 'nodeId')
if before ~= after then
  redis.call('SREM', ARGV[3] .. before, ARGV[4])
  redis.call('SADD', ARGV[3] .. after, ARGV[4])
end
return redis.call('HGETALL', KEYS[1])`;

const REMOVE = `${MEETS}
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 or not meets(KEYS[1]) then return false end
redis.call('SREM', ARGV[3] .. redis.call('HGET', KEYS[1], 'nodeId'), ARGV[4])
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[5])
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[3], ARGV[6]) end
redis.call('DECR', KEYS[4])
return h`;

const REMOVE_ROOM = `
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. id
  local h = redis.call('HGETALL', key)
  if #h > 0 then
    out[#out + 1] = h
    redis.call('SREM', ARGV[2] .. redis.call('HGET', key, 'nodeId'), ARGV[3] .. ':' .. id)
    redis.call('DEL', key)
    redis.call('DECR', KEYS[3])
  end
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[3])
return out`;

/** The scripts, as ioredis defines them on the connection. */
interface Scripts {
  minimeetCallJoin(...args: Array<string | number>): Promise<[string, string[][]] | null>;
  minimeetCallList(...args: string[]): Promise<string[][]>;
  minimeetCallListByNode(...args: string[]): Promise<string[][]>;
  minimeetCallUpdate(...args: string[]): Promise<string[] | null>;
  minimeetCallRemove(...args: string[]): Promise<string[] | null>;
  minimeetCallRemoveRoom(...args: string[]): Promise<string[][]>;
}

/** The part of a record a change never touches, stored as one JSON field. */
type Base = Omit<ParticipantRecord, 'socketId' | 'nodeId' | 'sessionId' | 'granted' | 'info'> & {
  info: Omit<ParticipantInfo, 'connection' | 'role' | 'permissions' | 'tracks'>;
};

/**
 * {@link CallState} in Redis, shared by every node of a deployment. Each method is one Lua script
 * (or one read), so the capacity check and the insert of a join are a single atomic step however
 * many nodes race for the last seat. Needs one Redis (or a primary with replicas), not Redis
 * Cluster: a script touches the keys of a room and of a node together.
 */
export class RedisCallState implements CallState {
  private readonly scripts: Scripts;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    const define = (name: keyof Scripts, numberOfKeys: number, lua: string) =>
      redis.defineCommand(name, { numberOfKeys, lua });
    define('minimeetCallJoin', 6, JOIN);
    define('minimeetCallList', 1, LIST);
    define('minimeetCallListByNode', 1, LIST_BY_NODE);
    define('minimeetCallUpdate', 1, UPDATE);
    define('minimeetCallRemove', 4, REMOVE);
    define('minimeetCallRemoveRoom', 3, REMOVE_ROOM);
    this.scripts = redis as unknown as Scripts;
  }

  async join(record: ParticipantRecord, limit: number): Promise<JoinOutcome> {
    const { roomId } = record;
    const id = record.info.id;
    const joined = await this.scripts.minimeetCallJoin(
      this.roomKey(roomId),
      this.participantKey(roomId, id),
      this.key('call:rooms'),
      this.key('call:participants'),
      this.key('call:seq'),
      this.nodeKey(record.nodeId),
      limit,
      id,
      this.participantKey(roomId, ''),
      roomId,
      member(roomId, id),
      record.sessionId,
      ...encode(record),
    );
    if (joined === null) return { ok: false, reason: 'full' };
    return { ok: true, others: decodeAll(joined[1]), sessionId: joined[0] };
  }

  async get(roomId: string, participantId: string): Promise<ParticipantRecord | null> {
    const hash = await this.redis.hgetall(this.participantKey(roomId, participantId));
    return hash.base === undefined ? null : decode(hash);
  }

  async list(roomId: string): Promise<ParticipantRecord[]> {
    return decodeAll(
      await this.scripts.minimeetCallList(this.roomKey(roomId), this.participantKey(roomId, '')),
    );
  }

  async listByNode(nodeId: string): Promise<ParticipantRecord[]> {
    const records = decodeAll(
      await this.scripts.minimeetCallListByNode(this.nodeKey(nodeId), this.key('call:p:')),
    );
    return records.filter((r) => r.nodeId === nodeId);
  }

  async update(
    roomId: string,
    participantId: string,
    patch: ParticipantPatch,
    condition: ParticipantCondition = {},
  ): Promise<ParticipantRecord | null> {
    const fields: string[] = [];
    for (const [field, value] of Object.entries(patch) as Array<[string, unknown]>) {
      if (value === undefined) continue;
      fields.push(field, typeof value === 'string' ? value : JSON.stringify(value));
    }
    const hash = await this.scripts.minimeetCallUpdate(
      this.participantKey(roomId, participantId),
      condition.socketId ?? '',
      condition.connection ?? '',
      this.key('call:node:'),
      member(roomId, participantId),
      ...fields,
    );
    return hash ? decode(pairs(hash)) : null;
  }

  async remove(
    roomId: string,
    participantId: string,
    condition: ParticipantCondition = {},
  ): Promise<ParticipantRecord | null> {
    const hash = await this.scripts.minimeetCallRemove(
      this.participantKey(roomId, participantId),
      this.roomKey(roomId),
      this.key('call:rooms'),
      this.key('call:participants'),
      condition.socketId ?? '',
      condition.connection ?? '',
      this.key('call:node:'),
      member(roomId, participantId),
      participantId,
      roomId,
    );
    return hash ? decode(pairs(hash)) : null;
  }

  async removeRoom(roomId: string): Promise<ParticipantRecord[]> {
    return decodeAll(
      await this.scripts.minimeetCallRemoveRoom(
        this.roomKey(roomId),
        this.key('call:rooms'),
        this.key('call:participants'),
        this.participantKey(roomId, ''),
        this.key('call:node:'),
        roomId,
      ),
    );
  }

  async counts(): Promise<{ rooms: number; participants: number }> {
    const [rooms, participants] = await Promise.all([
      this.redis.scard(this.key('call:rooms')),
      this.redis.get(this.key('call:participants')),
    ]);
    return { rooms, participants: Number(participants ?? 0) };
  }

  private key(suffix: string): string {
    return `${this.prefix}${suffix}`;
  }

  private roomKey(roomId: string): string {
    return this.key(`call:room:${roomId}`);
  }

  /** A participant's hash; with an empty id, the prefix of every participant hash of the room. */
  private participantKey(roomId: string, participantId: string): string {
    return this.key(`call:p:${member(roomId, participantId)}`);
  }

  private nodeKey(nodeId: string): string {
    return this.key(`call:node:${nodeId}`);
  }
}

/** How a participant is named in a node's set; participant ids never contain a colon. */
function member(roomId: string, participantId: string): string {
  return `${roomId}:${participantId}`;
}

function encode(record: ParticipantRecord): string[] {
  const { socketId, nodeId, sessionId: _session, granted, info, ...rest } = record;
  const { connection, role, permissions, tracks, ...fixed } = info;
  const base: Base = { ...rest, info: fixed };
  return [
    'base',
    JSON.stringify(base),
    'socketId',
    socketId,
    'nodeId',
    nodeId,
    'connection',
    connection,
    'role',
    role,
    'permissions',
    JSON.stringify(permissions),
    'tracks',
    JSON.stringify(tracks),
    ...(granted ? ['granted', JSON.stringify(granted)] : []),
  ];
}

function decode(hash: Record<string, string>): ParticipantRecord {
  const base = JSON.parse(hash.base) as Base;
  return {
    ...base,
    socketId: hash.socketId,
    nodeId: hash.nodeId,
    // A participant stored before sessions existed is a session of its own.
    sessionId: hash.sessionId ?? `cs_${base.info.id}`,
    ...(hash.granted
      ? { granted: JSON.parse(hash.granted) as NonNullable<ParticipantRecord['granted']> }
      : {}),
    info: {
      ...base.info,
      connection: hash.connection as ParticipantInfo['connection'],
      role: hash.role as ParticipantInfo['role'],
      permissions: JSON.parse(hash.permissions) as ParticipantInfo['permissions'],
      tracks: JSON.parse(hash.tracks) as ParticipantInfo['tracks'],
    },
  };
}

function decodeAll(hashes: string[][]): ParticipantRecord[] {
  return hashes.filter((h) => h.length > 0).map((h) => decode(pairs(h)));
}

/** A flat HGETALL reply from a script, as an object. */
function pairs(flat: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]] = flat[i + 1]!;
  return hash;
}
