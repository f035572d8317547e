/**
 * Call analytics at scale.
 *
 * (b) Ingest: quality reports as the server takes them in (the `quality_report` schema, the
 *     reduction to one row per sample, the recorder's idempotent transaction with receipts), one
 *     core, on a SQLite file: 1,000 legs, each report 3 samples, 200 reports per transaction (the
 *     recorder's batch). Baseline in the same run: the same rows inserted with the bare driver
 *     (better-sqlite3 prepared statement, same transaction size).
 * (c) Queries: the REST reads (`AnalyticsQueryRepository`: a 30-day summary of one account, a
 *     year's summary of every room for an operator, one call's timeline, a page of calls) at
 *     100,000 calls, 300,000 legs and 10,000,000 samples, on SQLite and on MariaDB, p50 and p99.
 *     The data is made with bulk SQL (recursive CTEs on SQLite, the Sequence engine on MariaDB),
 *     SQLite's file cached under `bench/.cache/`; MariaDB's database is kept (`mm_bench_analytics`)
 *     and reused when its row counts match.
 *
 * Knobs: BENCH_ANALYTICS_CALLS, BENCH_ANALYTICS_SAMPLES, BENCH_ANALYTICS_INGEST (samples),
 * BENCH_ANALYTICS_ITERATIONS, BENCH_ANALYTICS_STORES (sqlite,mariadb).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { percentile, printTable, round } from './stats.js';

const CALLS = Number(process.env.BENCH_ANALYTICS_CALLS ?? 100_000);
const SAMPLES = Number(process.env.BENCH_ANALYTICS_SAMPLES ?? 10_000_000);
const INGEST_SAMPLES = Number(process.env.BENCH_ANALYTICS_INGEST ?? 60_000);
const ITERATIONS = Number(process.env.BENCH_ANALYTICS_ITERATIONS ?? 100);
const STORES = (process.env.BENCH_ANALYTICS_STORES ?? 'sqlite,mariadb').split(',');
const LEGS_PER_CALL = 3;
const OWNERS = 100;
const GENERATOR_VERSION = 1;
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const MYSQL_URL = process.env.MINIMEET_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const CACHE_DIR = fileURLToPath(new URL('../.cache/', import.meta.url));
const SERVER_DIST = new URL('../../packages/server/dist/', import.meta.url);

interface Statement {
  run(...params: unknown[]): unknown;
}
interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  transaction<T>(fn: (rows: unknown[][]) => T): (rows: unknown[][]) => T;
}
interface DataSourceLike {
  query(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  destroy(): Promise<void>;
  driver: { databaseConnection: Database };
}
interface StoreLike {
  apply(events: unknown[]): Promise<unknown>;
  rebuildRollups(): Promise<void>;
}
interface QueriesLike {
  summary(scope: unknown, from: number, to: number): Promise<unknown>;
  summaryFromSessions(scope: unknown, from: number, to: number): Promise<unknown>;
  list(scope: unknown, f: Record<string, unknown>): Promise<unknown[]>;
  session(scope: unknown, id: string): Promise<unknown>;
  legs(id: string): Promise<unknown[]>;
}

async function load<T>(path: string): Promise<T> {
  return (await import(new URL(path, SERVER_DIST).href)) as T;
}

async function open(url: string, migrate = true): Promise<DataSourceLike> {
  const { loadConfig } = await load<{
    loadConfig: (e: Record<string, string>) => { database: unknown };
  }>('config/config.js');
  const { openDataSource } = await load<{
    openDataSource: (c: unknown) => Promise<DataSourceLike>;
  }>('database/data-source.js');
  return openDataSource(
    loadConfig({ DATABASE_URL: url, DATABASE_MIGRATIONS_RUN: String(migrate) }).database,
  );
}

// ---- (b) ingest ----

function report(t: number, i: number) {
  const mos = 3.5 + (i % 10) / 10;
  const leg = (direction: 'inbound' | 'outbound', kind: 'audio' | 'video') => ({
    direction,
    kind,
    source: kind === 'audio' ? 'microphone' : 'camera',
    peer: 'pa_peer00000001',
    bitrate: kind === 'audio' ? 32_000 : 800_000,
    packets: 250,
    packetsLost: i % 7,
    jitterMs: 4,
    rttMs: 40,
    ...(kind === 'video' ? { fps: 29.9, width: 640, height: 480 } : { mos }),
  });
  return {
    roomId: 'bench-room',
    samples: [0, 1, 2].map((k) => ({
      at: t + k * 5000,
      intervalMs: 5000,
      level: 'good' as const,
      mos,
      legs: [
        leg('inbound', 'audio'),
        leg('inbound', 'video'),
        leg('outbound', 'audio'),
        leg('outbound', 'video'),
      ],
    })),
  };
}

async function ingestBench(): Promise<void> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = `${CACHE_DIR}analytics-ingest-${process.pid}.sqlite`;
  const ds = await open(`sqlite:${file}`);
  const { AnalyticsStoreRepository } = await load<{
    AnalyticsStoreRepository: new (d: unknown) => StoreLike;
  }>('analytics/analytics-store.repository.js');
  const { toLegSample } = await load<{ toLegSample: (s: unknown) => Record<string, unknown> }>(
    'analytics/quality.service.js',
  );
  const { qualityReportPayloadSchema } = await import('@minimeet/protocol/schemas');
  const store = new AnalyticsStoreRepository(ds);
  const LEGS = 1000;
  const legId = (i: number) => `pa_bench${String(i).padStart(6, '0')}`;
  const joins = Array.from({ length: LEGS }, (_, i) => ({
    id: randomUUID(),
    type: 'participant.joined',
    at: T0,
    data: {
      roomId: `room-${i % 250}`,
      sessionId: `cs_bench${i % 250}`,
      participantId: legId(i),
      principalId: `user-${i}`,
      principalKind: 'user',
      sessionStarted: i < 250,
      topology: 'mesh',
      client: { sdk: null, browser: 'chrome', os: 'linux' },
      joinLatencyMs: 3,
      displayName: null,
    },
  }));
  await store.apply(joins);
  const reports = INGEST_SAMPLES / 3;
  const BATCH = 200;
  let t = T0 + 1000;
  const started = performance.now();
  for (let r = 0; r < reports; r += BATCH) {
    const events = [];
    for (let k = 0; k < BATCH && r + k < reports; k++) {
      const i = r + k;
      const payload = qualityReportPayloadSchema.parse(report(t, i));
      if (i % LEGS === LEGS - 1) t += 15_000;
      events.push({
        id: randomUUID(),
        type: 'quality.reported',
        at: t,
        data: {
          roomId: `room-${(i % LEGS) % 250}`,
          sessionId: `cs_bench${(i % LEGS) % 250}`,
          participantId: legId(i % LEGS),
          samples: payload.samples.map(toLegSample),
        },
      });
    }
    await store.apply(events);
  }
  const serverMs = performance.now() - started;
  // The bare driver is the one TypeORM opened.
  const BetterSqlite3 = ds.driver.databaseConnection.constructor as new (f: string) => Database;
  await ds.destroy();
  rmSync(file, { force: true });
  for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });

  // Baseline: the same rows, the bare driver, the same transaction size.
  const raw = new BetterSqlite3(file);
  raw.exec('PRAGMA journal_mode = WAL');
  raw.exec(
    'CREATE TABLE s (leg_id varchar(40), at bigint, interval_ms int, level varchar(10), mos_x100 int, rtt_ms int, jitter_ms int, loss_bp int, bitrate_in int, bitrate_out int, fps_x10 int, freeze_ms int, relayed int, PRIMARY KEY (leg_id, at))',
  );
  raw.exec('CREATE INDEX s_at ON s (at)');
  const insert = raw.prepare('INSERT INTO s VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const many = raw.transaction((rows: unknown[][]) => {
    for (const row of rows) insert.run(...row);
  });
  const rawStarted = performance.now();
  t = T0 + 1000;
  for (let r = 0; r < reports; r += BATCH) {
    const rows: unknown[][] = [];
    for (let k = 0; k < BATCH && r + k < reports; k++) {
      const i = r + k;
      if (i % LEGS === LEGS - 1) t += 15_000;
      for (let s = 0; s < 3; s++)
        rows.push([
          legId(i % LEGS),
          t + s * 5000,
          5000,
          'good',
          400,
          40,
          4,
          100,
          832_000,
          832_000,
          299,
          null,
          0,
        ]);
    }
    many(rows);
  }
  const rawMs = performance.now() - rawStarted;
  (raw as unknown as { close(): void }).close();
  rmSync(file, { force: true });
  for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
  const need = (1000 / 5) * 1; // 1,000 participants, one sample each every 5 s
  printTable('(b) quality samples ingested on one core (SQLite file)', [
    {
      path: 'minimeet: validate, reduce, recorder transaction (receipts, legs, samples)',
      samples: INGEST_SAMPLES,
      ms: round(serverMs),
      'samples/s': Math.round((INGEST_SAMPLES / serverMs) * 1000),
      'x needed for 1,000 participants at 5 s': round(
        ((INGEST_SAMPLES / serverMs) * 1000) / need,
        1,
      ),
    },
    {
      path: 'baseline: bare better-sqlite3 inserts of the same rows',
      samples: INGEST_SAMPLES,
      ms: round(rawMs),
      'samples/s': Math.round((INGEST_SAMPLES / rawMs) * 1000),
      'x needed for 1,000 participants at 5 s': round(((INGEST_SAMPLES / rawMs) * 1000) / need, 1),
    },
  ]);
}

// ---- (c) queries ----

/** Bulk SQL that fills the analytics tables, for one dialect. */
function generation(dialect: 'sqlite' | 'mysql'): string[] {
  const legs = CALLS * LEGS_PER_CALL;
  const perLeg = Math.max(1, Math.floor(SAMPLES / legs));
  const span = 365 * DAY;
  if (dialect === 'sqlite') {
    const seq = (n: number) =>
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - 1})`;
    return [
      `${seq(CALLS)} INSERT INTO call_sessions (id, room_id, owner_id, started_at, ended_at, duration_ms, legs, peak_participants, participant_ms, topology, quality_excellent, quality_good, quality_poor, quality_lost)
       SELECT printf('cs_%08d', i), printf('room-%05d', i % 5000), printf('owner-%03d', i % ${OWNERS}),
         ${T0} + i * ${Math.floor(span / CALLS)}, ${T0} + i * ${Math.floor(span / CALLS)} + 600000 + (i % 60) * 60000,
         600000 + (i % 60) * 60000, ${LEGS_PER_CALL}, ${LEGS_PER_CALL}, ${LEGS_PER_CALL} * (600000 + (i % 60) * 60000), 'mesh',
         i % 3, 1, (i % 5 = 0), 0 FROM n`,
      `${seq(legs)} INSERT INTO call_legs (id, session_id, room_id, principal_id, principal_kind, joined_at, left_at, end_reason, topology, browser, os, join_latency_ms, quality_level)
       SELECT printf('pa_%09d', i), printf('cs_%08d', i / ${LEGS_PER_CALL}), printf('room-%05d', (i / ${LEGS_PER_CALL}) % 5000), printf('user-%06d', i % 20000), 'user',
         ${T0} + (i / ${LEGS_PER_CALL}) * ${Math.floor(span / CALLS)}, ${T0} + (i / ${LEGS_PER_CALL}) * ${Math.floor(span / CALLS)} + 600000, 'left', 'mesh', 'chrome', 'linux', 5, 'good' FROM n`,
      `${seq(legs * perLeg)} INSERT INTO call_quality_samples (leg_id, at, interval_ms, level, mos_x100, rtt_ms, jitter_ms, loss_bp, bitrate_in, bitrate_out, fps_x10, freeze_ms, relayed)
       SELECT printf('pa_%09d', i / ${perLeg}), ${T0} + (i / ${perLeg} / ${LEGS_PER_CALL}) * ${Math.floor(span / CALLS)} + (i % ${perLeg}) * 5000, 5000, 'good',
         350 + i % 100, 20 + i % 80, i % 20, i % 300, 900000, 850000, 250 + i % 50, 0, 0 FROM n`,
      `${seq(Math.floor(CALLS / 20))} INSERT INTO call_join_failures (id, room_id, owner_id, principal_kind, reason, occurred_at)
       SELECT printf('f_%08d', i), printf('room-%05d', i % 5000), printf('owner-%03d', i % ${OWNERS}), 'guest',
         CASE i % 3 WHEN 0 THEN 'room_full' WHEN 1 THEN 'forbidden' ELSE 'not_found' END, ${T0} + i * ${Math.floor((span * 20) / CALLS)} FROM n`,
    ];
  }
  const pad = (expr: string, n: number) => `LPAD(${expr}, ${n}, '0')`;
  return [
    `INSERT INTO call_sessions (id, room_id, owner_id, started_at, ended_at, duration_ms, legs, peak_participants, participant_ms, topology, quality_excellent, quality_good, quality_poor, quality_lost)
     SELECT CONCAT('cs_', ${pad('i', 8)}), CONCAT('room-', ${pad('i MOD 5000', 5)}), CONCAT('owner-', ${pad(`i MOD ${OWNERS}`, 3)}),
       ${T0} + i * ${Math.floor(span / CALLS)}, ${T0} + i * ${Math.floor(span / CALLS)} + 600000 + (i MOD 60) * 60000,
       600000 + (i MOD 60) * 60000, ${LEGS_PER_CALL}, ${LEGS_PER_CALL}, ${LEGS_PER_CALL} * (600000 + (i MOD 60) * 60000), 'mesh',
       i MOD 3, 1, (i MOD 5 = 0), 0 FROM (SELECT seq AS i FROM seq_0_to_${CALLS - 1}) n`,
    `INSERT INTO call_legs (id, session_id, room_id, principal_id, principal_kind, joined_at, left_at, end_reason, topology, browser, os, join_latency_ms, quality_level)
     SELECT CONCAT('pa_', ${pad('i', 9)}), CONCAT('cs_', ${pad(`i DIV ${LEGS_PER_CALL}`, 8)}), CONCAT('room-', ${pad(`(i DIV ${LEGS_PER_CALL}) MOD 5000`, 5)}), CONCAT('user-', ${pad('i MOD 20000', 6)}), 'user',
       ${T0} + (i DIV ${LEGS_PER_CALL}) * ${Math.floor(span / CALLS)}, ${T0} + (i DIV ${LEGS_PER_CALL}) * ${Math.floor(span / CALLS)} + 600000, 'left', 'mesh', 'chrome', 'linux', 5, 'good'
     FROM (SELECT seq AS i FROM seq_0_to_${legs - 1}) n`,
    `INSERT INTO call_quality_samples (leg_id, at, interval_ms, level, mos_x100, rtt_ms, jitter_ms, loss_bp, bitrate_in, bitrate_out, fps_x10, freeze_ms, relayed)
     SELECT CONCAT('pa_', ${pad(`i DIV ${perLeg}`, 9)}), ${T0} + (i DIV ${perLeg} DIV ${LEGS_PER_CALL}) * ${Math.floor(span / CALLS)} + (i MOD ${perLeg}) * 5000, 5000, 'good',
       350 + i MOD 100, 20 + i MOD 80, i MOD 20, i MOD 300, 900000, 850000, 250 + i MOD 50, 0, 0
     FROM (SELECT seq AS i FROM seq_0_to_${legs * perLeg - 1}) n`,
    `INSERT INTO call_join_failures (id, room_id, owner_id, principal_kind, reason, occurred_at)
     SELECT CONCAT('f_', ${pad('i', 8)}), CONCAT('room-', ${pad('i MOD 5000', 5)}), CONCAT('owner-', ${pad(`i MOD ${OWNERS}`, 3)}), 'guest',
       ELT(i MOD 3 + 1, 'room_full', 'forbidden', 'not_found'), ${T0} + i * ${Math.floor((span * 20) / CALLS)}
     FROM (SELECT seq AS i FROM seq_0_to_${Math.floor(CALLS / 20) - 1}) n`,
  ];
}

async function prepareStore(
  store: string,
): Promise<{ ds: DataSourceLike; generatedMs: number | null }> {
  const legs = CALLS * LEGS_PER_CALL;
  const expectedSamples = legs * Math.max(1, Math.floor(SAMPLES / legs));
  if (store === 'sqlite') {
    mkdirSync(CACHE_DIR, { recursive: true });
    const file = `${CACHE_DIR}analytics-v${GENERATOR_VERSION}-${CALLS}-${SAMPLES}.sqlite`;
    if (existsSync(file)) return { ds: await open(`sqlite:${file}`), generatedMs: null };
    const partial = `${file}.partial`;
    rmSync(partial, { force: true });
    const started = performance.now();
    const ds = await open(`sqlite:${partial}`);
    const db = ds.driver.databaseConnection;
    for (const statement of generation('sqlite')) db.exec(statement);
    db.exec('ANALYZE');
    await ds.destroy();
    for (const suffix of ['-wal', '-shm']) rmSync(partial + suffix, { force: true });
    renameSync(partial, file);
    const generatedMs = performance.now() - started;
    return { ds: await open(`sqlite:${file}`), generatedMs };
  }
  const name = 'mm_bench_analytics';
  const admin = await open(MYSQL_URL, false);
  await admin.query(
    `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
  await admin.destroy();
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  const ds = await open(url.toString());
  const [counts] = await ds.query(
    'SELECT (SELECT COUNT(*) FROM call_sessions) AS calls, (SELECT COUNT(*) FROM call_quality_samples) AS samples',
  );
  if (Number(counts?.calls) === CALLS && Number(counts?.samples) === expectedSamples)
    return { ds, generatedMs: null };
  const started = performance.now();
  for (const table of ['call_quality_samples', 'call_legs', 'call_sessions', 'call_join_failures'])
    await ds.query(`DELETE FROM ${table}`);
  for (const statement of generation('mysql')) await ds.query(statement);
  await ds.query(
    'ANALYZE TABLE call_sessions, call_legs, call_quality_samples, call_join_failures',
  );
  return { ds, generatedMs: performance.now() - started };
}

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 5; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return { p50: round(percentile(ms, 50), 2), p99: round(percentile(ms, 99), 2) };
}

