import { randomBytes } from 'node:crypto';
import { ErrorCode } from '@minimeet/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  sfuAnswerSchema,
  sfuMessageSchema,
  type SfuAnswer,
  type SfuMessage,
  type SfuMessageHandler,
  type SfuRelay,
} from './sfu-relay.js';

//   <p>sfu-owner:<roomId>     the node whose router holds the room
//   <p>sfu-rooms:<nodeId>     SET of the rooms whose router a node holds (for a take-over)
//   channel <p>sfu:req:<nodeId>    requests to a node: { id, from, message }
//   channel <p>sfu:rep:<nodeId>    answers to a node:  { id, answer }
//   channel <p>sfu:handover        a node that shuts down: { nodeId }

const CLAIM = `
local owner = redis.call('GET', KEYS[1])
if owner then return owner end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
return ARGV[1]`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('SREM', KEYS[2], ARGV[2])
return 0`;

// Moves one room from a stopped node to this one, unless another node took it already.
const MOVE = `
redis.call('SREM', KEYS[2], ARGV[3])
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
return 1`;

interface Scripts {
  minimeetSfuClaim(...args: string[]): Promise<string>;
  minimeetSfuRelease(...args: string[]): Promise<number>;
  minimeetSfuMove(...args: string[]): Promise<number>;
}

const requestSchema = z.object({ id: z.string(), from: z.string(), message: sfuMessageSchema });
const replySchema = z.object({ id: z.string(), answer: sfuAnswerSchema });
const handoverSchema = z.object({ nodeId: z.string() });

/** Options of {@link RedisSfuRelay}. */
export interface RedisSfuRelayOptions {
  /** This node's id (`NODE_ID`). */
  nodeId: string;
  /** How long a request waits for the router's node before it fails with `sfu_unavailable`. */
  timeoutMs: number;
  /** Where failures are reported. */
  logger: Logger;
}

// Most rooms taken over from one stopped node in one go (a bound, not a target).
const MAX_TAKE_OVER = 10_000;

/**
 * {@link SfuRelay} through Redis: the room's router node is claimed atomically on its first SFU
 * request; requests to another node go over Pub/Sub with a correlation id and a timeout, and
 * every message and answer from another node is validated before it is used.
 */
export class RedisSfuRelay implements SfuRelay {
  private readonly scripts: Scripts;
  private readonly subscriber: Redis;
  private handler: SfuMessageHandler | null = null;
  private readonly pending = new Map<
    string,
    { resolve: (a: SfuAnswer) => void; timer: NodeJS.Timeout }
  >();
  private readonly handoverListeners = new Set<(nodeId: string) => void>();
  private readonly ready: Promise<unknown>;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: RedisSfuRelayOptions,
  ) {
    redis.defineCommand('minimeetSfuClaim', { numberOfKeys: 2, lua: CLAIM });
    redis.defineCommand('minimeetSfuRelease', { numberOfKeys: 2, lua: RELEASE });
    redis.defineCommand('minimeetSfuMove', { numberOfKeys: 3, lua: MOVE });
    this.scripts = redis as unknown as Scripts;
    this.subscriber = redis.duplicate({ connectionName: 'minimeet-sfu-relay' });
    this.subscriber.on('message', (channel: string, text: string) => this.received(channel, text));
    this.ready = this.subscriber.subscribe(
      this.channel('req', options.nodeId),
      this.channel('rep', options.nodeId),
      this.key('sfu:handover'),
    );
  }

  serve(handler: SfuMessageHandler): void {
    this.handler = handler;
  }

  async send(roomId: string, message: SfuMessage, claim: boolean): Promise<SfuAnswer> {
    const { nodeId } = this.options;
    const owner = claim
      ? await this.scripts.minimeetSfuClaim(
          this.key(`sfu-owner:${roomId}`),
          this.key(`sfu-rooms:${nodeId}`),
          nodeId,
          roomId,
        )
      : await this.redis.get(this.key(`sfu-owner:${roomId}`));
    if (owner === null) return { ok: true, result: {} };
    if (owner === nodeId) return this.local(message);
    await this.ready;
    const id = randomBytes(9).toString('base64url');
    const answer = new Promise<SfuAnswer>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({
          ok: false,
          error: {
            code: ErrorCode.SfuUnavailable,
            message: `The media server of this call (node ${owner}) did not answer; try again shortly.`,
          },
        });
      }, this.options.timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, timer });
    });
    await this.redis.publish(
      this.channel('req', owner),
      JSON.stringify({ id, from: nodeId, message }),
    );
    return answer;
  }

  async release(roomId: string): Promise<void> {
    const { nodeId } = this.options;
    await this.scripts.minimeetSfuRelease(
      this.key(`sfu-owner:${roomId}`),
      this.key(`sfu-rooms:${nodeId}`),
      nodeId,
      roomId,
    );
  }

  async takeOver(stopped: string): Promise<string[]> {
    const { nodeId } = this.options;
    const rooms = await this.redis.srandmember(this.key(`sfu-rooms:${stopped}`), MAX_TAKE_OVER);
    const moved: string[] = [];
    for (const roomId of rooms) {
      const done = await this.scripts.minimeetSfuMove(
        this.key(`sfu-owner:${roomId}`),
        this.key(`sfu-rooms:${stopped}`),
        this.key(`sfu-rooms:${nodeId}`),
        stopped,
        nodeId,
        roomId,
      );
      if (done === 1) moved.push(roomId);
    }
    return moved;
  }

  onHandover(listener: (nodeId: string) => void): () => void {
    this.handoverListeners.add(listener);
    return () => this.handoverListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const rooms = await this.redis
      .smembers(this.key(`sfu-rooms:${this.options.nodeId}`))
      .catch(() => []);
    if (rooms.length > 0) {
      // The others re-create this node's rooms and tell their clients to set up again.
      await this.redis
        .publish(this.key('sfu:handover'), JSON.stringify({ nodeId: this.options.nodeId }))
        .catch((err: unknown) => this.options.logger.warn({ err }, 'SFU hand-over failed'));
    }
    for (const { resolve, timer } of this.pending.values()) {
      clearTimeout(timer);
      resolve({
        ok: false,
        error: { code: ErrorCode.ServerShutdown, message: 'The server is shutting down.' },
      });
    }
    this.pending.clear();
    this.subscriber.disconnect();
  }

  private local(message: SfuMessage): Promise<SfuAnswer> {
    if (!this.handler) return Promise.resolve({ ok: true, result: {} });
    return this.handler(message);
  }

  private received(channel: string, text: string): void {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      this.options.logger.warn({ channel }, 'an SFU relay message was not JSON');
      return;
    }
    if (channel === this.channel('rep', this.options.nodeId)) {
      const reply = replySchema.safeParse(data);
      if (!reply.success) return this.invalid(channel, reply.error);
      const waiting = this.pending.get(reply.data.id);
      if (!waiting) return;
      this.pending.delete(reply.data.id);
      clearTimeout(waiting.timer);
      waiting.resolve(reply.data.answer);
      return;
    }
    if (channel === this.key('sfu:handover')) {
      const handover = handoverSchema.safeParse(data);
      if (!handover.success) return this.invalid(channel, handover.error);
      if (handover.data.nodeId === this.options.nodeId) return;
      for (const listener of this.handoverListeners) listener(handover.data.nodeId);
      return;
    }
    const request = requestSchema.safeParse(data);
    if (!request.success) return this.invalid(channel, request.error);
    const { id, from, message } = request.data;
    void this.local(message)
      .catch((err: unknown): SfuAnswer => ({
        ok: false,
        error: {
          code: ErrorCode.InternalError,
          message: `The media server failed: ${err instanceof Error ? err.message : String(err)}`,
        },
      }))
      .then((answer) =>
        this.redis.publish(this.channel('rep', from), JSON.stringify({ id, answer })),
      )
      .catch((err: unknown) =>
        this.options.logger.warn({ err, from }, 'answering an SFU relay request failed'),
      );
  }

  private invalid(channel: string, error: z.ZodError): void {
    this.options.logger.warn(
      { channel, issues: error.issues.slice(0, 5) },
      'an SFU relay message failed validation; dropped',
    );
  }

  private channel(kind: 'req' | 'rep', nodeId: string): string {
    return this.key(`sfu:${kind}:${nodeId}`);
  }

  private key(suffix: string): string {
    return `${this.prefix}${suffix}`;
  }
}
