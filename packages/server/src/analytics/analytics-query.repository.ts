import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DAY_MS, dayOf, marks, SqlRunner, type Row } from './analytics-sql.repository.js';
import { EVERY_ACCOUNT } from './analytics-rollups.js';
import { aggregateSamples, type LegQuality, type QualityLevelName } from './quality-aggregates.js';

import type { AnalyticsScope } from './analytics-scope.js';

/** A session row as the API reports it. */
export interface SessionRow {
  id: string;
  roomId: string;
  startedAt: number;
  endedAt: number | null;
  durationMs: number;
  legs: number;
  peakParticipants: number;
  participantMs: number;
  topology: string;
  quality: Record<QualityLevelName, number>;
}

/** A leg row as the API reports it. */
export interface LegRow {
  id: string;
  principalId: string;
  principalKind: string;
  displayName: string | null;
  joinedAt: number | null;
  leftAt: number | null;
  endReason: string | null;
  reconnects: number;
  reconnectingMs: number;
  topology: string;
  client: { sdk: string | null; browser: string | null; os: string | null };
  joinLatencyMs: number;
  qualityLevel: string | null;
  quality: LegQuality['metrics'] | null;
}

/** One point of a leg's quality over time, in API units. */
export interface QualityPoint {
  at: number;
  level: string;
  mos: number | null;
  rttMs: number | null;
  jitterMs: number | null;
  loss: number | null;
  bitrateIn: number;
  bitrateOut: number;
  fps: number | null;
}

/** Filters of {@link AnalyticsQueryRepository.list}. */
export interface CallFilters {
  from: number;
  to: number;
  roomId?: string;
  status?: 'live' | 'ended';
  limit: number;
  after?: { startedAt: number; id: string };
}

/** The figures of {@link AnalyticsQueryRepository.summary}. */
export interface SummaryFigures {
  calls: number;
  participantMs: number;
  meanDurationMs: number | null;
  meanParticipants: number | null;
  peakParticipants: number;
  quality: Record<QualityLevelName, number>;
  failedJoins: Record<string, number>;
  days: Array<{ day: string; calls: number; participantMs: number }>;
}

const SESSION_COLUMNS =
  'id, room_id, started_at, ended_at, duration_ms, legs, peak_participants, participant_ms, topology, quality_excellent, quality_good, quality_poor, quality_lost';
/** Most points of one leg's quality series; longer legs are averaged into this many. */
const MAX_POINTS = 720;

/**
 * Reads call analytics for the REST API: a summary over a time range, pages of calls, one call's
 * timeline, the calls in progress. Every read is limited to a scope (an account's rooms, or all)
 * by the indexed `owner_id`.
 */
