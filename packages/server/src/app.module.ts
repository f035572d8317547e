import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { AnalyticsModule } from './analytics/analytics.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CallsModule } from './calls/calls.module.js';
import { ChatModule } from './chat/chat.module.js';
import { CommonModule } from './common/common.module.js';
import { HealthController } from './common/health.controller.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { ROOT_LOGGER } from './common/logger.js';
import { RedisModule } from './common/redis.js';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.js';
import { DatabaseModule } from './database/database.module.js';
import { MediaServerModule } from './media/media-server.module.js';
import { PresenceModule } from './presence/presence.module.js';
import { RoomsModule } from './rooms/rooms.module.js';
import { SearchModule } from './search/search.module.js';
import { UsersModule } from './users/users.module.js';
import { WebsocketModule } from './websocket/websocket.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/** The root module: wires the domain modules onto the validated configuration. */
@Module({})
export class AppModule {
  /** The application for one configuration and logger. */
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(logger),
        DatabaseModule.forRoot(config.database),
        RedisModule,
        CommonModule,
        MediaServerModule,
        UsersModule,
        AuthModule,
        RoomsModule,
        CallsModule,
        ChatModule,
        SearchModule,
        PresenceModule,
        WebsocketModule,
        AnalyticsModule,
        WebhooksModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}

/** Provides the root pino logger. */
@Module({})
class LoggerModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggerModule,
      global: true,
      providers: [{ provide: ROOT_LOGGER, useValue: logger }],
      exports: [ROOT_LOGGER],
    };
  }
}
