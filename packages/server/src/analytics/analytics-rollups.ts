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

/**
 * The `owner_id` of the rows that add up every account's rows of a day (an operator's view), so
 * that a year's summary reads one row per day. No account id is ever `*`.
 */
export const EVERY_ACCOUNT = '*';

/** How the per-day rows of every account add up into the {@link EVERY_ACCOUNT} row. */
const TOTAL_FIGURES: ReadonlyArray<[column: string, aggregate: string]> = [
  ['calls', 'SUM(calls)'],
  ['ended', 'SUM(ended)'],
  ['ended_ms', 'SUM(ended_ms)'],
  ['participant_ms', 'SUM(participant_ms)'],
  ['peak_sum', 'SUM(peak_sum)'],
  ['peak_max', 'MAX(peak_max)'],
  ['quality_excellent', 'SUM(quality_excellent)'],
  ['quality_good', 'SUM(quality_good)'],
  ['quality_poor', 'SUM(quality_poor)'],
  ['quality_lost', 'SUM(quality_lost)'],
];

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
 * Recomputes the rollup rows of `keys` from their sessions, and the {@link EVERY_ACCOUNT} row of
 * each of their days from the accounts' rows, inside the recorder's transaction. On MariaDB and
 * PostgreSQL each row is first created if missing and locked (the accounts' rows in key order,
 * then the days' totals, all after the sessions, which the recorder locked first), so that two
 * nodes changing sessions of the same day take turns and the second reads what the first
 * committed: no update is lost and none counted twice. On SQLite the transaction holds the whole
 * database.
 */
export function* refreshRollups(dialect: Dialect, keys: Iterable<RollupKey>): SqlPlan<void> {
  const unique = new Map<string, RollupKey>();
  for (const k of keys) unique.set(`${k.day}\u0000${k.ownerId}`, k);
  const sorted = [...unique.values()].sort(
    (a, b) => a.day - b.day || (a.ownerId < b.ownerId ? -1 : a.ownerId > b.ownerId ? 1 : 0),
  );
  if (sorted.length === 0) return;
  const days = [...new Set(sorted.map((k) => k.day))];
  yield* lockRows(dialect, sorted);
  yield* lockRows(
    dialect,
    days.map((day) => ({ day, ownerId: EVERY_ACCOUNT })),
  );
  for (const k of sorted) {
    const owner = k.ownerId === '' ? 'owner_id IS NULL' : 'owner_id = ?';
    const [row] = yield sql(
      `SELECT ${ROLLUP_FIGURES.map(([c, a]) => `${a} AS ${c}`).join(', ')} FROM call_sessions
       WHERE ${owner} AND started_at >= ? AND started_at < ?`,
      [...(k.ownerId === '' ? [] : [k.ownerId]), k.day * DAY_MS, (k.day + 1) * DAY_MS],
    );
    yield* writeRow(dialect, k, row);
  }
  for (const day of days) {
    const [row] = yield sql(
      `SELECT ${TOTAL_FIGURES.map(([c, a]) => `${a} AS ${c}`).join(', ')} FROM call_daily_rollups
       WHERE day = ? AND owner_id <> ?`,
      [day, EVERY_ACCOUNT],
    );
    yield* writeRow(dialect, { day, ownerId: EVERY_ACCOUNT }, row);
  }
}

/** Creates the rows if missing and locks them, in order (MariaDB and PostgreSQL). */
function* lockRows(dialect: Dialect, keys: readonly RollupKey[]): SqlPlan<void> {
  if (dialect === 'sqlite') return;
  // On MariaDB an `INSERT IGNORE` of an existing row takes a shared lock, and two transactions
  // that both upgrade theirs deadlock; `ON DUPLICATE KEY UPDATE` takes the exclusive lock at once.
  const ignore =
    dialect === 'mysql'
      ? 'INSERT INTO call_daily_rollups (day, owner_id) VALUES (?, ?) ON DUPLICATE KEY UPDATE day = day'
      : 'INSERT INTO call_daily_rollups (day, owner_id) VALUES (?, ?) ON CONFLICT DO NOTHING';
  for (const k of keys) {
    yield sql(ignore, [k.day, k.ownerId]);
    yield sql('SELECT day FROM call_daily_rollups WHERE day = ? AND owner_id = ? FOR UPDATE', [
      k.day,
      k.ownerId,
    ]);
  }
}

/** Writes a rollup row's figures, or deletes the row when no call is left in it. */
function* writeRow(
  dialect: Dialect,
  k: RollupKey,
  row: Record<string, unknown> | undefined,
): SqlPlan<void> {
  const figures = FIGURE_COLUMNS.map((c) => Number(row?.[c] ?? 0));
  if (figures[0] === 0) {
    yield sql('DELETE FROM call_daily_rollups WHERE day = ? AND owner_id = ?', [k.day, k.ownerId]);
  } else {
    yield sql(upsert(dialect, 'call_daily_rollups', ['day', 'owner_id'], FIGURE_COLUMNS, 'set'), [
      k.day,
      k.ownerId,
      ...figures,
    ]);
  }
}

/** Adds failed joins to their daily counts (each failure arrives once: the receipts see to it). */
export function* countFailures(
  dialect: Dialect,
  failures: ReadonlyArray<{ ownerId: string | null; reason: string; at: number }>,
): SqlPlan<void> {
  const counts = new Map<string, [number, string, string, number]>();
  for (const f of failures) {
    for (const owner of [f.ownerId ?? '', EVERY_ACCOUNT]) {
      const key = `${dayNumber(f.at)}\u0000${owner}\u0000${f.reason}`;
      const entry = counts.get(key);
      if (entry) entry[3]++;
      else counts.set(key, [dayNumber(f.at), owner, f.reason, 1]);
    }
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
  yield sql(
    `INSERT INTO call_daily_rollups (day, owner_id, ${FIGURE_COLUMNS.join(', ')})
     SELECT day, ?, ${TOTAL_FIGURES.map(([, a]) => a).join(', ')}
     FROM call_daily_rollups WHERE owner_id <> ? GROUP BY day`,
    [EVERY_ACCOUNT, EVERY_ACCOUNT],
  );
  yield* fillFailures(dialect, 0, Number.MAX_SAFE_INTEGER);
}

/** Counts the failed joins stored in `[from, to)` into the daily rows (which must be empty there). */
function* fillFailures(dialect: Dialect, from: number, to: number): SqlPlan<void> {
  const failureDay = dayOf(dialect, 'occurred_at');
  yield sql(
    `INSERT INTO call_daily_failures (day, owner_id, reason, failures)
     SELECT ${failureDay}, COALESCE(owner_id, ''), reason, COUNT(*)
     FROM call_join_failures WHERE occurred_at >= ? AND occurred_at < ?
     GROUP BY ${failureDay}, COALESCE(owner_id, ''), reason`,
    [from, to],
  );
  yield sql(
    `INSERT INTO call_daily_failures (day, owner_id, reason, failures)
     SELECT day, ?, reason, SUM(failures) FROM call_daily_failures
     WHERE owner_id <> ? AND day >= ? AND day < ? GROUP BY day, reason`,
    [EVERY_ACCOUNT, EVERY_ACCOUNT, dayNumber(from), Math.ceil(to / DAY_MS)],
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
  yield* fillFailures(dialect, day * DAY_MS, (day + 1) * DAY_MS);
  const owners = yield sql(
    'SELECT owner_id FROM call_daily_rollups WHERE day = ? AND owner_id <> ?',
    [day, EVERY_ACCOUNT],
  );
  if (owners.length === 0) {
    yield sql('DELETE FROM call_daily_rollups WHERE day = ?', [day]);
  } else {
    yield* refreshRollups(
      dialect,
      owners.map((r) => ({ day, ownerId: String(r.owner_id) })),
    );
  }
  return Number(gone[0]?.n ?? 0);
}
