import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';

/**
 * DI token of the shared Redis connection (an ioredis `Redis`), or null when `REDIS_URL` is not
 * set and every piece of shared state lives in this process. Adapters that need their own
 * connection (a subscriber, a blocking stream reader) `duplicate()` it and close what they made.
 */
export const REDIS = Symbol('REDIS');

/**
 * A Lua prelude for scripts that need the time: `now` is the Redis server's clock in ms, so that
 * nodes whose clocks differ still agree on deadlines.
 */
export const REDIS_NOW_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Opens the shared connection. Commands queue while it connects; it reconnects on its own. */
export function connectRedis(url: string): Redis {
  return new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 3,
    enableAutoPipelining: true,
    connectionName: 'minimeet',
  });
}

/** Closes the shared connection at shutdown, after everyone who uses it has stopped. */
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}

/** Provides {@link REDIS} to every module. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Redis | null =>
        config.redis ? connectRedis(config.redis.url) : null,
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
