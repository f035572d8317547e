import { Module } from '@nestjs/common';
import { ConnectionMetrics } from './connection-metrics.js';
import { MetricsController } from './metrics.controller.js';

/** Call analytics. Today: account and connection counters at `/api/metrics`; call sessions and quality samples come with calls. */
@Module({
  controllers: [MetricsController],
  providers: [ConnectionMetrics],
  exports: [ConnectionMetrics],
})
export class AnalyticsModule {}
