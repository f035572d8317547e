import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import { AnalyticsQueryRepository, type SessionRow } from './analytics-query.repository.js';
import type { AnalyticsScope } from './analytics-scope.js';
import type {
  CallSessionView,
  CallsPageView,
  CallsQuery,
  CallTimelineView,
  LiveCallsView,
  SummaryQuery,
  SummaryView,
} from './analytics.dto.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** Call analytics for the REST API, within what the caller may see. */
@Injectable()
export class AnalyticsService {
  constructor(
    @Inject(AnalyticsQueryRepository) private readonly queries: AnalyticsQueryRepository,
  ) {}

  /** Figures over a time range. */
  async summary(scope: AnalyticsScope, q: SummaryQuery): Promise<SummaryView> {
    const s = await this.queries.summary(scope, q.from, q.to);
    return {
      from: iso(q.from),
      to: iso(q.to),
      calls: s.calls,
      participantMinutes: round(s.participantMs / 60_000),
      meanDurationSeconds: s.meanDurationMs === null ? null : round(s.meanDurationMs / 1000),
      meanParticipants: s.meanParticipants === null ? null : round(s.meanParticipants),
      peakParticipants: s.peakParticipants,
      quality: s.quality,
      failedJoins: s.failedJoins,
      days: s.days.map((d) => ({
        day: d.day,
        calls: d.calls,
        participantMinutes: round(d.participantMs / 60_000),
      })),
    };
  }

  /** A page of calls, newest first. */
  async calls(scope: AnalyticsScope, q: CallsQuery): Promise<CallsPageView> {
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const rows = await this.queries.list(scope, {
      from: q.from,
      to: q.to,
      limit: q.limit + 1,
      ...(q.roomId !== undefined ? { roomId: q.roomId } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(after ? { after } : {}),
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(sessionView),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null,
    };
  }

  /** One call: who was there when, and their quality over time; `not_found` outside the scope. */
  async timeline(scope: AnalyticsScope, sessionId: string): Promise<CallTimelineView> {
    const session = await this.queries.session(scope, sessionId);
    if (!session) throw new AppError(ErrorCode.NotFound, 'No such call.');
    const legs = await this.queries.legs(sessionId);
    return {
      call: sessionView(session),
      legs: legs.map((l) => ({
        participantId: l.id,
        principalId: l.principalId,
        principalKind: l.principalKind === 'guest' ? 'guest' : 'user',
        displayName: l.displayName,
        joinedAt: l.joinedAt === null ? null : iso(l.joinedAt),
        leftAt: l.leftAt === null ? null : iso(l.leftAt),
        endReason: l.endReason,
        reconnects: l.reconnects,
        reconnectingSeconds: round(l.reconnectingMs / 1000),
        topology: l.topology,
        client: l.client,
        joinLatencyMs: l.joinLatencyMs,
        qualityLevel: l.qualityLevel,
        quality: l.quality,
        series: l.series.map((p) => ({ ...p, at: iso(p.at) })),
      })),
    };
  }

  /** The calls going on now. */
  async live(scope: AnalyticsScope): Promise<LiveCallsView> {
    const rows = await this.queries.live(scope);
    return { items: rows.map((r) => ({ ...sessionView(r), participants: r.participants })) };
  }
}

function sessionView(s: SessionRow): CallSessionView {
  return {
    id: s.id,
    roomId: s.roomId,
    startedAt: iso(s.startedAt),
    endedAt: s.endedAt === null ? null : iso(s.endedAt),
    durationSeconds: round(s.durationMs / 1000),
    legs: s.legs,
    peakParticipants: s.peakParticipants,
    participantMinutes: round(s.participantMs / 60_000),
    topology: s.topology,
    quality: s.quality,
  };
}

function encodeCursor(s: SessionRow): string {
  return Buffer.from(`${s.startedAt}:${s.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { startedAt: number; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const startedAt = Number(text.slice(0, colon));
  if (colon <= 0 || !Number.isSafeInteger(startedAt)) {
    throw new AppError(ErrorCode.ValidationFailed, 'That cursor is not one this API gave.');
  }
  return { startedAt, id: text.slice(colon + 1) };
}
