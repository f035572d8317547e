import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiResult } from '../common/openapi.js';
import { ConnectionMetrics } from './connection-metrics.js';

/** Prometheus scrape endpoint. */
@ApiTags('analytics')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ConnectionMetrics) private readonly metrics: ConnectionMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Counters and gauges in the Prometheus text format.' })
  @ApiProduces('text/plain; version=0.0.4')
  @ApiResult(200, z.string(), 'The exposition text, version 0.0.4.')
  scrape(): string {
    return this.metrics.render();
  }
}
