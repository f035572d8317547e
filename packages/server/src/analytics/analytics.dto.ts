import { z } from 'zod';

const DAY_MS = 86_400_000;
/** The longest range a summary or a listing may cover. */
const MAX_RANGE_MS = 400 * DAY_MS;

const instant = z.iso
  .datetime({ offset: true })
  .transform((v) => Date.parse(v))
  .describe('An ISO 8601 time, e.g. 2026-12-01T00:00:00Z.');

/** `from`/`to` of a range, defaulting to the last 30 days; `to` is exclusive. */
const range = {
  from: instant.optional(),
  to: instant.optional(),
};

function withRange<T extends { from?: number; to?: number }>(
  q: T,
): Omit<T, 'from' | 'to'> & { from: number; to: number } {
  const to = q.to ?? Date.now();
  const from = q.from ?? to - 30 * DAY_MS;
  return { ...q, from, to };
}

const rangeChecks = (q: { from: number; to: number }) =>
  q.from < q.to && q.to - q.from <= MAX_RANGE_MS;
const RANGE_MESSAGE = '`from` must come before `to`, at most 400 days apart.';

/** Query of `GET /api/analytics/summary`. */
export const summaryQuerySchema = z
  .strictObject(range)
  .transform(withRange)
  .refine(rangeChecks, RANGE_MESSAGE);

/** The validated {@link summaryQuerySchema}. */
export type SummaryQuery = z.output<typeof summaryQuerySchema>;

/** Query of `GET /api/analytics/calls`. */
export const callsQuerySchema = z
  .strictObject({
    ...range,
    roomId: z.string().min(1).max(128).optional(),
    status: z.enum(['live', 'ended']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
  })
  .transform(withRange)
  .refine(rangeChecks, RANGE_MESSAGE);

/** The validated {@link callsQuerySchema}. */
export type CallsQuery = z.output<typeof callsQuerySchema>;

const levels = z.object({
  excellent: z.number().int(),
  good: z.number().int(),
  poor: z.number().int(),
  lost: z.number().int(),
});

const time = z.string().describe('ISO 8601 time.');

/** A call session in API answers. */
export const callSessionSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  startedAt: time,
  endedAt: time.nullable().describe('Null while the call goes on.'),
  durationSeconds: z.number(),
  legs: z.number().int().describe('Participant presences (a rejoin is a new leg).'),
  peakParticipants: z.number().int(),
  participantMinutes: z.number(),
  topology: z.string(),
  quality: levels.describe('Legs by the quality level their samples showed most often.'),
});

const metric = z.object({
  count: z.number().int(),
  mean: z.number(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  min: z.number(),
  max: z.number(),
});

/** A leg of a call's timeline. */
export const callLegSchema = z.object({
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
    .record(z.string(), metric)
    .nullable()
    .describe('Per metric (mos, rttMs, jitterMs, loss, bitrateIn, bitrateOut, fps, freezeMs).'),
  series: z
    .array(
      z.object({
        at: time,
        level: z.string(),
        mos: z.number().nullable(),
        rttMs: z.number().nullable(),
        jitterMs: z.number().nullable(),
        loss: z.number().nullable(),
        bitrateIn: z.number(),
        bitrateOut: z.number(),
        fps: z.number().nullable(),
      }),
    )
    .describe('Quality over time, at most 720 points (longer legs averaged).'),
});

/** Answer of `GET /api/analytics/summary`. */
export const summarySchema = z.object({
  from: time,
  to: time,
  calls: z.number().int(),
  participantMinutes: z.number(),
  meanDurationSeconds: z.number().nullable(),
  meanParticipants: z.number().nullable().describe('Mean of the calls’ peak participants.'),
  peakParticipants: z.number().int(),
  quality: levels,
  failedJoins: z.record(z.string(), z.number().int()).describe('By error code.'),
  days: z.array(
    z.object({ day: z.string(), calls: z.number().int(), participantMinutes: z.number() }),
  ),
});

/** Answer of `GET /api/analytics/calls`. */
export const callsPageSchema = z.object({
  items: z.array(callSessionSchema),
  nextCursor: z.string().nullable(),
});

/** Answer of `GET /api/analytics/calls/{id}`. */
export const callTimelineSchema = z.object({
  call: callSessionSchema,
  legs: z.array(callLegSchema),
});

/** Answer of `GET /api/analytics/live`. */
export const liveCallsSchema = z.object({
  items: z.array(callSessionSchema.extend({ participants: z.number().int() })),
});

/** A {@link callSessionSchema} value. */
export type CallSessionView = z.infer<typeof callSessionSchema>;
/** A {@link summarySchema} value. */
export type SummaryView = z.infer<typeof summarySchema>;
/** A {@link callsPageSchema} value. */
export type CallsPageView = z.infer<typeof callsPageSchema>;
/** A {@link callTimelineSchema} value. */
export type CallTimelineView = z.infer<typeof callTimelineSchema>;
/** A {@link liveCallsSchema} value. */
export type LiveCallsView = z.infer<typeof liveCallsSchema>;