@Injectable()
export class AnalyticsQueryRepository {
  private readonly db: SqlRunner;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.db = new SqlRunner(dataSource);
  }

  /**
   * Sessions that started in `[from, to)`, the failed joins of that time, and a series by day.
   * Whole UTC days come from the daily rollups; the part of a day at either end of the range (today,
   * when `to` is now) from the sessions and failures themselves.
   */
  async summary(scope: AnalyticsScope, from: number, to: number): Promise<SummaryFigures> {
    const firstDay = Math.ceil(from / DAY_MS);
    const endDay = Math.floor(to / DAY_MS);
    if (firstDay >= endDay) return this.summaryFromSessions(scope, from, to);
    // One statement for the days and one for the failures, each a UNION ALL of the edges read
    // from the rows and the whole days read from the rollups (one row per day: the account's, or
    // the total of every account for an operator), so a summary is two round trips on any store.
    const dayParts: Array<[string, unknown[]]> = [];
    const failureParts: Array<[string, unknown[]]> = [];
    for (const [a, b] of [
      [from, firstDay * DAY_MS],
      [endDay * DAY_MS, to],
    ] as const) {
      if (a >= b) continue;
      dayParts.push(this.sessionDaysSql(scope, a, b));
      failureParts.push(failuresSql(scope, a, b));
    }
    const owner = scope === 'all' ? EVERY_ACCOUNT : scope.ownerId;
    dayParts.push([
      `SELECT day, calls, participant_ms, ended_ms, ended, peak_sum, peak_max AS peak,
        quality_excellent AS q_excellent, quality_good AS q_good,
        quality_poor AS q_poor, quality_lost AS q_lost
       FROM call_daily_rollups WHERE owner_id = ? AND day >= ? AND day < ?`,
      [owner, firstDay, endDay],
    ]);
    failureParts.push([
      `SELECT reason, SUM(failures) AS n FROM call_daily_failures
       WHERE owner_id = ? AND day >= ? AND day < ? GROUP BY reason`,
      [owner, firstDay, endDay],
    ]);
    const [days, failures] = await Promise.all([
      this.db.all(...union(dayParts)),
      this.db.all(...union(failureParts)),
    ]);
    return figures(days, failures);
  }

  /**
   * The same figures as {@link summary}, computed from every session and failed join of the range
   * without the rollups: what the rollups must agree with, and the benchmark's baseline.
   */
  async summaryFromSessions(
    scope: AnalyticsScope,
    from: number,
    to: number,
  ): Promise<SummaryFigures> {
    const [days, failures] = await Promise.all([
      this.db.all(...this.sessionDaysSql(scope, from, to)),
      this.db.all(...failuresSql(scope, from, to)),
    ]);
    return figures(days, failures);
  }

  /** The sessions that started in `[from, to)`, added up per UTC day. */
  private sessionDaysSql(scope: AnalyticsScope, from: number, to: number): [string, unknown[]] {
    const [where, params] = scoped(scope, 'started_at >= ? AND started_at < ?', [from, to]);
    const day = dayOf(this.db.dialect, 'started_at');
    return [
      `SELECT ${day} AS day, COUNT(*) AS calls, SUM(participant_ms) AS participant_ms,
        SUM(CASE WHEN ended_at IS NOT NULL THEN duration_ms ELSE 0 END) AS ended_ms,
        COUNT(ended_at) AS ended, SUM(peak_participants) AS peak_sum, MAX(peak_participants) AS peak,
        SUM(quality_excellent) AS q_excellent, SUM(quality_good) AS q_good,
        SUM(quality_poor) AS q_poor, SUM(quality_lost) AS q_lost
       FROM call_sessions WHERE ${where} GROUP BY ${day}`,
      params,
    ];
  }

  /** A page of sessions, newest first, and whether more follow. */
  async list(scope: AnalyticsScope, f: CallFilters): Promise<SessionRow[]> {
    const conditions = ['started_at >= ?', 'started_at < ?'];
    const values: unknown[] = [f.from, f.to];
    if (f.roomId !== undefined) {
      conditions.push('room_id = ?');
      values.push(f.roomId);
    }
    if (f.status === 'live') conditions.push('ended_at IS NULL');
    if (f.status === 'ended') conditions.push('ended_at IS NOT NULL');
    if (f.after) {
      conditions.push('(started_at < ? OR (started_at = ? AND id < ?))');
      values.push(f.after.startedAt, f.after.startedAt, f.after.id);
    }
    const [where, params] = scoped(scope, conditions.join(' AND '), values);
    const rows = await this.db.all(
      `SELECT ${SESSION_COLUMNS} FROM call_sessions WHERE ${where}
       ORDER BY started_at DESC, id DESC LIMIT ${Math.floor(f.limit)}`,
      params,
    );
    return rows.map(sessionRow);
  }

  /** One session in scope, or null. */
  async session(scope: AnalyticsScope, id: string): Promise<SessionRow | null> {
    const [where, params] = scoped(scope, 'id = ?', [id]);
    const [row] = await this.db.all(
      `SELECT ${SESSION_COLUMNS} FROM call_sessions WHERE ${where}`,
      params,
    );
    return row ? sessionRow(row) : null;
  }

  /** The legs of a session in join order, with their quality series. */
  async legs(sessionId: string): Promise<Array<LegRow & { series: QualityPoint[] }>> {
    const rows = await this.db.all(
      `SELECT id, principal_id, principal_kind, display_name, joined_at, left_at, end_reason,
        reconnects, reconnecting_ms, topology, sdk, browser, os, join_latency_ms, quality_level, quality
       FROM call_legs WHERE session_id = ? ORDER BY joined_at, id`,
      [sessionId],
    );
    const ids = rows.map((r) => String(r.id));
    const samples = new Map<string, Row[]>();
    if (ids.length > 0) {
      for (const row of await this.db.all(
        `SELECT leg_id, at, level, mos_x100, rtt_ms, jitter_ms, loss_bp, bitrate_in, bitrate_out, fps_x10, freeze_ms, relayed
         FROM call_quality_samples WHERE leg_id IN (${marks(ids.length)}) ORDER BY leg_id, at`,
        ids,
      )) {
        const id = String(row.leg_id);
        let list = samples.get(id);
        if (!list) samples.set(id, (list = []));
        list.push(row);
      }
    }
    return rows.map((r) => {
      const legSamples = samples.get(String(r.id)) ?? [];
      const stored = typeof r.quality === 'string' ? r.quality : null;
      // A leg still in the call has no stored aggregates yet: made from its samples now.
      const live = stored === null ? aggregateSamples(legSamples) : null;
      return {
        id: String(r.id),
        principalId: String(r.principal_id),
        principalKind: String(r.principal_kind),
        displayName: str(r.display_name),
        joinedAt: maybe(r.joined_at),
        leftAt: maybe(r.left_at),
        endReason: str(r.end_reason),
        reconnects: num(r.reconnects),
        reconnectingMs: num(r.reconnecting_ms),
        topology: String(r.topology),
        client: { sdk: str(r.sdk), browser: str(r.browser), os: str(r.os) },
        joinLatencyMs: num(r.join_latency_ms),
        qualityLevel: str(r.quality_level) ?? live?.level ?? null,
        quality: stored ? (JSON.parse(stored) as LegQuality['metrics']) : (live?.metrics ?? null),
        series: series(legSamples),
      };
    });
  }

  /** Sessions in progress with the number of participants in each, newest first. */
  async live(scope: AnalyticsScope): Promise<Array<SessionRow & { participants: number }>> {
    const [where, params] = scoped(scope, 's.ended_at IS NULL', [], 's.');
    const rows = await this.db.all(
      `SELECT ${SESSION_COLUMNS.split(', ')
        .map((c) => `s.${c}`)
        .join(', ')},
        (SELECT COUNT(*) FROM call_legs l WHERE l.session_id = s.id AND l.left_at IS NULL) AS participants
       FROM call_sessions s WHERE ${where} ORDER BY s.started_at DESC LIMIT 1000`,
      params,
    );
    return rows.map((r) => ({ ...sessionRow(r), participants: num(r.participants) }));
  }
}

