import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '../common/redis.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { AuthModule } from '../auth/auth.module.js';
import { CallsModule } from '../calls/calls.module.js';
import { ChatModule } from '../chat/chat.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { HostAuthGuard } from './host-auth.guard.js';
import { InMemoryModerationState } from './in-memory-moderation-state.js';
import { LobbyService } from './lobby.service.js';
import { ModerationController } from './moderation.controller.js';
import { ModerationRealtime } from './moderation.realtime.js';
import { MODERATION_STATE, type ModerationState } from './moderation-state.js';
import { ModerationService } from './moderation.service.js';
import { RedisModerationState } from './redis-moderation-state.js';

/**
 * Hosts in control of a call: mute, remove and bar, grants, lock, lobby, end for all, raised
 * hands; over the socket (a realtime feature) and REST (`/api/calls/:roomId/…`). The live state
 * stays in this process unless `REDIS_URL` is set; then every node shares it through Redis.
 */
@Module({
  imports: [AuthModule, CallsModule, ChatModule, RoomsModule],
  controllers: [ModerationController],
  providers: [
    ModerationService,
    LobbyService,
    ModerationRealtime,
    HostAuthGuard,
    {
      provide: MODERATION_STATE,
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: Redis | null): ModerationState =>
        config.redis && redis
          ? new RedisModerationState(redis, config.redis.keyPrefix)
          : new InMemoryModerationState(),
    },
  ],
  exports: [ModerationRealtime],
})
export class ModerationModule {}
