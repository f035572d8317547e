/**
 * Call analytics REST answers (`GET /api/analytics/…`): the summary over a time range, pages of
 * calls, one call's timeline, and the calls going on now. Times are ISO 8601 strings.
 */

/** Legs counted by the quality level their samples showed most often. */
export interface QualityLevelCounts {
  excellent: number;
  good: number;
  poor: number;
  lost: number;
}

/** One day of a summary's series (UTC). */
export interface AnalyticsDay {
  /** `YYYY-MM-DD`. */
  day: string;
  /** Calls that started that day. */
  calls: number;
  participantMinutes: number;
}

/** Answer of `GET /api/analytics/summary`: the calls that started in `[from, to)`. */
export interface AnalyticsSummary {
  from: string;
  to: string;
  calls: number;
  participantMinutes: number;
  /** Mean duration of the calls that have ended, or null when none has. */
  meanDurationSeconds: number | null;
  /** Mean of the calls' peak participants, or null without calls. */
  meanParticipants: number | null;
  peakParticipants: number;
  quality: QualityLevelCounts;
  /** Refused joins by error code (`room_full`, `forbidden`, `not_found`, …). */
  failedJoins: Record<string, number>;
  /** The days of the range that had calls, in order. */
  days: AnalyticsDay[];
}

/** A call session: from the first participant joining a room's call to the last one leaving. */
export interface AnalyticsCall {
  id: string;
  roomId: string;
  startedAt: string;
  /** Null while the call goes on. */
  endedAt: string | null;
  durationSeconds: number;
  /** Participant presences (a rejoin is a new leg). */
  legs: number;
  peakParticipants: number;
  participantMinutes: number;
  /** `mesh` or `sfu`. */
  topology: string;
  quality: QualityLevelCounts;
}

/** Answer of `GET /api/analytics/calls`: a page of calls, newest first. */
export interface AnalyticsCallsPage {
  items: AnalyticsCall[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

/** Count, mean, percentiles and extremes of one quality metric over a leg's samples. */
export interface AnalyticsMetricStats {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

/** One point of a leg's quality over time. */
export interface AnalyticsQualityPoint {
  at: string;
  /** `excellent`, `good`, `poor` or `lost`: the worst of the samples the point averages. */
  level: string;
  mos: number | null;
  rttMs: number | null;
  jitterMs: number | null;
  /** Inbound packet loss, 0 to 1. */
  loss: number | null;
  bitrateIn: number;
  bitrateOut: number;
  fps: number | null;
}

/** Why a leg ended, as the timeline reports it. */
export type AnalyticsLegEndReason =
  'left' | 'timeout' | 'removed' | 'room_closed' | 'token_expired' | 'interrupted';

/** One participant's presence in a call. */
export interface AnalyticsCallLeg {
  participantId: string;
  principalId: string;
  principalKind: 'user' | 'guest';
  /** Only when the operator keeps names (`ANALYTICS_STORE_NAMES`). */
  displayName: string | null;
  joinedAt: string | null;
  leftAt: string | null;
  /** An {@link AnalyticsLegEndReason}; null while in the call. */
  endReason: string | null;
  reconnects: number;
  reconnectingSeconds: number;
  topology: string;
  /** What the SDK said of itself (families only). */
  client: { sdk: string | null; browser: string | null; os: string | null };
  joinLatencyMs: number;
  qualityLevel: string | null;
  /** Per metric (mos, rttMs, jitterMs, loss, bitrateIn, bitrateOut, fps, freezeMs). */
  quality: Record<string, AnalyticsMetricStats> | null;
  /** Quality over time, at most 720 points (longer legs averaged). */
  series: AnalyticsQualityPoint[];
}

/** Answer of `GET /api/analytics/calls/{id}`: one call and its legs. */
export interface AnalyticsCallTimeline {
  call: AnalyticsCall;
  legs: AnalyticsCallLeg[];
}

/** A call going on now, with how many are in it. */
export interface AnalyticsLiveCall extends AnalyticsCall {
  participants: number;
}

/** Answer of `GET /api/analytics/live`. */
export interface AnalyticsLiveCalls {
  items: AnalyticsLiveCall[];
}