/** Summary figures from rows per day (each day once) and failure counts by reason (repeats added). */
function figures(days: readonly Row[], failures: readonly Row[]): SummaryFigures {
  const t = { calls: 0, participantMs: 0, endedMs: 0, ended: 0, peakSum: 0, peak: 0 };
  const quality = { excellent: 0, good: 0, poor: 0, lost: 0 };
  for (const r of days) {
    t.calls += num(r.calls);
    t.participantMs += num(r.participant_ms);
    t.endedMs += num(r.ended_ms);
    t.ended += num(r.ended);
    t.peakSum += num(r.peak_sum);
    t.peak = Math.max(t.peak, num(r.peak));
    quality.excellent += num(r.q_excellent);
    quality.good += num(r.q_good);
    quality.poor += num(r.q_poor);
    quality.lost += num(r.q_lost);
  }
  const failedJoins: Record<string, number> = {};
  for (const r of failures) {
    const reason = String(r.reason);
    failedJoins[reason] = (failedJoins[reason] ?? 0) + num(r.n);
  }
  return {
    calls: t.calls,
    participantMs: t.participantMs,
    meanDurationMs: t.ended > 0 ? t.endedMs / t.ended : null,
    meanParticipants: t.calls > 0 ? t.peakSum / t.calls : null,
    peakParticipants: t.peak,
    quality,
    failedJoins,
    days: [...days]
      .sort((a, b) => num(a.day) - num(b.day))
      .map((r) => ({
        day: new Date(num(r.day) * DAY_MS).toISOString().slice(0, 10),
        calls: num(r.calls),
        participantMs: num(r.participant_ms),
      })),
  };
}

