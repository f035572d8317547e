import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PROTOCOL_VERSION, type HealthResponse } from '@minimeet/protocol';
import { healthResponseSchema } from '@minimeet/protocol/schemas';
import { DatabaseHealth } from '../database/database-health.js';
import { MEDIA_SERVER, type MediaServer } from '../media/media-server.js';
import { ApiResult } from './openapi.js';
import { SERVER_VERSION } from './version.js';

/** Liveness and readiness in one: the server answers, says whether its database does, and whether its SFU can. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DatabaseHealth) private readonly database: DatabaseHealth,
    @Inject(MEDIA_SERVER) private readonly media: MediaServer,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Server and database status; HTTP 503 when the database does not answer.',
  })
  @ApiResult(200, healthResponseSchema, 'The server and its database answer (`status: ok`).')
  @ApiResult(503, healthResponseSchema, 'The database does not answer (`status: degraded`).')
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthResponse> {
    const latencyMs = await this.database.ping();
    const up = latencyMs !== null;
    res.status(up ? 200 : 503);
    return {
      status: up ? 'ok' : 'degraded',
      version: SERVER_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      uptimeSeconds: Math.round(process.uptime()),
      database: { status: up ? 'up' : 'down', driver: this.database.driver, latencyMs },
      sfu: this.sfuStatus(),
    };
  }

  private sfuStatus(): HealthResponse['sfu'] {
    const status = this.media.status();
    if (!status.available) {
      return { status: 'unavailable', reason: status.reason, workers: 0, rooms: 0 };
    }
    return {
      status: 'available',
      workers: status.workers.length,
      rooms: status.workers.reduce((n, w) => n + w.rooms, 0),
    };
  }
}
