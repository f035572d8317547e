/** Runtime schemas of the call analytics REST answers in `analytics.ts`. */
import { z } from 'zod';
import type {
  AnalyticsCall,
  AnalyticsCallLeg,
  AnalyticsCallsPage,
  AnalyticsCallTimeline,
  AnalyticsLiveCalls,
  AnalyticsMetricStats,
  AnalyticsQualityPoint,
  AnalyticsSummary,
  QualityLevelCounts,
} from './analytics.js';

const time = z.string().describe('ISO 8601 time.');

/** Schema of {@link QualityLevelCounts}. */
export const qualityLevelCountsSchema = z.object({
  excellent: z.number().int(),
  good: z.number().int(),
  poor: z.number().int(),
  lost: z.number().int(),
}) satisfies z.ZodType<QualityLevelCounts>;

/** Schema of {@link AnalyticsCall}. */
export const analyticsCallSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  startedAt: time,
  endedAt: time.nullable().describe('Null while the call goes on.'),
  durationSeconds: z.number(),
  legs: z.number().int().describe('Participant presences (a rejoin is a new leg).'),
  peakParticipants: z.number().int(),
  participantMinutes: z.number(),
  topology: z.string(),
  quality: qualityLevelCountsSchema.describe(
    'Legs by the quality level their samples showed most often.',
  ),
}) satisfies z.ZodType<AnalyticsCall>;

/** Schema of {@link AnalyticsMetricStats}. */
export const analyticsMetricStatsSchema = z.object({
  count: z.number().int(),
  mean: z.number(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  min: z.number(),
  max: z.number(),
}) satisfies z.ZodType<AnalyticsMetricStats>;

/** Schema of {@link AnalyticsQualityPoint}. */
export const analyticsQualityPointSchema = z.object({
  at: time,
  level: z.string(),
  mos: z.number().nullable(),
  rttMs: z.number().nullable(),
  jitterMs: z.number().nullable(),
  loss: z.number().nullable(),
  bitrateIn: z.number(),
  bitrateOut: z.number(),
  fps: z.number().nullable(),
}) satisfies z.ZodType<AnalyticsQualityPoint>;

/** Schema of {@link AnalyticsCallLeg}. */
export const analyticsCallLegSchema = z.object({
  participantId: z.string(),
  principalId: z.string(),
  principalKind: z.enum(['user', 'guest']),
  displayName: z.string().nullable().describe('Only when the operator keeps names.'),
  joinedAt: time.nullable(),
  leftAt: time.nullable(),
  endReason: z
    .string()
    .nullable()
    .describe(
      'left, timeout, removed, room_closed, token_expired, interrupted; null while in the call.',
    ),
  reconnects: z.number().int(),
  reconnectingSeconds: z.number(),
  topology: z.string(),
  client: z.object({
    sdk: z.string().nullable(),
    browser: z.string().nullable(),
    os: z.string().nullable(),
  }),
  joinLatencyMs: z.number().int(),
  qualityLevel: z.string().nullable(),
  quality: z
    .record(z.string(), analyticsMetricStatsSchema)
    .nullable()
    .describe('Per metric (mos, rttMs, jitterMs, loss, bitrateIn, bitrateOut, fps, freezeMs).'),
  series: z
    .array(analyticsQualityPointSchema)
    .describe('Quality over time, at most 720 points (longer legs averaged).'),
}) satisfies z.ZodType<AnalyticsCallLeg>;

/** Schema of {@link AnalyticsSummary}. */
export const analyticsSummarySchema = z.object({
  from: time,
  to: time,
  calls: z.number().int(),
  participantMinutes: z.number(),
  meanDurationSeconds: z.number().nullable(),
  meanParticipants: z.number().nullable().describe('Mean of the calls’ peak participants.'),
  peakParticipants: z.number().int(),
  quality: qualityLevelCountsSchema,
  failedJoins: z.record(z.string(), z.number().int()).describe('By error code.'),
  days: z.array(
    z.object({ day: z.string(), calls: z.number().int(), participantMinutes: z.number() }),
  ),
}) satisfies z.ZodType<AnalyticsSummary>;

/** Schema of {@link AnalyticsCallsPage}. */
export const analyticsCallsPageSchema = z.object({
  items: z.array(analyticsCallSchema),
  nextCursor: z.string().nullable(),
}) satisfies z.ZodType<AnalyticsCallsPage>;

/** Schema of {@link AnalyticsCallTimeline}. */
export const analyticsCallTimelineSchema = z.object({
  call: analyticsCallSchema,
  legs: z.array(analyticsCallLegSchema),
}) satisfies z.ZodType<AnalyticsCallTimeline>;

/** Schema of {@link AnalyticsLiveCalls}. */
export const analyticsLiveCallsSchema = z.object({
  items: z.array(analyticsCallSchema.extend({ participants: z.number().int() })),
}) satisfies z.ZodType<AnalyticsLiveCalls>;
