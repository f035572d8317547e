import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../common/logger.js';
import { REDIS } from '../common/redis.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { InMemoryPresenceStore } from './in-memory-presence-store.js';
import { PRESENCE_STORE, presenceTiming, type PresenceStore } from './presence-store.js';
import { PresenceRealtime } from './presence.realtime.js';
import { PresenceService } from './presence.service.js';
import { RedisPresenceStore } from './redis-presence-store.js';

/** The presence store for the configuration: Redis when `REDIS_URL` is set, this process otherwise. */
export function createPresenceStore(
  config: AppConfig,
  redis: Redis | null,
  logger: Logger,
): PresenceStore {
  const timing = presenceTiming(config.presence.timeoutMs);
  if (redis && config.redis) {
    return new RedisPresenceStore(redis, {
      nodeId: config.nodeId,
      keyPrefix: config.redis.keyPrefix,
      timing,
      logger,
    });
  }
  return new InMemoryPresenceStore({ nodeId: config.nodeId, timing });
}

/** Who is online, away, busy or in a call, across the whole app. */
@Module({
  imports: [RoomsModule, UsersModule],
  providers: [
    {
      provide: PRESENCE_STORE,
      inject: [APP_CONFIG, REDIS, ROOT_LOGGER],
      useFactory: createPresenceStore,
    },
    PresenceService,
    PresenceRealtime,
  ],
  exports: [PresenceRealtime],
})
export class PresenceModule {}
