import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { TokensModule } from '../auth/tokens.module.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { REDIS } from '../common/redis.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { ChatAccess } from './chat-access.js';
import { ChatFanout } from './chat-fanout.js';
import { ChatTyping } from './chat-typing.js';
import { ChatController } from './chat.controller.js';
import { ChatRealtime } from './chat.realtime.js';
import { ChatRepository } from './chat.repository.js';
import { ChatService } from './chat.service.js';
import { InMemoryTypingStore } from './in-memory-typing-store.js';
import { RedisTypingStore } from './redis-typing-store.js';
import { TYPING_STORE, type TypingStore } from './typing-store.js';

/** The typing store for the configuration: Redis when `REDIS_URL` is set, this process otherwise. */
export function createTypingStore(
  config: AppConfig,
  redis: Redis | null,
  logger: Logger,
): TypingStore {
  return config.redis && redis
    ? new RedisTypingStore(redis, config.redis.keyPrefix, { logger })
    : new InMemoryTypingStore();
}

/**
 * Persisted room chat: messages with a gap-free per-room seq, edits, deletions, reactions,
 * typing, and history over the socket ({@link ChatRealtime}) and REST ({@link ChatController}).
 * Typists live in this process, or in Redis for every node when `REDIS_URL` is set.
 * Exports {@link ChatService} (for `messagesByIds`, which search turns hits into messages with).
 */
@Module({
  imports: [TokensModule, RoomsModule, UsersModule],
  controllers: [ChatController],
  providers: [
    ChatRepository,
    ChatAccess,
    ChatFanout,
    {
      provide: TYPING_STORE,
      inject: [APP_CONFIG, REDIS, ROOT_LOGGER],
      useFactory: createTypingStore,
    },
    ChatTyping,
    ChatService,
    ChatRealtime,
  ],
  exports: [ChatRealtime, ChatService, ChatAccess],
})
export class ChatModule {}
