import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConnectionMetrics } from './connection-metrics.js';

/** Prometheus scrape endpoint. */
@ApiTags('analytics')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ConnectionMetrics) private readonly metrics: ConnectionMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Counters and gauges in the Prometheus text format.' })
  scrape(): string {
    return this.metrics.render();
  }
}
