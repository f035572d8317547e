import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { ApiResult } from '../common/openapi.js';
import { ServerMetrics } from './server-metrics.js';

/** Prometheus scrape endpoint. */
@ApiTags('analytics')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ServerMetrics) private readonly metrics: ServerMetrics) {}

  @Get()
  @ApiOperation({
    summary: 'This node’s metrics and the deployment-wide gauges, in the Prometheus text format.',
  })
  @ApiProduces('text/plain; version=0.0.4')
  @ApiResult(200, z.string(), 'The exposition text, version 0.0.4.')
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.render();
    res.setHeader('Content-Type', this.metrics.contentType);
    res.send(text);
  }
}
