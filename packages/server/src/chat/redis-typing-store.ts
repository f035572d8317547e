import { randomBytes } from 'node:crypto';
import type { ChatSender } from '@minimeet/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  DEFAULT_TYPING_TIMING,
  type TypingChange,
  type TypingStore,
  type TypingTiming,
} from './typing-store.js';

//   <p>typing:who:<room>|<principal>  HASH token, socket, sender (JSON): the typist, PX timeout + slack
//   <p>typing:ann:<room>|<principal>  "1" while a `true` was announced in the last throttle window
//   <p>typing:room:<room>             SET of the principals typing there, to forget a deleted room
// A room id never contains `|`, so a key names one (room, principal). Every `true` stores a new
// token; the node that saw it keeps a local timer, which ends the typist only if the token is still
// its own, i.e. no `true` came since, on any node. The hash outlives that timer by the slack, so a
// hash found gone was ended by someone else (and announced by them); a node that dies leaves its
// typists to expire with the hash.

const START = `
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'socket', ARGV[2], 'sender', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[3], ARGV[6])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[5]) then return 1 end
return 0`;

// ARGV[2] says which typist may be ended: 'any', the one whose latest `true` carried token
// ARGV[3], or the one whose latest `true` came through socket ARGV[3]. Returns {socket, sender}.
const END = `
local cur = redis.call('HMGET', KEYS[1], 'token', 'socket', 'sender')
if not cur[1] then return false end
if ARGV[2] == 'token' and cur[1] ~= ARGV[3] then return false end
if ARGV[2] == 'socket' and cur[2] ~= ARGV[3] then return false end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return {cur[2], cur[3]}`;

const FORGET = `
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  redis.call('DEL', ARGV[1] .. id, ARGV[2] .. id)
end
redis.call('DEL', KEYS[1])
return 0`;

/** The scripts, as ioredis defines them on the connection. */
interface Scripts {
  minimeetTypingStart(...args: string[]): Promise<number>;
  minimeetTypingEnd(...args: string[]): Promise<[string, string] | null>;
  minimeetTypingForget(...args: string[]): Promise<number>;
}

/** Options of {@link RedisTypingStore}. */
export interface RedisTypingStoreOptions extends Partial<TypingTiming> {
  /** How much longer than the timeout a typist's hash lives; 2 s by default. */
  slackMs?: number;
  /** Where a failed timed stop is reported. */
  logger?: Logger;
}

/** A typist whose latest `true` this node saw, with the timer that ends it. */
interface LocalTypist {
  roomId: string;
  principalId: string;
  socketId: string;
  token: string;
  timer: NodeJS.Timeout;
}

/**
 * {@link TypingStore} in Redis, shared by every node: the throttle is a `SET NX PX` per (room,
 * principal), and the typist a hash that each `true` refreshes and that expires on its own, so a
 * node that dies leaves no typist for good. The `false` after the timeout comes from a timer on the
 * node that saw the latest `true`; an earlier timer elsewhere finds another token and stays quiet.
 */