/** The failed joins in `[from, to)`, counted by reason. */
function failuresSql(scope: AnalyticsScope, from: number, to: number): [string, unknown[]] {
  const [where, params] = scoped(scope, 'occurred_at >= ? AND occurred_at < ?', [from, to]);
  return [
    `SELECT reason, COUNT(*) AS n FROM call_join_failures WHERE ${where} GROUP BY reason`,
    params,
  ];
}

/** Statements with the same columns as one `UNION ALL` (each part in parentheses). */
function union(parts: ReadonlyArray<[string, unknown[]]>): [string, unknown[]] {
  if (parts.length === 1) return parts[0];
  return [
    parts.map(([text], i) => `SELECT * FROM (${text}) AS p${i}`).join(' UNION ALL '),
    parts.flatMap(([, params]) => params),
  ];
}

function scoped(
  scope: AnalyticsScope,
  where: string,
  params: unknown[],
  alias = '',
): [string, unknown[]] {
  if (scope === 'all') return [where, params];
  return [`${alias}owner_id = ? AND ${where}`, [scope.ownerId, ...params]];
}

function sessionRow(r: Row): SessionRow {
  return {
    id: String(r.id),
    roomId: String(r.room_id),
    startedAt: num(r.started_at),
    endedAt: maybe(r.ended_at),
    durationMs: num(r.duration_ms),
    legs: num(r.legs),
    peakParticipants: num(r.peak_participants),
    participantMs: num(r.participant_ms),
    topology: String(r.topology),
    quality: {
      excellent: num(r.quality_excellent),
      good: num(r.quality_good),
      poor: num(r.quality_poor),
      lost: num(r.quality_lost),
    },
  };
}

/** A leg's samples as points, averaged into at most {@link MAX_POINTS} buckets. */
function series(rows: readonly Row[]): QualityPoint[] {
  const size = Math.max(1, Math.ceil(rows.length / MAX_POINTS));
  const points: QualityPoint[] = [];
  for (let i = 0; i < rows.length; i += size) {
    const bucket = rows.slice(i, i + size);
    const last = bucket[bucket.length - 1];
    const mean = (column: string, factor = 1): number | null => {
      const values = bucket.map((r) => r[column]).filter((v) => v !== null && v !== undefined);
      if (values.length === 0) return null;
      return (
        Math.round(
          (values.reduce((a: number, v) => a + Number(v), 0) / values.length) * factor * 1000,
        ) / 1000
      );
    };
    // The worst level of the bucket: a short drop stays visible however long the call.
    const levels = ['excellent', 'good', 'poor', 'lost'];
    const level = bucket
      .map((r) => String(r.level))
      .reduce((a, b) => (levels.indexOf(b) > levels.indexOf(a) ? b : a));
    points.push({
      at: num(last.at),
      level,
      mos: mean('mos_x100', 0.01),
      rttMs: mean('rtt_ms'),
      jitterMs: mean('jitter_ms'),
      loss: mean('loss_bp', 0.0001),
      bitrateIn: mean('bitrate_in') ?? 0,
      bitrateOut: mean('bitrate_out') ?? 0,
      fps: mean('fps_x10', 0.1),
    });
  }
  return points;
}

function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}

function maybe(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
