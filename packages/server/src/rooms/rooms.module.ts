import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { EventBus } from '../common/event-bus.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { REDIS } from '../common/redis.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { TokensModule } from '../auth/tokens.module.js';
import { InvitesController } from './invites.controller.js';
import { RoomAccessService } from './room-access.service.js';
import { RoomInviteRepository } from './room-invite.repository.js';
import { RoomMemberRepository } from './room-member.repository.js';
import { RoomMembershipService } from './room-membership.service.js';
import { InMemoryRoomOccupancy, RedisRoomOccupancy, ROOM_OCCUPANCY } from './room-occupancy.js';
import { RoomRepository } from './room.repository.js';
import { RoomsController } from './rooms.controller.js';
import { RoomsService } from './rooms.service.js';

/**
 * Rooms, members and invites over REST, and the admission check ({@link RoomAccessService}) the
 * call side asks before anyone enters a room's call.
 */
@Module({
  imports: [TokensModule],
  controllers: [RoomsController, InvitesController],
  providers: [
    RoomRepository,
    RoomMemberRepository,
    RoomInviteRepository,
    PasswordHasher,
    RoomMembershipService,
    RoomsService,
    RoomAccessService,
    {
      provide: ROOM_OCCUPANCY,
      inject: [APP_CONFIG, REDIS, EventBus, ROOT_LOGGER],
      useFactory: (config: AppConfig, redis: Redis | null, bus: EventBus, logger: Logger) =>
        config.redis && redis
          ? new RedisRoomOccupancy(bus, redis, config.redis.keyPrefix, logger)
          : new InMemoryRoomOccupancy(bus),
    },
  ],
  exports: [RoomAccessService, RoomRepository, ROOM_OCCUPANCY],
})
export class RoomsModule {}
