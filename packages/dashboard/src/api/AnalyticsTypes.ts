// The analytics REST API's answers as docs/analytics.md describes them (the server's
// analytics.dto.ts is the source of truth; these mirror it for the browser).

/** Legs counted by the quality level their samples showed most often. */
export interface QualityLevels {
  readonly excellent: number;
  readonly good: number;
  readonly poor: number;
  readonly lost: number;
}

/** One of the quality levels the SDK reports. */
export type QualityLevel = keyof QualityLevels;

/** `GET /api/analytics/summary`: totals over a time range. */
export interface AnalyticsSummary {
  readonly from: string;
  readonly to: string;
  readonly calls: number;
  readonly participantMinutes: number;
  readonly meanDurationSeconds: number | null;
  readonly meanParticipants: number | null;
  readonly peakParticipants: number;
  readonly quality: QualityLevels;
  readonly failedJoins: Readonly<Record<string, number>>;
  readonly days: ReadonlyArray<{ day: string; calls: number; participantMinutes: number }>;
}

/** One call session, as the list, the live view and the timeline show it. */
export interface CallSession {
  readonly id: string;
  readonly roomId: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationSeconds: number;
  readonly legs: number;
  readonly peakParticipants: number;
  readonly participantMinutes: number;
  readonly topology: string;
  readonly quality: QualityLevels;
}

/** `GET /api/analytics/calls`: a page of calls, newest first. */
export interface CallsPage {
  readonly items: readonly CallSession[];
  readonly nextCursor: string | null;
}

/** One point of a leg's quality over time. */
export interface QualityPoint {
  readonly at: string;
  readonly level: string;
  readonly mos: number | null;
  readonly rttMs: number | null;
  readonly jitterMs: number | null;
  readonly loss: number | null;
  readonly bitrateIn: number;
  readonly bitrateOut: number;
  readonly fps: number | null;
}

/** One participant's presence in a call. */
export interface CallLeg {
  readonly participantId: string;
  readonly principalId: string;
  readonly principalKind: 'user' | 'guest';
  readonly displayName: string | null;
  readonly joinedAt: string | null;
  readonly leftAt: string | null;
  readonly endReason: string | null;
  readonly reconnects: number;
  readonly reconnectingSeconds: number;
  readonly topology: string;
  readonly client: { sdk: string | null; browser: string | null; os: string | null };
  readonly joinLatencyMs: number;
  readonly qualityLevel: string | null;
  readonly series: readonly QualityPoint[];
}

/** `GET /api/analytics/calls/:id`: one call with its legs. */
export interface CallTimeline {
  readonly call: CallSession;
  readonly legs: readonly CallLeg[];
}

/** `GET /api/analytics/live`: the calls going on now. */
export interface LiveCalls {
  readonly items: ReadonlyArray<CallSession & { participants: number }>;
}

/** A time range `[from, to)`. */
export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
}
