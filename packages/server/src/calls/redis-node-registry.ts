import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { NodeRegistry } from './node-registry.js';

//   <p>nodes              SET of the node ids that have announced themselves
//   <p>node:<id>          heartbeat, expires after the timeout unless renewed
//   <p>node-reap:<id>     the survivor handling a stopped node (SET NX PX)

const CLAIM_DOWN = `
for _, n in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if n ~= ARGV[5] and redis.call('EXISTS', ARGV[1] .. n) == 0
    and redis.call('SET', ARGV[2] .. n, ARGV[3], 'NX', 'PX', ARGV[4]) then
    return n
  end
end
return false`;

const DONE = `
if redis.call('GET', ARGV[2] .. ARGV[3]) == ARGV[4] then
  if redis.call('EXISTS', ARGV[1] .. ARGV[3]) == 0 then redis.call('SREM', KEYS[1], ARGV[3]) end
  redis.call('DEL', ARGV[2] .. ARGV[3])
end
return 0`;

/** The scripts, as ioredis defines them on the connection. */
interface Scripts {
  minimeetNodeClaimDown(...args: string[]): Promise<string | null>;
  minimeetNodeDone(...args: string[]): Promise<number>;
}

/** Options of {@link RedisNodeRegistry}. */
export interface RedisNodeRegistryOptions {
  /** This node's id (`NODE_ID`). */
  nodeId: string;
  /** How long a node may go without a heartbeat before it counts as stopped; beats every third of it. */
  timeoutMs: number;
  /** Where failures are reported. */
  logger?: Logger;
}

// Most stopped nodes handled in one tick; a survivor gives up a claim it did not finish after this long.
const CLAIMS_PER_TICK = 8;
const REAP_LEASE_MS = 60_000;

/**
 * {@link NodeRegistry} in Redis: every node renews a heartbeat key that expires after the
 * timeout, and on the same tick claims (SET NX) the nodes whose key is gone.
 */
export class RedisNodeRegistry implements NodeRegistry {
  private readonly scripts: Scripts;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly token = randomBytes(9).toString('base64url');

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: RedisNodeRegistryOptions,
  ) {
    redis.defineCommand('minimeetNodeClaimDown', { numberOfKeys: 1, lua: CLAIM_DOWN });
    redis.defineCommand('minimeetNodeDone', { numberOfKeys: 1, lua: DONE });
    this.scripts = redis as unknown as Scripts;
  }

  async watch(
    onDown: (nodeId: string) => Promise<void>,
    onLapsed: () => Promise<void>,
  ): Promise<void> {
    const { nodeId } = this.options;
    // Nothing of this life is in shared state yet: whatever carries this id is from an earlier one.
    await onDown(nodeId);
    await this.beat();
    this.timer = setInterval(
      () => {
        this.ticking ??= this.tick(onDown, onLapsed).finally(() => (this.ticking = undefined));
      },
      Math.max(100, Math.floor(this.options.timeoutMs / 3)),
    );
    this.timer.unref();
  }

  async close(handedOver: boolean): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    if (!handedOver) return;
    const { nodeId } = this.options;
    await this.redis
      .multi()
      .del(this.key(`node:${nodeId}`))
      .srem(this.key('nodes'), nodeId)
      .exec();
  }

  /** Renews this node's heartbeat; true when it had run out. */
  private async beat(): Promise<boolean> {
    const { nodeId, timeoutMs } = this.options;
    const [[, previous] = [null, null]] =
      (await this.redis
        .multi()
        .set(this.key(`node:${nodeId}`), this.token, 'PX', timeoutMs, 'GET')
        .sadd(this.key('nodes'), nodeId)
        .exec()) ?? [];
    return previous === null;
  }

  private async tick(
    onDown: (nodeId: string) => Promise<void>,
    onLapsed: () => Promise<void>,
  ): Promise<void> {
    const { logger } = this.options;
    try {
      if (await this.beat()) {
        logger?.warn('this node’s heartbeat had run out; taking back its participants');
        await onLapsed();
      }
      for (let i = 0; i < CLAIMS_PER_TICK && this.timer; i++) {
        const down = await this.scripts.minimeetNodeClaimDown(
          this.key('nodes'),
          this.key('node:'),
          this.key('node-reap:'),
          this.token,
          String(REAP_LEASE_MS),
          this.options.nodeId,
        );
        if (down === null) break;
        logger?.warn({ node: down }, 'a server node stopped; its participants go into grace');
        try {
          await onDown(down);
          await this.scripts.minimeetNodeDone(
            this.key('nodes'),
            this.key('node:'),
            this.key('node-reap:'),
            down,
            this.token,
          );
        } catch (err) {
          // The lease runs out and a node (maybe this one) tries again.
          logger?.error({ err, node: down }, 'taking over a stopped node failed');
        }
      }
    } catch (err) {
      logger?.warn({ err }, 'the node heartbeat failed; retrying');
    }
  }

  private key(suffix: string): string {
    return `${this.prefix}${suffix}`;
  }
}
