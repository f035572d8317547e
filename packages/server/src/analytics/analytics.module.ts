import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AuthModule } from '../auth/auth.module.js';
import { CallsModule } from '../calls/calls.module.js';
import { CallService } from '../calls/call.service.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { REDIS } from '../common/redis.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { UsersModule } from '../users/users.module.js';
import { AnalyticsPublisher } from './analytics-publisher.js';
import { AnalyticsQueryRepository } from './analytics-query.repository.js';
import { AnalyticsRecorder, RECORDER_GROUP } from './analytics-recorder.js';
import { AnalyticsStoreRepository } from './analytics-store.repository.js';
import { ANALYTICS_STREAM, type AnalyticsStream } from './analytics-stream.js';
import { AnalyticsViewerGuard } from './analytics-viewer.guard.js';
import { AnalyticsController } from './analytics.controller.js';
import { AnalyticsService } from './analytics.service.js';
import { InProcessAnalyticsStream } from './in-process-analytics-stream.js';
import { MetricsController } from './metrics.controller.js';
import { QualityRealtime } from './quality.realtime.js';
import { QualityService } from './quality.service.js';
import { RedisAnalyticsStream } from './redis-analytics-stream.js';
import { ServerMetrics } from './server-metrics.js';

/**
 * Call analytics: the call events become analytics events on the stream (in process, or Redis
 * Streams with `REDIS_URL`), the recorder writes them into sessions, legs and quality samples,
 * the REST API reads them, and `/api/metrics` exposes the Prometheus metrics.
 */
@Module({
  imports: [CallsModule, AuthModule, UsersModule],
  controllers: [MetricsController, AnalyticsController],
  providers: [
    ServerMetrics,
    AnalyticsPublisher,
    AnalyticsStoreRepository,
    AnalyticsQueryRepository,
    AnalyticsRecorder,
    AnalyticsService,
    AnalyticsViewerGuard,
    QualityService,
    QualityRealtime,
    {
      provide: ANALYTICS_STREAM,
      inject: [APP_CONFIG, REDIS, ROOT_LOGGER],
      useFactory: (config: AppConfig, redis: Redis | null, logger: Logger): AnalyticsStream => {
        const options = {
          maxBacklog: config.analytics.maxBacklog,
          batchSize: 200,
          retryDelayMs: 1000,
          lingerMs: 100,
        };
        return config.redis && redis
          ? new RedisAnalyticsStream(
              redis,
              {
                ...options,
                key: `${config.redis.keyPrefix}analytics:events`,
                consumer: config.nodeId,
                maxLength: config.analytics.streamMaxLength,
                claimIdleMs: config.analytics.claimIdleMs,
                blockMs: 5000,
              },
              logger,
            )
          : new InProcessAnalyticsStream(options, logger);
      },
    },
  ],
  exports: [QualityRealtime, ServerMetrics, ANALYTICS_STREAM],
})
export class AnalyticsModule implements OnModuleInit {
  constructor(
    @Inject(ServerMetrics) private readonly metrics: ServerMetrics,
    @Inject(ANALYTICS_STREAM) private readonly stream: AnalyticsStream,
    @Inject(CallService) private readonly calls: CallService,
  ) {}

  onModuleInit(): void {
    this.metrics.setSources({
      calls: () => this.calls.counts(),
      analytics: async () => ({
        ...this.stream.stats(),
        lag: await this.stream.lag(RECORDER_GROUP),
      }),
    });
  }
}
