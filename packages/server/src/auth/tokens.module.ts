import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../common/logger.js';
import { REDIS } from '../common/redis.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { AccessTokenGuard } from './access-token.guard.js';
import { RedisRevokedSessionStore } from './redis-revoked-sessions.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';
import {
  InMemoryRevokedSessionStore,
  REVOKED_SESSIONS,
  type RevokedSessionStore,
} from './revoked-sessions.js';
import { SessionService } from './session.service.js';
import { TokenService } from './token.service.js';

/** The revoked-session store for the configuration: Redis when `REDIS_URL` is set, else this process. */
export function createRevokedSessionStore(
  config: AppConfig,
  redis: Redis | null,
  logger: Logger,
): RevokedSessionStore {
  return config.redis && redis
    ? new RedisRevokedSessionStore(redis, {
        keyPrefix: config.redis.keyPrefix,
        nodeId: config.nodeId,
        logger,
      })
    : new InMemoryRevokedSessionStore();
}

/**
 * The server's own tokens and the sessions they belong to: signing and verifying, refresh-token
 * families, and ending sessions on every node. Imported by every module that guards routes.
 */
@Module({
  providers: [
    TokenService,
    AccessTokenGuard,
    SessionService,
    RefreshTokenRepository,
    {
      provide: REVOKED_SESSIONS,
      inject: [APP_CONFIG, REDIS, ROOT_LOGGER],
      useFactory: createRevokedSessionStore,
    },
  ],
  exports: [TokenService, AccessTokenGuard, SessionService, RefreshTokenRepository],
})
export class TokensModule {}
