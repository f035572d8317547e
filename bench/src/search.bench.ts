/**
 * Chat search at scale on the embedded engine (SQLite FTS5): 1,000,000 synthetic messages (a
 * Zipf-distributed vocabulary, 5 to 30 words each, 1% with a Japanese phrase) in 200 rooms, the
 * caller a member of 180 of them. Each case runs the server's own search path in-process (the
 * built `SearchService` over `SqliteFtsSearch`: query parser, permission filter, one page of 20,
 * the messages with their reactions through `ChatRepository`, snippets) beside the raw FTS5 query
 * on the same file in the same run (`SELECT rowid FROM … WHERE … MATCH ? LIMIT 20`).
 *
 * The database is built once (one transaction, prepared statements on better-sqlite3, the real
 * migrations and triggers) and cached under `bench/.cache/`, keyed by the generator's version and
 * size, so later runs start at once.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { percentile, printTable, round } from './stats.js';

const MESSAGES = Number(process.env.BENCH_SEARCH_MESSAGES ?? 1_000_000);
const ROOMS = 200;
const MEMBER_OF = 180;
const SENDERS = 2000;
const VOCABULARY = 30_000;
const ZIPF_EXPONENT = 1.07;
const CJK_SHARE = 0.01;
const ITERATIONS = Number(process.env.BENCH_SEARCH_ITERATIONS ?? 200);
const SLOW_ITERATIONS = Number(process.env.BENCH_SEARCH_SLOW_ITERATIONS ?? 30);
const WARMUP = 10;
const PAGE = 20;
/** Bump when the generated data changes: a new cache file is built. */
const GENERATOR_VERSION = 6;
// Rooms whose new messages the generator lets pile up before it indexes them, as one busy commit.
const COMMIT_ROOMS = 16;

const CACHE_DIR = fileURLToPath(new URL('../.cache/', import.meta.url));
const SERVER_DIST = new URL('../../packages/server/dist/', import.meta.url);
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

// ---- the few shapes of the server's built modules this bench uses ----

interface Statement {
  run(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
}
interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(sql: string): unknown;
  transaction<T>(fn: () => T): () => T;
}
interface DataSourceLike {
  query(sql: string, params?: unknown[]): Promise<unknown[]>;
  destroy(): Promise<void>;
  driver: { databaseConnection: Database };
}
interface Principal {
  kind: 'user';
  id: string;
  displayName: string;
  avatarUrl: null;
}
interface SearchPage {
  items: Array<{ message: { id: string }; snippet: string; highlights: Array<[number, number]> }>;
  nextCursor: string | null;
}
interface SearchServiceLike {
  search(principal: Principal, query: Record<string, unknown>): Promise<SearchPage>;
}
interface SqlitePlan {
  words: string | null;
  trigrams: string | null;
  likes: string[];
}

async function load<T>(path: string): Promise<T> {
  return (await import(new URL(path, SERVER_DIST).href)) as T;
}

// ---- the synthetic data ----

/** A small fast deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pronounceable distinct words, the most frequent first. */
function vocabulary(rand: () => number): string[] {
  const consonants = 'bdfgklmnprstvz';
  const vowels = 'aeiou';
  const words = new Set<string>();
  while (words.size < VOCABULARY) {
    const syllables = 2 + Math.floor(rand() * 3);
    let w = '';
    for (let s = 0; s < syllables; s++)
      w += consonants[Math.floor(rand() * consonants.length)] + vowels[Math.floor(rand() * 5)];
    words.add(w);
  }
  return [...words];
}