export class RedisTypingStore implements TypingStore {
  private readonly scripts: Scripts;
  private readonly timing: TypingTiming;
  private readonly keyTtlMs: number;
  private readonly local = new Map<string, LocalTypist>();
  private announce: (change: TypingChange) => void = () => {};

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: RedisTypingStoreOptions = {},
  ) {
    redis.defineCommand('minimeetTypingStart', { numberOfKeys: 3, lua: START });
    redis.defineCommand('minimeetTypingEnd', { numberOfKeys: 3, lua: END });
    redis.defineCommand('minimeetTypingForget', { numberOfKeys: 1, lua: FORGET });
    this.scripts = redis as unknown as Scripts;
    this.timing = {
      throttleMs: options.throttleMs ?? DEFAULT_TYPING_TIMING.throttleMs,
      timeoutMs: options.timeoutMs ?? DEFAULT_TYPING_TIMING.timeoutMs,
    };
    this.keyTtlMs = this.timing.timeoutMs + (options.slackMs ?? 2000);
  }

  async isTyping(roomId: string, principalId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys(roomId, principalId)[0])) === 1;
  }

  async start(roomId: string, sender: ChatSender, socketId: string): Promise<void> {
    const k = localKey(roomId, sender.id);
    const token = randomBytes(9).toString('base64url');
    this.clearLocal(k);
    const timer = setTimeout(
      () => void this.expire(roomId, sender.id, token),
      this.timing.timeoutMs,
    );
    timer.unref();
    this.local.set(k, { roomId, principalId: sender.id, socketId, token, timer });
    let announce: number;
    try {
      announce = await this.scripts.minimeetTypingStart(
        ...this.keys(roomId, sender.id),
        token,
        socketId,
        JSON.stringify(sender),
        String(this.keyTtlMs),
        String(this.timing.throttleMs),
        sender.id,
      );
    } catch (err) {
      if (this.local.get(k)?.token === token) this.clearLocal(k);
      throw err;
    }
    if (announce === 1) this.announce({ roomId, sender, typing: true, exceptSocketId: socketId });
  }

  async stop(roomId: string, principalId: string): Promise<void> {
    this.clearLocal(localKey(roomId, principalId));
    await this.end(roomId, principalId, 'any', '');
  }

  async socketGone(socketId: string): Promise<void> {
    const gone = [...this.local.entries()].filter(([, t]) => t.socketId === socketId);
    for (const [k] of gone) this.clearLocal(k);
    await Promise.all(gone.map(([, t]) => this.end(t.roomId, t.principalId, 'socket', socketId)));
  }

  async forgetRoom(roomId: string): Promise<void> {
    for (const [k, typist] of this.local) if (typist.roomId === roomId) this.clearLocal(k);
    const base = `${this.prefix}typing:`;
    await this.scripts.minimeetTypingForget(
      `${base}room:${roomId}`,
      `${base}who:${roomId}|`,
      `${base}ann:${roomId}|`,
    );
  }

  watch(announce: (change: TypingChange) => void): void {
    this.announce = announce;
  }

  close(): void {
    for (const typist of this.local.values()) clearTimeout(typist.timer);
    this.local.clear();
    this.announce = () => {};
  }

  /** The timer of a `true` ran out: ends the typist unless a later `true` came, on any node. */
  private async expire(roomId: string, principalId: string, token: string): Promise<void> {
    const k = localKey(roomId, principalId);
    if (this.local.get(k)?.token === token) this.local.delete(k);
    try {
      await this.end(roomId, principalId, 'token', token);
    } catch (err) {
      this.options.logger?.warn({ err, roomId }, 'ending a typist after its timeout failed');
    }
  }

  private async end(
    roomId: string,
    principalId: string,
    only: 'any' | 'token' | 'socket',
    value: string,
  ): Promise<void> {
    const ended = await this.scripts.minimeetTypingEnd(
      ...this.keys(roomId, principalId),
      principalId,
      only,
      value,
    );
    if (!ended) return;
    const [socketId, sender] = ended;
    this.announce({
      roomId,
      sender: JSON.parse(sender) as ChatSender,
      typing: false,
      exceptSocketId: socketId,
    });
  }

  private clearLocal(k: string): void {
    const typist = this.local.get(k);
    if (!typist) return;
    clearTimeout(typist.timer);
    this.local.delete(k);
  }

  private keys(roomId: string, principalId: string): [string, string, string] {
    const base = `${this.prefix}typing:`;
    return [
      `${base}who:${roomId}|${principalId}`,
      `${base}ann:${roomId}|${principalId}`,
      `${base}room:${roomId}`,
    ];
  }
}

// A NUL cannot occur in a room id or a principal id, so the key is unambiguous.
const localKey = (roomId: string, principalId: string): string => `${roomId}\u0000${principalId}`;
