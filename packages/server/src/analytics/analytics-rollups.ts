import {
  dayOf,
  DAY_MS,
  sql,
  upsert,
  type Dialect,
  type SqlPlan,
} from './analytics-sql.repository.js';

/** One row of `call_daily_rollups`: an account's sessions that started on one UTC day. */
export interface RollupKey {
  /** Days since the epoch (UTC). */
  day: number;
  /** The room owner, or '' for rooms without one. */
  ownerId: string;
}

/** The figure columns of `call_daily_rollups`, as they aggregate `call_sessions`. */
const ROLLUP_FIGURES: ReadonlyArray<[column: string, aggregate: string]> = [
  ['calls', 'COUNT(*)'],
  ['ended', 'COUNT(ended_at)'],
  ['ended_ms', 'SUM(CASE WHEN ended_at IS NOT NULL THEN duration_ms ELSE 0 END)'],
  ['participant_ms', 'SUM(participant_ms)'],
  ['peak_sum', 'SUM(peak_participants)'],
  ['peak_max', 'MAX(peak_participants)'],
  ['quality_excellent', 'SUM(quality_excellent)'],
  ['quality_good', 'SUM(quality_good)'],
  ['quality_poor', 'SUM(quality_poor)'],
  ['quality_lost', 'SUM(quality_lost)'],
];

const FIGURE_COLUMNS = ROLLUP_FIGURES.map(([c]) => c);

/** The UTC day number of an epoch-ms time. */
export function dayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** The rollup key of a session. */
export function rollupKey(ownerId: string | null, startedAt: number): RollupKey {
  return { day: dayNumber(startedAt), ownerId: ownerId ?? '' };
}

/**
 * Recomputes the rollup rows of `keys` from their sessions, inside the recorder's transaction.
 * On MariaDB and PostgreSQL each row is first created if missing and locked (in key order, after
 * the sessions, which the recorder locked first), so that two nodes changing sessions of the same
 * account and day take turns and the second reads what the first committed: no update is lost and
 * none counted twice. On SQLite the transaction holds the whole database.
 */
export function* refreshRollups(dialect: Dialect, keys: Iterable<RollupKey>): SqlPlan<void> {
  const unique = new Map<string, RollupKey>();
  for (const k of keys) unique.set(`${k.day}\u0000${k.ownerId}`, k);
  const sorted = [...unique.values()].sort(
    (a, b) => a.day - b.day || (a.ownerId < b.ownerId ? -1 : a.ownerId > b.ownerId ? 1 : 0),
  );
  if (sorted.length === 0) return;
  if (dialect !== 'sqlite') {
    const ignore =
      dialect === 'mysql'
        ? 'INSERT IGNORE INTO call_daily_rollups (day, owner_id) VALUES (?, ?)'
        : 'INSERT INTO call_daily_rollups (day, owner_id) VALUES (?, ?) ON CONFLICT DO NOTHING';
    for (const k of sorted) {
      yield sql(ignore, [k.day, k.ownerId]);
      yield sql('SELECT day FROM call_daily_rollups WHERE day = ? AND owner_id = ? FOR UPDATE', [
        k.day,
        k.ownerId,
      ]);
    }
  }
  const write = upsert(dialect, 'call_daily_rollups', ['day', 'owner_id'], FIGURE_COLUMNS, 'set');
  for (const k of sorted) {
    const owner = k.ownerId === '' ? 'owner_id IS NULL' : 'owner_id = ?';
    const [row] = yield sql(
      `SELECT ${ROLLUP_FIGURES.map(([c, a]) => `${a} AS ${c}`).join(', ')} FROM call_sessions
       WHERE ${owner} AND started_at >= ? AND started_at < ?`,
      [...(k.ownerId === '' ? [] : [k.ownerId]), k.day * DAY_MS, (k.day + 1) * DAY_MS],
    );
    const figures = FIGURE_COLUMNS.map((c) => Number(row?.[c] ?? 0));
    if (figures[0] === 0) {
      yield sql('DELETE FROM call_daily_rollups WHERE day = ? AND owner_id = ?', [
        k.day,
        k.ownerId,
      ]);
    } else {
      yield sql(write, [k.day, k.ownerId, ...figures]);
    }
  }
}

/** Adds failed joins to their daily counts (each failure arrives once: the receipts see to it). */
export function* countFailures(
  dialect: Dialect,
  failures: ReadonlyArray<{ ownerId: string | null; reason: string; at: number }>,
): SqlPlan<void> {
  const counts = new Map<string, [number, string, string, number]>();
  for (const f of failures) {
    const key = `${dayNumber(f.at)}\u0000${f.ownerId ?? ''}\u0000${f.reason}`;
    const entry = counts.get(key);
    if (entry) entry[3]++;
    else counts.set(key, [dayNumber(f.at), f.ownerId ?? '', f.reason, 1]);
  }
  const write = upsert(
    dialect,
    'call_daily_failures',
    ['day', 'owner_id', 'reason'],
    ['failures'],
    'add',
  );
  for (const key of [...counts.keys()].sort()) yield sql(write, counts.get(key));
}

/** Builds every rollup again from the sessions and failed joins stored (bulk-loaded data, repairs). */
export function* rebuildRollups(dialect: Dialect): SqlPlan<void> {
  yield sql('DELETE FROM call_daily_rollups');
  yield sql('DELETE FROM call_daily_failures');
  const sessionDay = dayOf(dialect, 'started_at');
  yield sql(
    `INSERT INTO call_daily_rollups (day, owner_id, ${FIGURE_COLUMNS.join(', ')})
     SELECT ${sessionDay}, COALESCE(owner_id, ''), ${ROLLUP_FIGURES.map(([, a]) => a).join(', ')}
     FROM call_sessions GROUP BY ${sessionDay}, COALESCE(owner_id, '')`,
  );
  const failureDay = dayOf(dialect, 'occurred_at');
  yield sql(
    `INSERT INTO call_daily_failures (day, owner_id, reason, failures)
     SELECT ${failureDay}, COALESCE(owner_id, ''), reason, COUNT(*)
     FROM call_join_failures GROUP BY ${failureDay}, COALESCE(owner_id, ''), reason`,
  );
}

/**
 * Brings the rollups in line with a sweep that deleted the sessions that ended, and the failed
 * joins that happened, before `before`: the days before its day go, and its day is counted again
 * from what is left of it. Returns how many rollup rows went.
 */
export function* sweepRollups(dialect: Dialect, before: number): SqlPlan<number> {
  const day = dayNumber(before);
  const gone = yield sql('SELECT COUNT(*) AS n FROM call_daily_rollups WHERE day < ?', [day]);
  yield sql('DELETE FROM call_daily_rollups WHERE day < ?', [day]);
  yield sql('DELETE FROM call_daily_failures WHERE day <= ?', [day]);
  const failureDay = dayOf(dialect, 'occurred_at');
  yield sql(
    `INSERT INTO call_daily_failures (day, owner_id, reason, failures)
     SELECT ${failureDay}, COALESCE(owner_id, ''), reason, COUNT(*)
     FROM call_join_failures WHERE occurred_at >= ? AND occurred_at < ?
     GROUP BY ${failureDay}, COALESCE(owner_id, ''), reason`,
    [day * DAY_MS, (day + 1) * DAY_MS],
  );
  const owners = yield sql('SELECT owner_id FROM call_daily_rollups WHERE day = ?', [day]);
  yield* refreshRollups(
    dialect,
    owners.map((r) => ({ day, ownerId: String(r.owner_id) })),
  );
  return Number(gone[0]?.n ?? 0);
}