/** A sampler of word ranks by Zipf's law. */
function zipf(rand: () => number): () => number {
  const cdf = new Float64Array(VOCABULARY);
  let total = 0;
  for (let r = 0; r < VOCABULARY; r++) cdf[r] = total += 1 / (r + 1) ** ZIPF_EXPONENT;
  return () => {
    const u = rand() * total;
    let lo = 0;
    let hi = VOCABULARY - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Two-kanji words of the Japanese phrases (written without spaces, so found by substring). */
const KANJI_WORDS =
  '会議 予算 資料 確認 明日 企画 新規 開発 営業 報告 計画 設計 試験 顧客 契約 品質 課題 対応 連絡 共有 変更 承認 日程 会社 技術 製品 市場 販売 目標 結果'.split(
    ' ',
  );
/** A two-kanji word no message holds: the worst case of the substring scan. */
const ABSENT_KANJI = '無効';
const KANA = ['の', 'を', 'に', 'は', 'が', 'です', 'します', 'ました'];

/** Word and phrase frequencies of the generated data, saved beside the database. */
interface Stats {
  messages: number;
  /** Messages holding each word (by rank). */
  df: number[];
  /** Messages holding each two-kanji word. */
  kanjiDf: Record<string, number>;
}

const sqliteDate = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

async function build(file: string): Promise<Stats> {
  const { openDataSource } = await load<{
    openDataSource(config: unknown): Promise<DataSourceLike>;
  }>('database/data-source.js');
  const { SQLITE_INDEX_ROOM } = await load<{ SQLITE_INDEX_ROOM: string }>(
    'chat/chat-writer.repository.js',
  );
  const tmp = `${file}.building`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  const ds = await openDataSource({
    driver: 'sqlite',
    file: tmp,
    url: `sqlite:${tmp}`,
    runMigrations: true,
  });
  const db = ds.driver.databaseConnection;
  db.pragma('journal_mode = DELETE');
  db.pragma('synchronous = OFF');
  const rand = random(20261124);
  const words = vocabulary(rand);
  const rank = zipf(rand);
  const df = new Array<number>(VOCABULARY).fill(0);
  const kanjiDf: Record<string, number> = {};
  const started = performance.now();

  db.transaction(() => {
    const user = db.prepare(
      "INSERT INTO users (id, email, password_hash, display_name) VALUES (?, ?, 'x', ?)",
    );
    user.run('bench-user', 'bench@example.test', 'Bench');
    user.run('bench-narrow', 'narrow@example.test', 'Narrow');
    const room = db.prepare(
      "INSERT INTO rooms (id, name, visibility, capacity, topology) VALUES (?, ?, 'private', 8, 'auto')",
    );
    const member = db.prepare(
      "INSERT INTO room_members (room_id, user_id, role) VALUES (?, ?, 'member')",
    );
    for (let r = 0; r < ROOMS; r++) {
      const id = `room-${String(r).padStart(3, '0')}`;
      room.run(id, id);
      if (r < MEMBER_OF) member.run(id, 'bench-user');
      if (r < 2) member.run(id, 'bench-narrow');
    }
    const insert = db.prepare(
      `INSERT INTO chat_messages (id, room_id, seq, sender_id, sender_name, sender_avatar, client_id,
         text, created_at, edited_at, deleted_at)
       VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL, NULL)`,
    );
    const seqs = new Array<number>(ROOMS).fill(0);
    const seen = new Set<number>();
    // As the chat writer does: after each group commit the rooms' counters pass their new
    // messages, and its indexing moves each room's search progress up to them (migration
    // 1764400000000); here both in one transaction per COMMIT_ROOMS rooms touched.
    const bump = db.prepare('UPDATE rooms SET chat_seq = ? WHERE id = ?');
    const index = db.prepare(SQLITE_INDEX_ROOM);
    const touched = new Set<number>();
    const passNewMessages = () => {
      for (const r of touched) {
        const id = `room-${String(r).padStart(3, '0')}`;
        bump.run(seqs[r], id);
        index.run(seqs[r], id);
      }
      touched.clear();
    };
    for (let i = 0; i < MESSAGES; i++) {
      const r = Math.floor(rand() * ROOMS);
      const length = 5 + Math.floor(rand() * 26);
      const parts: string[] = [];
      seen.clear();
      for (let w = 0; w < length; w++) {
        const k = rank();
        parts.push(words[k]);
        seen.add(k);
      }
      for (const k of seen) df[k] += 1;
      if (rand() < CJK_SHARE) {
        const a = KANJI_WORDS[Math.floor(rand() * KANJI_WORDS.length)];
        const b = KANJI_WORDS[Math.floor(rand() * KANJI_WORDS.length)];
        parts.push(
          `${a}${KANA[Math.floor(rand() * KANA.length)]}${b}${KANA[Math.floor(rand() * KANA.length)]}`,
        );
        for (const kw of new Set([a, b])) kanjiDf[kw] = (kanjiDf[kw] ?? 0) + 1;
      }
      const sender = Math.floor(rand() * SENDERS);
      insert.run(
        `msg_${i.toString(36).padStart(16, '0')}`,
        `room-${String(r).padStart(3, '0')}`,
        (seqs[r] += 1),
        `user-${sender}`,
        `User ${sender}`,
        `c-${i}`,
        parts.join(' '),
        sqliteDate(T0 + i * 8000),
      );
      touched.add(r);
      if (touched.size >= COMMIT_ROOMS) passNewMessages();
      if (i > 0 && i % 100_000 === 0)
        console.log(
          `  ${i.toLocaleString()} messages (${round((performance.now() - started) / 1000)} s)`,
        );
    }
    passNewMessages();
  })();
  db.exec('ANALYZE');
  await ds.destroy();
  console.log(`  built in ${round((performance.now() - started) / 1000)} s`);
  renameSync(tmp, file);
  const stats: Stats = { messages: MESSAGES, df, kanjiDf };
  writeFileSync(`${file}.json`, JSON.stringify(stats));
  return stats;
}

// ---- the measurement ----

/** One kind of query: a pool of query strings and what to ask with them. */
interface Case {
  name: string;
  queries: string[];
  /** Messages matching, for the table (the pool's median). */
  matches: number;
  options?: Record<string, unknown>;
  principal?: Principal;
  /** The raw baseline for a query; null: none comparable. */
  raw: ((q: string) => () => unknown) | null;
  slow?: boolean;
}

interface Timing {
  p50: number;
  p99: number;
  mean: number;
}

async function time(
  iterations: number,
  queries: string[],
  run: (q: string) => unknown,
): Promise<Timing> {
  for (let i = 0; i < WARMUP; i++) await run(queries[i % queries.length]);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const q = queries[i % queries.length];
    const t0 = performance.now();
    await run(q);
    samples.push(performance.now() - t0);
  }
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Measures every case; returns the table rows. */
export async function searchBench(): Promise<Array<Record<string, string | number>>> {
  await import('@minimeet/server'); // loads reflect-metadata, which the server's decorators need
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(`${CACHE_DIR}.gitignore`, '*\n');
  const file = `${CACHE_DIR}search-v${GENERATOR_VERSION}-${MESSAGES}.sqlite`;
  let stats: Stats;
  if (existsSync(file) && existsSync(`${file}.json`)) {
    stats = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as Stats;
    console.log(`search bench: using ${file}`);
  } else {
    console.log(`search bench: building ${MESSAGES.toLocaleString()} messages into ${file}`);
    stats = await build(file);
  }

  const { openDataSource } = await load<{
    openDataSource(config: unknown): Promise<DataSourceLike>;
  }>('database/data-source.js');
  const { SqliteFtsSearch, sqlitePlan, RELEVANCE_WINDOW } = await load<{
    SqliteFtsSearch: new (ds: DataSourceLike) => object;
    sqlitePlan(query: unknown): SqlitePlan;
    RELEVANCE_WINDOW: number;
  }>('search/sqlite-fts.repository.js');
  const { SearchService } = await load<{
    SearchService: new (engine: object, messages: object, rooms: object) => SearchServiceLike;
  }>('search/search.service.js');
  const { parseSearchQuery } = await load<{ parseSearchQuery(q: string): unknown }>(
    'search/search-query.js',
  );
  const { ChatRepository } = await load<{
    ChatRepository: new (ds: DataSourceLike) => {
      searchable(): Promise<void>;
      findByIds(ids: string[]): Promise<Array<{ id: string }>>;
      reactionsOf(ids: string[]): Promise<Array<{ messageId: string }>>;
    };
  }>('chat/chat.repository.js');
  const { toChatMessage } = await load<{
    toChatMessage(row: object, reactions: object[]): { id: string };
  }>('chat/chat.dto.js');
  const { RoomMemberRepository } = await load<{
    RoomMemberRepository: new (ds: DataSourceLike) => {
      roomIdsOfUser(id: string): Promise<string[]>;
    };
  }>('rooms/room-member.repository.js');

  const ds = await openDataSource({
    driver: 'sqlite',
    file,
    url: `sqlite:${file}`,
    runMigrations: true,
  });
  const db = ds.driver.databaseConnection;
  const chat = new ChatRepository(ds);
  const members = new RoomMemberRepository(ds);
  // What ChatService.searchable, ChatService.messagesByIds and RoomAccessService.roomIdsOf do, on
  // the same repositories (searchable: nothing is left to index in the built store, as in a
  // server between messages).
  const messages = {
    searchable: () => chat.searchable(),
    async messagesByIds(ids: string[]) {
      const rows = await chat.findByIds(ids);
      const reactions = await chat.reactionsOf(rows.map((r) => r.id));
      return rows.map((row) =>
        toChatMessage(
          row,
          reactions.filter((x) => x.messageId === row.id),
        ),
      );
    },
  };
  const rooms = { roomIdsOf: (p: Principal) => members.roomIdsOfUser(p.id) };
  const service = new SearchService(new SqliteFtsSearch(ds), messages, rooms);
  const user: Principal = { kind: 'user', id: 'bench-user', displayName: 'Bench', avatarUrl: null };
  const narrow: Principal = { ...user, id: 'bench-narrow' };

  // Word pools by how many messages hold them.
  const words = vocabulary(random(20261124));
  const byDf = (lo: number, hi: number, n: number) =>
    stats.df
      .map((df, k) => ({ df, w: words[k] }))
      .filter((x) => x.df >= lo && x.df <= hi)
      .slice(0, n);
  const n = stats.messages;
  const rare = byDf(10, 100, 50);
  const mid = byDf(n * 0.001, n * 0.01, 50);
  const common = byDf(n * 0.2, n * 0.4, 5);
  const top = { df: stats.df[0], w: words[0] };
  const kanji = Object.entries(stats.kanjiDf).sort((a, b) => b[1] - a[1]);
  if (rare.length === 0 || mid.length === 0 || common.length === 0)
    throw new Error('the generated data has no word in some frequency class');

  const rawWords = db.prepare(
    'SELECT rowid FROM chat_search_fts WHERE chat_search_fts MATCH ? LIMIT 20',
  );
  // The same ranking the adapter does: FTS5's own rank order when at most RELEVANCE_WINDOW
  // messages match, else bm25 over the newest RELEVANCE_WINDOW matches.
  const rawBeyond = db.prepare(
    'SELECT rowid FROM chat_search_fts WHERE chat_search_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?',
  );
  const rawAll = db.prepare(
    'SELECT rowid FROM chat_search_fts WHERE chat_search_fts MATCH ? ORDER BY rank LIMIT 20',
  );
  const rawWindow = db.prepare(
    `SELECT rowid FROM (SELECT rowid, bm25(chat_search_fts) AS s FROM chat_search_fts
       WHERE chat_search_fts MATCH ? ORDER BY rowid DESC LIMIT ${RELEVANCE_WINDOW})
     ORDER BY s LIMIT 20`,
  );
  const rawRanked = {
    all: (p: unknown) => (rawBeyond.get(p, RELEVANCE_WINDOW) ? rawWindow.all(p) : rawAll.all(p)),
  };
  const rawTrigram = db.prepare(
    'SELECT rowid FROM chat_search_cjk WHERE chat_search_cjk MATCH ? LIMIT 20',
  );
  // The short-CJK baseline: the trigrams that start with the term, then the trigram index.
  const rawTerms = db.prepare(
    'SELECT term FROM chat_search_cjk_terms WHERE term >= ? AND term < ? LIMIT 201',
  );
  const rawShort = (q: string) => () => {
    const terms = rawTerms.all(q, `${q}\u{10FFFF}`) as Array<{ term: string }>;
    return terms.length === 0 ? [] : rawTrigram.all(terms.map((t) => `"${t.term}"`).join(' OR '));
  };
  const plan = (q: string) => sqlitePlan(parseSearchQuery(q));
  const raw = (stmt: Statement, part: 'words' | 'trigrams') => (q: string) => {
    const p = plan(q)[part];
    return () => stmt.all(p);
  };

  const cases: Case[] = [
    {
      name: 'rare word (10–100 messages)',
      queries: rare.map((x) => x.w),
      matches: median(rare.map((x) => x.df)),
      raw: raw(rawWords, 'words'),
    },
    {
      name: 'mid word (0.1–1 %)',
      queries: mid.map((x) => x.w),
      matches: median(mid.map((x) => x.df)),
      raw: raw(rawWords, 'words'),
    },
    {
      name: 'common word (20–40 %)',
      queries: common.map((x) => x.w),
      matches: median(common.map((x) => x.df)),
      raw: raw(rawWords, 'words'),
    },
    { name: 'most common word', queries: [top.w], matches: top.df, raw: raw(rawWords, 'words') },
    {
      name: 'two mid words',
      queries: mid.slice(0, 25).map((x, i) => `${x.w} ${mid[49 - i]?.w ?? mid[0].w}`),
      matches: 0,
      raw: raw(rawWords, 'words'),
    },
    {
      name: 'common + rare word',
      queries: rare.map((x, i) => `${common[i % common.length].w} ${x.w}`),
      matches: 0,
      raw: raw(rawWords, 'words'),
    },
    {
      name: 'two common words',
      queries: common.map((x, i) => `${x.w} ${common[(i + 1) % common.length].w}`),
      matches: 0,
      raw: raw(rawWords, 'words'),
    },
    {
      name: 'prefix (2 letters)',
      queries: mid.map((x) => `${x.w.slice(0, 2)}*`),
      matches: 0,
      raw: raw(rawWords, 'words'),
    },
    {
      name: 'prefix (3 letters)',
      queries: mid.map((x) => `${x.w.slice(0, 3)}*`),
      matches: 0,
      raw: raw(rawWords, 'words'),
    },
    {
      name: 'phrase of two common words',
      queries: common.map((x, i) => `"${x.w} ${common[(i + 1) % common.length].w}"`),
      matches: 0,
      raw: raw(rawWords, 'words'),
    },
    {
      name: 'CJK, 3 characters (trigram index)',
      queries: kanji.slice(0, 20).map(([a]) => `${a}の`),
      matches: 0,
      raw: raw(rawTrigram, 'trigrams'),
    },
    {
      name: 'CJK, 2 characters (trigrams starting with it)',
      queries: kanji.slice(0, 20).map(([a]) => a),
      matches: median(kanji.slice(0, 20).map(([, d]) => d)),
      raw: rawShort,
    },
    {
      name: 'CJK, 2 characters in no message',
      queries: [ABSENT_KANJI],
      matches: 0,
      raw: rawShort,
    },
    {
      name: 'mid word, relevance (bm25)',
      queries: mid.map((x) => x.w),
      matches: median(mid.map((x) => x.df)),
      options: { sort: 'relevance' },
      raw: (q) => {
        const p = plan(q).words;
        return () => rawRanked.all(p);
      },
    },
    {
      name: 'common word, relevance (bm25)',
      queries: common.map((x) => x.w),
      matches: median(common.map((x) => x.df)),
      options: { sort: 'relevance' },
      raw: (q) => {
        const p = plan(q).words;
        return () => rawRanked.all(p);
      },
      slow: true,
    },
    {
      name: 'common word, one room asked',
      queries: common.map((x) => x.w),
      matches: Math.round(median(common.map((x) => x.df)) / ROOMS),
      options: { roomId: 'room-007' },
      raw: raw(rawWords, 'words'),
    },
    {
      name: 'common word, member of 2 rooms of 200',
      queries: common.map((x) => x.w),
      matches: Math.round((median(common.map((x) => x.df)) * 2) / ROOMS),
      principal: narrow,
      raw: raw(rawWords, 'words'),
    },
    {
      name: 'rare word, member of 2 rooms of 200',
      queries: rare.map((x) => x.w),
      matches: Math.round((median(rare.map((x) => x.df)) * 2) / ROOMS),
      principal: narrow,
      raw: raw(rawWords, 'words'),
    },
  ];

  // The plan of the newest-first query must walk the index backwards, never sort the matches.
  const explain = db
    .prepare(
      `EXPLAIN QUERY PLAN SELECT d.message_id FROM chat_search_fts
       JOIN chat_search_docs d ON d.doc = chat_search_fts.rowid
       WHERE chat_search_fts MATCH ? AND d.room_id IN (SELECT value FROM json_each(?))
       ORDER BY chat_search_fts.rowid DESC LIMIT 21`,
    )
    .all(`"${common[0].w}"`, '["room-001"]') as Array<{ detail: string }>;
  console.log(`  newest-first plan: ${explain.map((r) => r.detail).join(' | ')}`);
  const scan = db
    .prepare(
      `EXPLAIN QUERY PLAN SELECT d.message_id FROM chat_search_docs d
       JOIN chat_messages m ON m.id = d.message_id
       WHERE d.cjk = 1 AND m.text LIKE ? AND d.room_id IN (SELECT value FROM json_each(?))
       ORDER BY d.doc DESC LIMIT 21`,
    )
    .all('%会議%', '["room-001"]') as Array<{ detail: string }>;
  console.log(`  short-CJK scan plan: ${scan.map((r) => r.detail).join(' | ')}`);

  const rows: Array<Record<string, string | number>> = [];
  for (const c of cases) {
    const iterations = c.slow ? SLOW_ITERATIONS : ITERATIONS;
    const principal = c.principal ?? user;
    let hits = 0;
    const ours = await time(iterations, c.queries, async (q) => {
      const page = await service.search(principal, { q, limit: PAGE, ...c.options });
      hits = page.items.length;
    });
    const base = c.raw
      ? await time(iterations, c.queries, (q) => {
          const run = c.raw!(q);
          return run();
        })
      : null;
    rows.push({
      case: c.name,
      matches: c.matches || '',
      'hits/page': hits,
      'p50 ms': round(ours.p50, 2),
      'p99 ms': round(ours.p99, 2),
      'raw p50 ms': base ? round(base.p50, 2) : '',
      'raw p99 ms': base ? round(base.p99, 2) : '',
      'ratio p50': base ? round(ours.p50 / base.p50, 1) : '',
      'ratio p99': base ? round(ours.p99 / base.p99, 1) : '',
    });
  }
  await ds.destroy();
  printTable(
    `Search over ${stats.messages.toLocaleString()} messages in ${ROOMS} rooms (SQLite FTS5), page of ${PAGE}: minimeet's search path beside raw FTS5 MATCH … LIMIT 20`,
    rows,
  );
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await searchBench();
}
