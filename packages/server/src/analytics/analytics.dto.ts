import type {
  AnalyticsCall,
  AnalyticsCallsPage,
  AnalyticsCallTimeline,
  AnalyticsLiveCalls,
  AnalyticsSummary,
} from '@minimeet/protocol';
import {
  analyticsCallsPageSchema,
  analyticsCallTimelineSchema,
  analyticsLiveCallsSchema,
  analyticsSummarySchema,
} from '@minimeet/protocol/schemas';
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

// The answers' schemas and types are the protocol's (`@minimeet/protocol`), so the dashboard and
// any other client read the same declarations the server validates and documents with.

/** Answer of `GET /api/analytics/summary`. */
export const summarySchema = analyticsSummarySchema;
/** Answer of `GET /api/analytics/calls`. */
export const callsPageSchema = analyticsCallsPageSchema;
/** Answer of `GET /api/analytics/calls/{id}`. */
export const callTimelineSchema = analyticsCallTimelineSchema;
/** Answer of `GET /api/analytics/live`. */
export const liveCallsSchema = analyticsLiveCallsSchema;

/** A call session in API answers. */
export type CallSessionView = AnalyticsCall;
/** A {@link summarySchema} value. */
export type SummaryView = AnalyticsSummary;
/** A {@link callsPageSchema} value. */
export type CallsPageView = AnalyticsCallsPage;
/** A {@link callTimelineSchema} value. */
export type CallTimelineView = AnalyticsCallTimeline;
/** A {@link liveCallsSchema} value. */
export type LiveCallsView = AnalyticsLiveCalls;
