import { Global, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { EventBus } from './event-bus.js';
import { InMemoryRateLimiter, RATE_LIMITER, type RateLimiter } from './rate-limiter.js';
import { REDIS } from './redis.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';

/**
 * Cross-cutting providers every module may use: the event bus and the rate limiter, whose
 * counters live in Redis when `REDIS_URL` is set (so limits hold across nodes) and in this
 * process otherwise.
 */
@Global()
@Module({
  providers: [
    EventBus,
    {
      provide: RATE_LIMITER,
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: Redis | null): RateLimiter =>
        config.redis && redis
          ? new RedisRateLimiter(redis, config.redis.keyPrefix)
          : new InMemoryRateLimiter(),
    },
  ],
  exports: [EventBus, RATE_LIMITER],
})
export class CommonModule {}
