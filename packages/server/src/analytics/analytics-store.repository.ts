import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AnalyticsEvent, AnalyticsEventOf, LegEvent, LegSample } from './analytics-events.js';
import {
  marks,
  sql,
  SqlRunner,
  type Dialect,
  type Row,
  type SqlPlan,
} from './analytics-sql.repository.js';
import {
  countFailures,
  rebuildRollups,
  sweepRollups,
  refreshRollups,
  rollupKey,
  type RollupKey,
} from './analytics-rollups.js';
import { aggregateSamples, SAMPLE_METRICS, type QualityLevelName } from './quality-aggregates.js';

/** What one {@link AnalyticsStoreRepository.apply} did. */
export interface ApplyOutcome {
  /** Events applied now. */
  applied: number;
  /** Events skipped because an earlier delivery had applied them. */
  duplicates: number;
  /** Durations (ms) of the sessions this batch ended. */
  endedSessions: number[];
}

/** A leg as the recorder holds it while it applies a batch. */
interface LegRow {
  id: string;
  session_id: string;
  room_id: string;
  principal_id: string;
  principal_kind: string;
  display_name: string | null;
  joined_at: number | null;
  left_at: number | null;
  end_reason: string | null;
  reconnects: number;
  reconnecting_ms: number;
  reconnecting_since: number | null;
  topology: string;
  sdk: string | null;
  browser: string | null;
  os: string | null;
  join_latency_ms: number;
  quality_level: string | null;
  quality: string | null;
}

const LEG_COLUMNS: Array<keyof LegRow> = [
  'id',
  'session_id',
  'room_id',
  'principal_id',
  'principal_kind',
  'display_name',
  'joined_at',
  'left_at',
  'end_reason',
  'reconnects',
  'reconnecting_ms',
  'reconnecting_since',
  'topology',
  'sdk',
  'browser',
  'os',
  'join_latency_ms',
  'quality_level',
  'quality',
];
const LEG_NUMBERS = new Set<keyof LegRow>([
  'joined_at',
  'left_at',
  'reconnects',
  'reconnecting_ms',
  'reconnecting_since',
  'join_latency_ms',
]);

/** The columns of `call_sessions` the recorder derives from the legs, in the order it writes them. */
const SESSION_FIGURES = [
  'started_at',
  'ended_at',
  'duration_ms',
  'legs',
  'peak_participants',
  'participant_ms',
  'quality_excellent',
  'quality_good',
  'quality_poor',
  'quality_lost',
] as const;

/** Most values in one `IN (…)` list or multi-row insert. */
const CHUNK = 200;

/**
 * Writes analytics events into the relational store: legs, sessions (derived from their legs),
 * failed joins, and a receipt per event in the same transaction, so an event delivered twice is
 * applied once. Events of one batch may arrive in any order relative to other batches (a batch
 * taken over from a dead node comes late): legs are patched field by field and sessions recomputed
 * from their legs, so the result does not depend on the order.
 */
