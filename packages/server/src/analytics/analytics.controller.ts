import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '@minimeet/protocol';
import { ApiErrors, ApiResult, BEARER_ERRORS } from '../common/openapi.js';
import { ZodValidationPipe } from '../common/zod-validation.js';
import type { AnalyticsScope } from './analytics-scope.js';
import { AnalyticsViewerGuard, ViewerScope } from './analytics-viewer.guard.js';
import {
  callsPageSchema,
  callsQuerySchema,
  callTimelineSchema,
  liveCallsSchema,
  summaryQuerySchema,
  summarySchema,
  type CallsPageView,
  type CallsQuery,
  type CallTimelineView,
  type LiveCallsView,
  type SummaryQuery,
  type SummaryView,
} from './analytics.dto.js';
import { AnalyticsService } from './analytics.service.js';

const VIEWER_ERRORS = BEARER_ERRORS;
const RANGE = [
  { name: 'from', description: 'ISO 8601 start (inclusive); default 30 days before `to`.' },
  {
    name: 'to',
    description: 'ISO 8601 end (exclusive); default now. At most 400 days after `from`.',
  },
];

/**
 * Call analytics over REST. A user (access token as Bearer) sees the rooms it owns, an operator
 * every room; a host app (API key as HTTP Basic) sees the rooms of its account.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@ApiBasicAuth()
@UseGuards(AnalyticsViewerGuard)
@Controller('analytics')
export class AnalyticsController {
  constructor(@Inject(AnalyticsService) private readonly analytics: AnalyticsService) {}

  @Get('summary')
  @ApiOperation({
    summary:
      'Calls, participant-minutes, mean duration, mean and peak participants, quality distribution and failed joins over a time range, with a series by day (UTC).',
  })
  @ApiQuery({ ...RANGE[0], required: false })
  @ApiQuery({ ...RANGE[1], required: false })
  @ApiResult(200, summarySchema, 'The figures of the calls that started in the range.')
  @ApiErrors(...VIEWER_ERRORS, ErrorCode.ValidationFailed)
  summary(
    @ViewerScope() scope: AnalyticsScope,
    @Query(new ZodValidationPipe(summaryQuerySchema, 'Query')) query: SummaryQuery,
  ): Promise<SummaryView> {
    return this.analytics.summary(scope, query);
  }

  @Get('calls')
  @ApiOperation({ summary: 'Calls that started in a time range, newest first, a page at a time.' })
  @ApiQuery({ ...RANGE[0], required: false })
  @ApiQuery({ ...RANGE[1], required: false })
  @ApiQuery({ name: 'roomId', required: false, description: 'Only this room’s calls.' })
  @ApiQuery({ name: 'status', required: false, enum: ['live', 'ended'] })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    description: 'The `nextCursor` of the previous page.',
  })
  @ApiResult(200, callsPageSchema, 'A page of calls.')
  @ApiErrors(...VIEWER_ERRORS, ErrorCode.ValidationFailed)
  calls(
    @ViewerScope() scope: AnalyticsScope,
    @Query(new ZodValidationPipe(callsQuerySchema, 'Query')) query: CallsQuery,
  ): Promise<CallsPageView> {
    return this.analytics.calls(scope, query);
  }

  @Get('live')
  @ApiOperation({ summary: 'The calls going on now, with how many are in each.' })
  @ApiResult(200, liveCallsSchema, 'The live calls.')
  @ApiErrors(...VIEWER_ERRORS)
  live(@ViewerScope() scope: AnalyticsScope): Promise<LiveCallsView> {
    return this.analytics.live(scope);
  }

  @Get('calls/:id')
  @ApiOperation({
    summary:
      'One call’s timeline: every leg (join, leave, why, reconnects, client) and its quality over time.',
  })
  @ApiResult(200, callTimelineSchema, 'The call and its legs.')
  @ApiErrors(...VIEWER_ERRORS, ErrorCode.NotFound)
  timeline(
    @ViewerScope() scope: AnalyticsScope,
    @Param('id') id: string,
  ): Promise<CallTimelineView> {
    return this.analytics.timeline(scope, id.slice(0, 40));
  }
}