async function queryBench(store: string): Promise<void> {
  const { ds, generatedMs } = await prepareStore(store);
  const { AnalyticsQueryRepository } = await load<{
    AnalyticsQueryRepository: new (d: unknown) => QueriesLike;
  }>('analytics/analytics-query.repository.js');
  const { AnalyticsStoreRepository } = await load<{
    AnalyticsStoreRepository: new (d: unknown) => StoreLike;
  }>('analytics/analytics-store.repository.js');
  // The data was loaded beside the recorder: its daily rollups are built from it in one pass.
  const rebuildStarted = performance.now();
  await new AnalyticsStoreRepository(ds).rebuildRollups();
  const rebuildMs = performance.now() - rebuildStarted;
  const q = new AnalyticsQueryRepository(ds);
  const end = T0 + 365 * DAY;
  // `to` an hour into a day, like a range that ends now: the last day is read from the sessions.
  const now = end + 3_600_000;
  let n = 0;
  const sessionId = () => `cs_${String((n++ * 7919) % CALLS).padStart(8, '0')}`;
  const owner = () => ({ ownerId: `owner-${String(n++ % OWNERS).padStart(3, '0')}` });
  const cases: Array<[string, () => Promise<unknown>, (() => Promise<unknown>)?]> = [
    [
      'summary, one account, 30 days',
      () => q.summary(owner(), now - 30 * DAY, now),
      () => q.summaryFromSessions(owner(), now - 30 * DAY, now),
    ],
    [
      'summary, operator, 30 days',
      () => q.summary('all', now - 30 * DAY, now),
      () => q.summaryFromSessions('all', now - 30 * DAY, now),
    ],
    [
      `summary, operator, the whole year (${CALLS.toLocaleString('en')} calls)`,
      () => q.summary('all', T0, now),
      () => q.summaryFromSessions('all', T0, now),
    ],
    [
      'timeline of one call (3 legs, their samples)',
      async () => {
        const id = sessionId();
        await q.session('all', id);
        await q.legs(id);
      },
    ],
    [
      'page of 20 calls, one account',
      () => q.list({ ownerId: 'owner-007' }, { from: T0, to: end, limit: 21 }),
    ],
  ];
  const rows: Array<Record<string, string | number>> = [];
  for (const [name, fn, raw] of cases) {
    const t = await time(fn);
    const b = raw ? await time(raw) : null;
    rows.push({
      query: name,
      'p50 ms': t.p50,
      'p99 ms': t.p99,
      'goal p99 < 100 ms': t.p99 < 100 ? 'met' : 'MISSED',
      'from sessions, no rollups: p50 / p99 ms': b ? `${b.p50} / ${b.p99}` : '',
      'ratio p99 (rollups / sessions)': b ? round(t.p99 / b.p99, 3) : '',
    });
  }
  // Baseline: the cheapest read of the same table, a primary-key lookup of one session.
  const base = await time(() =>
    ds.query('SELECT id FROM call_sessions WHERE id = ?', [sessionId()]),
  );
  rows.push({
    query: 'baseline: one session by primary key',
    'p50 ms': base.p50,
    'p99 ms': base.p99,
    'goal p99 < 100 ms': '',
    'from sessions, no rollups: p50 / p99 ms': '',
    'ratio p99 (rollups / sessions)': '',
  });
  printTable(
    `(c) analytics queries on ${store}: ${CALLS.toLocaleString('en')} calls, ${(CALLS * LEGS_PER_CALL).toLocaleString('en')} legs, ${SAMPLES.toLocaleString('en')} samples` +
      (generatedMs === null
        ? ' (data reused)'
        : ` (data generated in ${round(generatedMs / 1000)} s)`) +
      `; rollups rebuilt in ${round(rebuildMs)} ms`,
    rows,
  );
  await ds.destroy();
}

/** Runs (b) and then (c) on each store. */
export async function analyticsBench(): Promise<void> {
  await import('@minimeet/server'); // reflect-metadata for the server's decorators
  await ingestBench();
  for (const store of STORES) await queryBench(store);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await analyticsBench();
  process.exit(0);
}