@Injectable()
export class AnalyticsStoreRepository {
  private readonly db: SqlRunner;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.db = new SqlRunner(dataSource);
  }

  /** Applies a batch of events in one transaction, skipping those applied before. */
  apply(events: readonly AnalyticsEvent[], now = Date.now()): Promise<ApplyOutcome> {
    return this.db.transaction(() => this.applyPlan(events, now));
  }

  /**
   * Deletes sessions (with their legs) that ended before `sessionsBefore`, failed joins older
   * than it, quality samples older than `samplesBefore`, and receipts older than
   * `receiptsBefore`; returns how many rows went.
   */
  async sweep(before: {
    sessionsBefore: number;
    samplesBefore: number;
    receiptsBefore: number;
  }): Promise<number> {
    const { sessionsBefore, samplesBefore, receiptsBefore } = before;
    let deleted = 0;
    deleted += await this.db.run('DELETE FROM call_quality_samples WHERE at < ?', [samplesBefore]);
    deleted += await this.db.run(
      'DELETE FROM call_legs WHERE session_id IN (SELECT id FROM (SELECT id FROM call_sessions WHERE ended_at < ?) AS old)',
      [sessionsBefore],
    );
    deleted += await this.db.run('DELETE FROM call_sessions WHERE ended_at < ?', [sessionsBefore]);
    deleted += await this.db.run('DELETE FROM call_join_failures WHERE occurred_at < ?', [
      sessionsBefore,
    ]);
    deleted += await this.db.transaction(() => sweepRollups(this.db.dialect, sessionsBefore));
    deleted += await this.db.run('DELETE FROM analytics_receipts WHERE received_at < ?', [
      receiptsBefore,
    ]);
    return deleted;
  }

  /**
   * Builds the daily rollups again from the sessions and failed joins stored: for data loaded in
   * bulk beside the recorder (a benchmark, an import), or a repair.
   */
  rebuildRollups(): Promise<void> {
    return this.db.transaction(() => rebuildRollups(this.db.dialect));
  }

  /**
   * Ends the legs still open in the store as `interrupted` at their last known time, and their
   * sessions with them: on a single node that starts, nobody can still be in a call it held.
   */
  closeInterrupted(): Promise<number> {
    return this.db.transaction(() => this.closeInterruptedPlan());
  }

  private *applyPlan(events: readonly AnalyticsEvent[], now: number): SqlPlan<ApplyOutcome> {
    const unique = new Map<string, AnalyticsEvent>();
    for (const event of events) if (!unique.has(event.id)) unique.set(event.id, event);
    const seen = new Set<string>();
    for (const ids of chunks([...unique.keys()])) {
      const rows = yield sql(
        `SELECT event_id FROM analytics_receipts WHERE event_id IN (${marks(ids.length)})`,
        ids,
      );
      for (const row of rows) seen.add(String(row.event_id));
    }
    const fresh = [...unique.values()].filter((e) => !seen.has(e.id));
    const outcome: ApplyOutcome = {
      applied: fresh.length,
      duplicates: events.length - fresh.length,
      endedSessions: [],
    };
    if (fresh.length === 0) return outcome;
    // A plain insert: should another consumer apply the same event at this moment, one of the two
    // transactions fails on the key and its batch comes again, to find the receipt.
    for (const part of chunks(fresh)) {
      yield sql(
        `INSERT INTO analytics_receipts (event_id, received_at) VALUES ${part.map(() => '(?, ?)').join(', ')}`,
        part.flatMap((e) => [e.id, now]),
      );
    }

    const owners = yield* this.roomOwners(fresh.map((e) => e.data.roomId));
    const legEvents = fresh.filter(
      (e): e is LegEvent =>
        e.type !== 'participant.join_failed' &&
        e.type !== 'moderation.action' &&
        e.type !== 'session.ended',
    );
    const sessionIds = [...new Set(legEvents.map((e) => e.data.sessionId))].sort();
    yield* this.ensureSessions(legEvents, owners);
    if (this.db.dialect !== 'sqlite' && sessionIds.length > 0) {
      // One recompute of a session at a time, whichever node applies its events.
      for (const ids of chunks(sessionIds)) {
        yield sql(
          `SELECT id FROM call_sessions WHERE id IN (${marks(ids.length)}) ORDER BY id FOR UPDATE`,
          ids,
        );
      }
    }

    const legs = yield* this.loadLegs([...new Set(legEvents.map((e) => e.data.participantId))]);
    const stored = new Set(legs.keys());
    const touched = new Set<string>();
    const failures: Array<{ ownerId: string | null; reason: string; at: number }> = [];
    for (const event of fresh) {
      // Host actions travel on the stream for other consumers; the call tables do not keep them.
      if (event.type === 'moderation.action') continue;
      // A session's end is already told by its legs: the receipt is all the store keeps of it.
      if (event.type === 'session.ended') continue;
      if (event.type === 'participant.join_failed') {
        const reason = event.data.reason.slice(0, 32);
        failures.push({ ownerId: owners.get(event.data.roomId) ?? null, reason, at: event.at });
        yield sql(
          'INSERT INTO call_join_failures (id, room_id, owner_id, principal_kind, reason, occurred_at) VALUES (?, ?, ?, ?, ?, ?)',
          [
            event.id,
            event.data.roomId,
            owners.get(event.data.roomId) ?? null,
            event.data.principalKind,
            reason,
            event.at,
          ],
        );
        continue;
      }
      const leg = legs.get(event.data.participantId) ?? placeholder(event);
      legs.set(leg.id, leg);
      touched.add(leg.id);
      applyToLeg(leg, event);
    }
    const sampled = new Set<string>();
    for (const event of fresh) {
      if (event.type !== 'quality.reported' || event.data.samples.length === 0) continue;
      sampled.add(event.data.participantId);
      yield* this.insertSamples(event.data.participantId, event.data.samples);
    }
    // A leg's aggregates are made when it ends, and again when samples arrive after that.
    for (const id of touched) {
      const leg = legs.get(id)!;
      if (leg.left_at === null || (!sampled.has(id) && leg.quality !== null)) continue;
      const rows = yield sql(
        `SELECT ${SAMPLE_METRICS.join(', ')}, level FROM call_quality_samples WHERE leg_id = ?`,
        [id],
      );
      const aggregate = aggregateSamples(rows);
      leg.quality = aggregate ? JSON.stringify(aggregate.metrics) : null;
      leg.quality_level = aggregate?.level ?? null;
    }
    for (const id of touched) {
      const leg = legs.get(id)!;
      const values = LEG_COLUMNS.map((c) => leg[c]);
      if (stored.has(id)) {
        yield sql(
          `UPDATE call_legs SET ${LEG_COLUMNS.slice(1)
            .map((c) => `${c} = ?`)
            .join(', ')} WHERE id = ?`,
          [...values.slice(1), id],
        );
      } else {
        yield sql(
          `INSERT INTO call_legs (${LEG_COLUMNS.join(', ')}) VALUES (${marks(LEG_COLUMNS.length)})`,
          values,
        );
      }
    }
    yield* countFailures(this.db.dialect, failures);
    outcome.endedSessions = yield* this.recomputeSessions(sessionIds);
    return outcome;
  }

  private *insertSamples(legId: string, samples: readonly LegSample[]): SqlPlan<void> {
    const [head, tail] = insertIgnore(this.db.dialect);
    for (const part of chunks(samples, 50)) {
      yield sql(
        `${head} INTO call_quality_samples (leg_id, at, interval_ms, level, ${SAMPLE_METRICS.join(', ')}) VALUES ${part
          .map(() => `(${marks(4 + SAMPLE_METRICS.length)})`)
          .join(', ')}${tail}`,
        part.flatMap((x) => [
          legId,
          x.at,
          x.intervalMs,
          x.level,
          x.mosX100,
          x.rttMs,
          x.jitterMs,
          x.lossBp,
          x.bitrateIn,
          x.bitrateOut,
          x.fpsX10,
          x.freezeMs,
          x.relayed,
        ]),
      );
    }
  }

  private *roomOwners(roomIds: string[]): SqlPlan<Map<string, string | null>> {
    const owners = new Map<string, string | null>();
    for (const ids of chunks([...new Set(roomIds)])) {
      const rows = yield sql(
        `SELECT id, owner_id FROM rooms WHERE id IN (${marks(ids.length)})`,
        ids,
      );
      for (const row of rows) owners.set(String(row.id), nullableString(row.owner_id));
    }
    return owners;
  }

  private *ensureSessions(
    events: Array<LegEvent>,
    owners: Map<string, string | null>,
  ): SqlPlan<void> {
    const first = new Map<string, (typeof events)[number]>();
    for (const e of events) if (!first.has(e.data.sessionId)) first.set(e.data.sessionId, e);
    const ids = [...first.keys()];
    const existing = new Set<string>();
    for (const part of chunks(ids)) {
      const rows = yield sql(
        `SELECT id FROM call_sessions WHERE id IN (${marks(part.length)})`,
        part,
      );
      for (const row of rows) existing.add(String(row.id));
    }
    const missing = ids.filter((id) => !existing.has(id));
    for (const part of chunks(missing)) {
      const rows = part.map((id) => {
        const e = first.get(id)!;
        const topology = e.type === 'participant.joined' ? e.data.topology : 'mesh';
        return [id, e.data.roomId, owners.get(e.data.roomId) ?? null, e.at, topology];
      });
      // Two nodes may create the same session at once: the loser's batch fails and comes again.
      yield sql(
        `INSERT INTO call_sessions (id, room_id, owner_id, started_at, topology) VALUES ${rows.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
        rows.flat(),
      );
    }
  }

  private *loadLegs(ids: string[]): SqlPlan<Map<string, LegRow>> {
    const legs = new Map<string, LegRow>();
    for (const part of chunks(ids)) {
      const rows = yield sql(
        `SELECT ${LEG_COLUMNS.join(', ')} FROM call_legs WHERE id IN (${marks(part.length)})`,
        part,
      );
      for (const row of rows) {
        const leg = legRow(row);
        legs.set(leg.id, leg);
      }
    }
    return legs;
  }

  /**
   * Brings sessions up to date with their legs, and the daily rollups with the sessions that
   * changed; returns the durations of the sessions it ended.
   */
  private *recomputeSessions(sessionIds: string[]): SqlPlan<number[]> {
    const ended: number[] = [];
    const rollups: RollupKey[] = [];
    for (const part of chunks(sessionIds)) {
      const before = new Map<string, Row>();
      for (const row of yield sql(
        `SELECT id, owner_id, ${SESSION_FIGURES.join(', ')} FROM call_sessions WHERE id IN (${marks(part.length)})`,
        part,
      ))
        before.set(String(row.id), row);
      const rows = yield sql(
        `SELECT session_id, joined_at, left_at, quality_level FROM call_legs WHERE session_id IN (${marks(part.length)})`,
        part,
      );
      const bySession = new Map<string, Array<{ joined: number | null; left: number | null }>>();
      const levels = new Map<string, Record<QualityLevelName, number>>();
      for (const row of rows) {
        const id = String(row.session_id);
        let list = bySession.get(id);
        if (!list) bySession.set(id, (list = []));
        list.push({ joined: nullableNumber(row.joined_at), left: nullableNumber(row.left_at) });
        let counts = levels.get(id);
        if (!counts) levels.set(id, (counts = { excellent: 0, good: 0, poor: 0, lost: 0 }));
        const level = row.quality_level;
        if (typeof level === 'string' && level in counts) counts[level as QualityLevelName]++;
      }
      for (const id of part) {
        const s = summarise(bySession.get(id) ?? []);
        const old = before.get(id);
        if (!s || !old) continue;
        const q = levels.get(id)!;
        const figures = [
          s.startedAt,
          s.endedAt,
          s.durationMs,
          s.legs,
          s.peak,
          s.participantMs,
          q.excellent,
          q.good,
          q.poor,
          q.lost,
        ];
        // Most batches are quality reports, which change no session: nothing to write then.
        if (SESSION_FIGURES.every((c, i) => nullableNumber(old[c]) === figures[i])) continue;
        if (s.endedAt !== null && old.ended_at === null) ended.push(s.durationMs);
        yield sql(
          `UPDATE call_sessions SET ${SESSION_FIGURES.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`,
          [...figures, id],
        );
        const owner = nullableString(old.owner_id);
        rollups.push(rollupKey(owner, s.startedAt));
        const oldStart = nullableNumber(old.started_at);
        if (oldStart !== null) rollups.push(rollupKey(owner, oldStart));
      }
    }
    yield* refreshRollups(this.db.dialect, rollups);
    return ended;
  }

  private *closeInterruptedPlan(): SqlPlan<number> {
    const rows = yield sql(`SELECT ${LEG_COLUMNS.join(', ')} FROM call_legs WHERE left_at IS NULL`);
    const sessions = new Set<string>();
    for (const row of rows) {
      const leg = legRow(row);
      const at = Math.max(leg.joined_at ?? 0, leg.reconnecting_since ?? 0);
      sessions.add(leg.session_id);
      yield sql(
        "UPDATE call_legs SET left_at = ?, end_reason = 'interrupted', reconnecting_since = NULL WHERE id = ?",
        [at, leg.id],
      );
    }
    yield* this.recomputeSessions([...sessions].sort());
    return rows.length;
  }
}

/** A leg first seen through an event other than its join: completed when the join arrives. */
function placeholder(event: LegEvent): LegRow {
  return {
    id: event.data.participantId,
    session_id: event.data.sessionId,
    room_id: event.data.roomId,
    principal_id: '',
    principal_kind: 'user',
    display_name: null,
    joined_at: null,
    left_at: null,
    end_reason: null,
    reconnects: 0,
    reconnecting_ms: 0,
    reconnecting_since: null,
    topology: 'mesh',
    sdk: null,
    browser: null,
    os: null,
    join_latency_ms: 0,
    quality_level: null,
    quality: null,
  };
}

function applyToLeg(leg: LegRow, event: LegEvent): void {
  switch (event.type) {
    case 'participant.joined':
      applyJoined(leg, event);
      return;
    case 'participant.left':
      if (leg.left_at !== null) return;
      leg.left_at = event.at;
      leg.end_reason = event.data.reason;
      endReconnect(leg, event.at);
      return;
    case 'participant.reconnecting':
      leg.reconnects += 1;
      if (leg.left_at === null) leg.reconnecting_since = event.at;
      return;
    case 'participant.resumed':
      endReconnect(leg, event.at);
      return;
    case 'quality.reported':
      return;
  }
}

function applyJoined(leg: LegRow, event: AnalyticsEventOf<'participant.joined'>): void {
  const d = event.data;
  leg.session_id = d.sessionId;
  leg.room_id = d.roomId;
  leg.principal_id = d.principalId;
  leg.principal_kind = d.principalKind;
  leg.display_name = d.displayName;
  leg.joined_at = event.at;
  leg.topology = d.topology;
  leg.sdk = d.client.sdk;
  leg.browser = d.client.browser;
  leg.os = d.client.os;
  leg.join_latency_ms = Math.round(d.joinLatencyMs);
}

function endReconnect(leg: LegRow, at: number): void {
  if (leg.reconnecting_since === null) return;
  leg.reconnecting_ms += Math.max(0, at - leg.reconnecting_since);
  leg.reconnecting_since = null;
}

/** A session's figures from its legs, or null before any join arrived. */
export function summarise(legs: Array<{ joined: number | null; left: number | null }>): {
  startedAt: number;
  endedAt: number | null;
  durationMs: number;
  legs: number;
  peak: number;
  participantMs: number;
} | null {
  const joined = legs.filter(
    (l): l is { joined: number; left: number | null } => l.joined !== null,
  );
  if (joined.length === 0) return null;
  const startedAt = Math.min(...joined.map((l) => l.joined));
  // A leg whose join has not arrived yet keeps the session open.
  const open = legs.some((l) => l.left === null || l.joined === null);
  const endedAt = open ? null : Math.max(...joined.map((l) => l.left!));
  const points: Array<[number, number]> = [];
  for (const l of joined) {
    points.push([l.joined, 1]);
    if (l.left !== null) points.push([l.left, -1]);
  }
  // At one instant, leaves count before joins: a hand-over is not an overlap.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of points) {
    current += delta;
    peak = Math.max(peak, current);
  }
  const participantMs = joined.reduce(
    (sum, l) => sum + (l.left === null ? 0 : Math.max(0, l.left - l.joined)),
    0,
  );
  return {
    startedAt,
    endedAt,
    durationMs: endedAt === null ? 0 : endedAt - startedAt,
    legs: joined.length,
    peak,
    participantMs,
  };
}

function legRow(row: Row): LegRow {
  const leg = {} as Record<string, unknown>;
  for (const column of LEG_COLUMNS) {
    const value = row[column];
    leg[column] = LEG_NUMBERS.has(column) ? nullableNumber(value) : (value ?? null);
  }
  leg.reconnects = Number(leg.reconnects ?? 0);
  leg.reconnecting_ms = Number(leg.reconnecting_ms ?? 0);
  leg.join_latency_ms = Number(leg.join_latency_ms ?? 0);
  return leg as unknown as LegRow;
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function nullableString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The words around an insert that skips rows whose key exists. */
function insertIgnore(dialect: Dialect): [head: string, tail: string] {
  switch (dialect) {
    case 'sqlite':
      return ['INSERT OR IGNORE', ''];
    case 'mysql':
      return ['INSERT IGNORE', ''];
    case 'postgres':
      return ['INSERT', ' ON CONFLICT DO NOTHING'];
  }
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
