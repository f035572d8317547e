/**
 * One contract for every search engine: the same cases run against SQLite FTS5, MariaDB FULLTEXT
 * and PostgreSQL full text (always; they run on this machine), and Elasticsearch when
 * MINIMEET_TEST_ELASTICSEARCH_URL points to a server (reported as skipped otherwise).
 */
import { randomBytes } from 'node:crypto';
import type { ChatMessage } from '@minimeet/protocol';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_INDEX_ROOM } from '../chat/chat-writer.repository.js';
import { ChatMessageEntity } from '../chat/chat-message.entity.js';
import { AppError } from '../common/app-error.js';
import { loadConfig } from '../config/config.js';
import { openDataSource } from '../database/data-source.js';
import { RoomEntity } from '../rooms/room.entity.js';
import { DATABASE_TARGETS, type DatabaseTarget, type TestDatabase } from '../test/databases.js';
import { ElasticsearchSearch } from './elasticsearch.search.js';
import type { MessageSearch, MessageSearchRequest } from './message-search.port.js';
import { MysqlFulltextSearch } from './mysql-fulltext.repository.js';
import { PostgresFullTextSearch } from './postgres-fulltext.repository.js';
import { parseSearchQuery } from './search-query.js';
import { SHORT_TERM_TRIGRAMS, SqliteFtsSearch } from './sqlite-fts.repository.js';

/**
 * As the chat writer does once a room's new messages are stored: the room's counter passes them,
 * and on SQLite the search progress follows it, which indexes them.
 */
async function passMessages(ds: DataSource, roomId: string, seq: number): Promise<void> {
  await ds.getRepository(RoomEntity).update({ id: roomId }, { chatSeq: seq });
  if (ds.options.type === 'better-sqlite3') await ds.query(SQLITE_INDEX_ROOM, [seq, roomId]);
}

/** An engine under test, over a store that holds the messages it indexes. */
interface EngineUnderTest {
  search: MessageSearch;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** What an engine does beyond the contract's common ground. */
interface EngineTraits {
  /** `cafe` finds `Café` (PostgreSQL's `simple` configuration keeps accents). */
  foldsAccents: boolean;
}

const ELASTICSEARCH_URL = process.env.MINIMEET_TEST_ELASTICSEARCH_URL;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const unique = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

/** Strings a user can type that mean nothing to us, and some that mean something to an engine. */
const HOSTILE_QUERIES: string[] = [
  '"',
  '""',
  '"""',
  '"unbalanced phrase',
  'unbalanced" quote',
  '*',
  '**',
  'meet**',
  '*meet',
  'NEAR(',
  'NEAR(a b, 2)',
  'a NEAR b',
  '-',
  '--',
  '-budget',
  '+budget',
  '+',
  "'; DROP TABLE chat_messages; --",
  "' OR '1'='1",
  ')(',
  '(',
  ')',
  '()',
  '^',
  '^budget',
  '~budget',
  'budget~2',
  'text:budget',
  'budget:',
  ':',
  'AND',
  'OR',
  'NOT',
  'budget AND',
  'OR budget',
  'NOT budget',
  'budget OR NOT AND NEAR',
  '[budget]',
  '{budget}',
  '<budget>',
  '@budget',
  '@',
  '\\',
  '\\"',
  '%',
  '_',
  '%_%',
  '$1',
  '?',
  '🎉',
  '🎉🎉🎉 👩🏽‍💻',
  '日本語の会議',
  '会',
  'مرحبا بالعالم',
  'שלום',
  'e\u0301\u0301\u0301',
  '\u0301',
  'z\u0351\u0368\u0363\u0304a\u0315\u0322l\u0334\u0321g\u0328o',
  '\u200b\u200d\ufeff',
  '\u{E000}\u{E001}',
  'a'.repeat(500),
  'ab '.repeat(166),
  '"a" '.repeat(125),
  '* '.repeat(250),
  '((((((((((budget))))))))))',
  'budget*"review"*',
  '"budget review"*',
  '"budget" "review" "',
  'col:budget NEAR/3 review',
  "<script>alert('x')</script>",
  '%00',
  '\t\n\r',
  'ﬁnance ｆｕｌｌｗｉｄｔｈ',
  '0',
  '42*',
  '3.14',
  'https://example.com/a?b=c&d=e#f',
  'a@b.com',
  "don't",
  'e-mail',
];

function messageSearchContract(factory: () => Promise<EngineUnderTest>, traits: EngineTraits) {
  let engine: EngineUnderTest;
  let clock = T0;
  let seq = 0;
  const rooms = new Set<string>();

  beforeAll(async () => {
    engine = await factory();
  });

  afterAll(async () => {
    await engine?.close();
  });

  async function room(): Promise<string> {
    const id = unique('room');
    await engine.dataSource.getRepository(RoomEntity).insert({
      id,
      name: id,
      visibility: 'private',
      passwordHash: null,
      capacity: 4,
      topology: 'auto',
      ownerId: null,
    });
    rooms.add(id);
    return id;
  }

  function asMessage(row: ChatMessageEntity): ChatMessage {
    return {
      id: row.id,
      clientId: row.clientId,
      roomId: row.roomId,
      seq: row.seq,
      sender: { id: row.senderId, displayName: row.senderName, avatarUrl: row.senderAvatar },
      text: row.text,
      createdAt: row.createdAt.toISOString(),
      editedAt: row.editedAt?.toISOString() ?? null,
      deletedAt: row.deletedAt?.toISOString() ?? null,
      reactions: [],
    };
  }

  /** Stores a message (one second after the previous one) and hands it to the engine. */
  async function add(roomId: string, text: string, senderId = 'user-a'): Promise<string> {
    clock += 1000;
    seq += 1;
    const row: ChatMessageEntity = {
      id: `msg_${randomBytes(12).toString('base64url')}`,
      roomId,
      seq,
      senderId,
      senderName: 'Tester',
      senderAvatar: null,
      clientId: randomBytes(8).toString('hex'),
      text,
      createdAt: new Date(clock),
      editedAt: null,
      deletedAt: null,
    };
    await engine.dataSource.getRepository(ChatMessageEntity).insert(row);
    await passMessages(engine.dataSource, roomId, seq);
    await engine.search.indexed(asMessage(row));
    return row.id;
  }

  async function change(id: string, patch: Partial<ChatMessageEntity>): Promise<void> {
    const repo = engine.dataSource.getRepository(ChatMessageEntity);
    await repo.update({ id }, patch);
    await engine.search.indexed(asMessage(await repo.findOneByOrFail({ id })));
  }

  const edit = (id: string, text: string) => change(id, { text, editedAt: new Date(clock + 1) });
  const remove = (id: string) => change(id, { text: '', deletedAt: new Date(clock + 1) });

  type Options = Partial<Omit<MessageSearchRequest, 'query' | 'roomIds'>>;

  /** Ids found for `q` in `roomIds` (every page, following the cursors). */
  async function find(q: string, roomIds: string[], options: Options = {}): Promise<string[]> {
    const query = parseSearchQuery(q);
    if (query.terms.length === 0) return [];
    await engine.search.flush();
    const ids: string[] = [];
    let after: unknown;
    for (let page = 0; page < 50; page++) {
      const result = await engine.search.search({
        query,
        roomIds,
        sort: 'newest',
        limit: 20,
        ...options,
        after,
      });
      ids.push(...result.hits.map((h) => h.id));
      if (result.next === null) return ids;
      // A cursor travels through a client as JSON.
      after = JSON.parse(JSON.stringify(result.next)) as unknown;
    }
    throw new Error('more than 50 pages');
  }

  it('finds the messages that hold every word, in any order and any case', async () => {
    const r = await room();
    const m1 = await add(r, 'The quarterly budget review is on Monday');
    const m2 = await add(r, 'Budget planning for next year');
    const m3 = await add(r, 'Monday: review of the design');
    expect(await find('budget review', [r])).toEqual([m1]);
    expect(await find('REVIEW monday', [r])).toEqual([m3, m1]);
    expect(await find('Budget', [r])).toEqual([m2, m1]);
    expect(await find('budget nonexistentword', [r])).toEqual([]);
  });

  it('folds case and, where the engine does, accents', async () => {
    const r = await room();
    const m = await add(r, 'Rendez-vous au Café Crème, naïve idea');
    expect(await find('CAFÉ crème', [r])).toEqual([m]);
    expect(await find('NAÏVE', [r])).toEqual([m]);
    if (traits.foldsAccents) expect(await find('cafe creme naive', [r])).toEqual([m]);
  });

  it('finds quoted phrases only with their words next to each other, in order', async () => {
    const r = await room();
    const m1 = await add(r, 'The budget review meeting starts now');
    await add(r, 'Please review the budget');
    expect(await find('"budget review"', [r])).toEqual([m1]);
    expect(await find('"review budget"', [r])).toEqual([]);
    expect(await find('“budget review meeting”', [r])).toEqual([m1]);
    expect(await find('"the budget" please', [r])).toHaveLength(1);
  });

  it('finds prefixes with a trailing *', async () => {
    const r = await room();
    const meeting = await add(r, 'meeting at noon');
    const meetup = await add(r, 'the Meetup was fun');
    const meet = await add(r, 'meet me there');
    await add(r, 'my helmet is red');
    const going = await add(r, 'going home');
    const go = await add(r, 'go now');
    await add(r, 'long ago');
    expect(new Set(await find('meet*', [r]))).toEqual(new Set([meeting, meetup, meet]));
    expect(new Set(await find('go*', [r]))).toEqual(new Set([going, go]));
    expect(await find('"meeting at no"*', [r])).toEqual([meeting]);
  });

  it('finds short words and common words, which some indexes leave out', async () => {
    const r = await room();
    const goHome = await add(r, 'go home now');
    await add(r, 'going to the zoo');
    const theEnd = await add(r, 'This is the end');
    const toBe = await add(r, 'to be or not to be');
    const a1 = await add(r, 'Plan A or plan B');
    expect(await find('go', [r])).toEqual([goHome]);
    expect(await find('the end', [r])).toEqual([theEnd]);
    expect(await find('"to be"', [r])).toEqual([toBe]);
    expect(await find('"not to be"', [r])).toEqual([toBe]);
    expect(await find('plan b', [r])).toEqual([a1]);
  });

  it('filters by room, sender and time', async () => {
    const r1 = await room();
    const r2 = await room();
    const a = await add(r1, 'invoice one', 'alice');
    const b = await add(r2, 'invoice two', 'bob');
    const c = await add(r1, 'invoice three', 'bob');
    expect(await find('invoice', [r1, r2])).toEqual([c, b, a]);
    expect(await find('invoice', [r1])).toEqual([c, a]);
    expect(await find('invoice', [r1, r2], { senderId: 'bob' })).toEqual([c, b]);
    expect(await find('invoice', [r1, r2], { senderId: 'Bob' })).toEqual([]);
    const bAt = clock - 1000;
    expect(await find('invoice', [r1, r2], { from: new Date(bAt) })).toEqual([c, b]);
    expect(await find('invoice', [r1, r2], { to: new Date(bAt) })).toEqual([a]);
    expect(await find('invoice', [r1, r2], { from: new Date(bAt), to: new Date(bAt + 1) })).toEqual(
      [b],
    );
  });

  it('pages through many hits newest first, without gaps or duplicates', async () => {
    const r = await room();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push(await add(r, `alpha item ${i}`));
    await add(r, 'beta only');
    const pages: string[][] = [];
    let after: unknown;
    do {
      await engine.search.flush();
      const result = await engine.search.search({
        query: parseSearchQuery('alpha'),
        roomIds: [r],
        sort: 'newest',
        limit: 10,
        after,
      });
      pages.push(result.hits.map((h) => h.id));
      after =
        result.next === null ? undefined : (JSON.parse(JSON.stringify(result.next)) as unknown);
    } while (after !== undefined);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual([...ids].reverse());
  });

  it('sorts by relevance on request, and pages through it', async () => {
    const r = await room();
    const weak = await add(
      r,
      'kiwi appears once among many other words that dilute it quite a lot here',
    );
    const strong = await add(r, 'kiwi kiwi kiwi');
    const others: string[] = [];
    for (let i = 0; i < 12; i++) others.push(await add(r, `kiwi and filler number ${i} here`));
    await engine.search.flush();
    const first = await engine.search.search({
      query: parseSearchQuery('kiwi'),
      roomIds: [r],
      sort: 'relevance',
      limit: 5,
    });
    expect(first.hits[0]?.id).toBe(strong);
    expect(first.hits.every((h) => typeof h.score === 'number')).toBe(true);
    const all = await find('kiwi', [r], { sort: 'relevance', limit: 5 });
    expect(all).toHaveLength(14);
    expect(new Set(all)).toEqual(new Set([weak, strong, ...others]));
    expect(all.indexOf(strong)).toBeLessThan(all.indexOf(weak));
  });

  it('never finds deleted messages, and finds edited ones by their new text only', async () => {
    const r = await room();
    const secret = await add(r, 'the secret launch plan');
    const edited = await add(r, 'the old wording');
    await add(r, 'launch party');
    await remove(secret);
    await edit(edited, 'the new wording');
    expect(await find('secret', [r])).toEqual([]);
    expect(await find('"secret launch plan"', [r])).toEqual([]);
    expect(await find('old', [r])).toEqual([]);
    expect(await find('new wording', [r])).toEqual([edited]);
    expect(await find('launch', [r])).toHaveLength(1);
  });

  it('forgets the messages of a deleted room', async () => {
    const r = await room();
    await add(r, 'ephemeral 日本語の会議 note');
    expect(await find('ephemeral', [r])).toHaveLength(1);
    await engine.dataSource.getRepository(RoomEntity).delete({ id: r });
    await engine.search.roomDeleted(r);
    for (const q of ['ephemeral', '日本語の会議', '会議'])
      expect(await find(q, [r]), q).toEqual([]);
  });

  it('never finds a message of a room outside the rooms it is given', async () => {
    const mine = await room();
    const theirs = await room();
    const visible = await add(mine, 'classified report 日本語の会議 secretword*');
    await add(theirs, 'classified report 日本語の会議 secretword*', 'someone-else');
    await add(theirs, 'only-theirs topsecret 会議', 'someone-else');
    for (const q of ['classified', 'report*', '"classified report"', '日本語の会議', '会議']) {
      expect(await find(q, [mine]), q).toEqual([visible]);
      expect(await find(q, [mine], { sort: 'relevance' }), q).toEqual([visible]);
    }
    expect(await find('topsecret', [mine])).toEqual([]);
    expect(await find('topsecret', [mine], { senderId: 'someone-else' })).toEqual([]);
  });

  it('finds text in every script, and inside runs of scripts written without spaces', async () => {
    const r = await room();
    const ru = await add(r, 'Привет, мир! Встреча завтра');
    const el = await add(r, 'Καλημέρα κόσμε');
    const ar = await add(r, 'مرحبا بالعالم اجتماع غدا');
    const he = await add(r, 'שלום עולם');
    const emoji = await add(r, '🎉🎉 party time 🎉 👩🏽‍💻');
    const ja = await add(r, '日本語の会議です');
    const zh = await add(r, '我们明天开会讨论预算');
    const ko = await add(r, '내일 회의를 합시다');
    const th = await add(r, 'สวัสดีครับ ประชุมพรุ่งนี้');
    const mixed = await add(r, 'budget 会議 tomorrow');
    const composed = await add(r, 'une école');
    expect(await find('встреча', [r])).toEqual([ru]);
    expect(await find('ΚΑΛΗΜΈΡΑ', [r])).toEqual([el]);
    expect(await find('بالعالم', [r])).toEqual([ar]);
    expect(await find('עולם', [r])).toEqual([he]);
    expect(await find('party 🎉', [r])).toEqual([emoji]);
    expect(await find('日本語の会議', [r])).toEqual([ja]);
    expect(new Set(await find('会議', [r]))).toEqual(new Set([ja, mixed]));
    expect(await find('の', [r])).toEqual([ja]);
    expect(await find('开会', [r])).toEqual([zh]);
    expect(await find('讨论预算', [r])).toEqual([zh]);
    expect(await find('회의', [r])).toEqual([ko]);
    expect(await find('สวัสดี', [r])).toEqual([th]);
    expect(await find('会議 budget', [r])).toEqual([mixed]);
    expect(await find('e\u0301cole', [r])).toEqual([composed]);
  });

  it('finds a 1- or 2-character term of such a script wherever it stands', async () => {
    const r = await room();
    const atEnd = await add(r, 'きょうは会議');
    const alone = await add(r, '議');
    const atStart = await add(r, '会議室 booked');
    const inside = await add(r, '大会議室');
    expect(await find('会議', [r])).toEqual([inside, atStart, atEnd]);
    expect(await find('議', [r])).toEqual([inside, atStart, alone, atEnd]);
    expect(await find('会議 booked', [r])).toEqual([atStart]);
    expect(await find('議会', [r])).toEqual([]);
  });

  it('answers every hostile query with hits or an empty list, never an engine error', async () => {
    const r = await room();
    await add(r, 'budget review "quoted" NEAR(stuff) a*b -x +y ^z (paren) 日本語の会議 🎉');
    await add(r, "'; DROP TABLE chat_messages; -- don't e-mail a@b.com 3.14 https://example.com");
    await add(r, 'a'.repeat(500));
    expect(HOSTILE_QUERIES.length).toBeGreaterThanOrEqual(40);
    for (const q of HOSTILE_QUERIES) {
      for (const sort of ['newest', 'relevance'] as const) {
        const found = await find(q, [r], { sort }).catch((err: unknown) => {
          throw new Error(`${JSON.stringify(q)} (${sort}) failed: ${String(err)}`);
        });
        expect(Array.isArray(found)).toBe(true);
      }
    }
    expect(await find('budget*"review"*', [r])).toHaveLength(1);
    expect(await find("'; DROP TABLE chat_messages; --", [r])).toHaveLength(1);
    expect(await find('a'.repeat(500), [r])).toHaveLength(1);
    expect(await find('-budget', [r])).toHaveLength(1);
  });

  it('refuses a position it did not give out', async () => {
    const r = await room();
    await add(r, 'cursor test');
    for (const sort of ['newest', 'relevance'] as const) {
      const tooDeep = sort === 'relevance' ? [10 ** 6] : [];
      for (const after of ['x', -1, 1.5, { a: 1 }, [1, 2, 3], null, ...tooDeep]) {
        const attempt = engine.search.search({
          query: parseSearchQuery('cursor'),
          roomIds: [r],
          sort,
          limit: 10,
          after,
        });
        await expect(attempt, `${sort} ${JSON.stringify(after)}`).rejects.toBeInstanceOf(AppError);
      }
    }
  });
}

describe('SQLite search index', () => {
  it('stays exactly in step with the messages through inserts, edits, deletions and a room deletion', async () => {
    const store = await openStore(target('sqlite'));
    try {
      const ds = store.dataSource;
      const rooms = ds.getRepository(RoomEntity);
      const messages = ds.getRepository(ChatMessageEntity);
      for (const id of ['keep', 'gone'])
        await rooms.insert({
          id,
          name: id,
          visibility: 'private',
          passwordHash: null,
          capacity: 4,
          topology: 'auto',
          ownerId: null,
        });
      const texts = ['plain words', '日本語の会議です', 'mixed 会議 words', 'Ünïcödé', '🎉'];
      let seq = 0;
      const ids: string[] = [];
      for (const roomId of ['keep', 'gone'])
        for (const text of texts) {
          const id = `msg_${randomBytes(12).toString('base64url')}`;
          ids.push(id);
          await messages.insert({
            id,
            roomId,
            seq: ++seq,
            senderId: 'u',
            senderName: 'U',
            senderAvatar: null,
            clientId: `c${seq}`,
            text,
            createdAt: new Date(T0 + seq),
            editedAt: null,
            deletedAt: null,
          });
        }
      await passMessages(ds, 'keep', texts.length);
      await passMessages(ds, 'gone', seq);
      await messages.update({ id: ids[0] }, { text: '会議 now', editedAt: new Date() });
      await messages.update({ id: ids[1] }, { text: 'no longer japanese', editedAt: new Date() });
      await messages.update({ id: ids[2] }, { text: '', deletedAt: new Date() });
      await rooms.delete({ id: 'gone' });
      for (const table of ['chat_search_fts', 'chat_search_cjk'])
        await ds.query(`INSERT INTO ${table} (${table}, rank) VALUES ('integrity-check', 1)`);
      const docs = await ds.query<Array<{ n: number; cjk: number }>>(
        'SELECT count(*) AS n, sum(cjk) AS cjk FROM chat_search_docs',
      );
      expect(docs).toEqual([{ n: texts.length, cjk: 1 }]);
      // A corrupted index is noticed: the check is not a formality.
      await ds.query(
        "INSERT INTO chat_search_fts (chat_search_fts, rowid, text) VALUES ('delete', 1, 'words that were never there')",
      );
      await expect(
        ds.query(
          "INSERT INTO chat_search_fts (chat_search_fts, rank) VALUES ('integrity-check', 1)",
        ),
      ).rejects.toThrow(/malformed|corrupt/i);
    } finally {
      await store.close();
    }
  });
});

describe('SQLite relevance', () => {
  it('ranks all matches when they are few, and only the newest ones when they are many', async () => {
    const store = await openStore(target('sqlite'));
    try {
      const ds = store.dataSource;
      await ds.getRepository(RoomEntity).insert({
        id: 'r',
        name: 'r',
        visibility: 'private',
        passwordHash: null,
        capacity: 4,
        topology: 'auto',
        ownerId: null,
      });
      const texts = [
        'kiwi kiwi kiwi',
        'kiwi kiwi and more',
        'kiwi with a few other words',
        'kiwi among many other words in a long message',
        'kiwi again among many other words in a longer message here',
      ];
      for (const [i, text] of texts.entries())
        await ds.getRepository(ChatMessageEntity).insert({
          id: `msg_${String(i).padStart(10, '0')}`,
          roomId: 'r',
          seq: i + 1,
          senderId: 'u',
          senderName: 'U',
          senderAvatar: null,
          clientId: `c${i}`,
          text,
          createdAt: new Date(T0 + i),
          editedAt: null,
          deletedAt: null,
        });
      await passMessages(ds, 'r', texts.length);
      const search = new SqliteFtsSearch(ds);
      const ranked = async (limit: number) => {
        const ids: string[] = [];
        let after: unknown;
        do {
          const page = await search.search({
            query: parseSearchQuery('kiwi'),
            roomIds: ['r'],
            sort: 'relevance',
            limit,
            after,
          });
          ids.push(...page.hits.map((h) => h.id));
          after = page.next ?? undefined;
        } while (after !== undefined);
        return ids.map((id) => Number(id.slice(4)));
      };
      // Few matches: all of them, best first, whatever the page size.
      expect(await ranked(2)).toEqual([0, 1, 2, 3, 4]);
      expect(await ranked(10)).toEqual([0, 1, 2, 3, 4]);
      // More than the window: only the newest three are ranked.
      search.relevanceWindow = 3;
      expect(await ranked(2)).toEqual([2, 3, 4]);
    } finally {
      await store.close();
    }
  });
});

describe('SQLite search of a very common character', () => {
  it('finds it by scanning once it starts more trigrams than are worth listing', async () => {
    const store = await openStore(target('sqlite'));
    try {
      const ds = store.dataSource;
      await ds.getRepository(RoomEntity).insert({
        id: 'r',
        name: 'r',
        visibility: 'private',
        passwordHash: null,
        capacity: 4,
        topology: 'auto',
        ownerId: null,
      });
      const messages = ds.getRepository(ChatMessageEntity);
      const count = SHORT_TERM_TRIGRAMS + 20;
      for (let i = 0; i < count; i++) {
        // 会 followed by a different ideograph each time: as many trigrams starting with 会.
        const text = `会${String.fromCodePoint(0x4e00 + i)}${i % 2 ? ' odd' : ''}`;
        await messages.insert({
          id: `msg_${String(i).padStart(10, '0')}`,
          roomId: 'r',
          seq: i + 1,
          senderId: 'u',
          senderName: 'U',
          senderAvatar: null,
          clientId: `c${i}`,
          text,
          createdAt: new Date(T0 + i),
          editedAt: null,
          deletedAt: null,
        });
      }
      await passMessages(ds, 'r', count);
      const search = new SqliteFtsSearch(ds);
      const ask = (q: string, limit = 100) =>
        search.search({ query: parseSearchQuery(q), roomIds: ['r'], sort: 'newest', limit });
      const [{ n }] = await ds.query<Array<{ n: number }>>(
        "SELECT count(*) AS n FROM chat_search_cjk_terms WHERE term >= '会' AND term < '会\u{10FFFF}'",
      );
      expect(n).toBeGreaterThan(SHORT_TERM_TRIGRAMS);
      const first = await ask('会', 7);
      expect(first.hits.map((h) => h.id)).toEqual(
        Array.from({ length: 7 }, (_, k) => `msg_${String(count - 1 - k).padStart(10, '0')}`),
      );
      expect((await ask('会 odd', count)).hits).toHaveLength(count / 2);
      expect((await ask('会' + String.fromCodePoint(0x4e00 + 5))).hits).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});

/** A fresh database on one of the machine's stores, migrated. */
async function openStore(target: DatabaseTarget) {
  const db: TestDatabase = await target.create();
  const dataSource = await openDataSource(loadConfig({ DATABASE_URL: db.url }).database);
  return {
    dataSource,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    },
  };
}

/** A store of the machine with the engine that lives in it. */
function inStore(target: DatabaseTarget, make: (ds: DataSource) => MessageSearch) {
  return async (): Promise<EngineUnderTest> => {
    const store = await openStore(target);
    return { ...store, search: make(store.dataSource) };
  };
}

const target = (name: DatabaseTarget['name']) => DATABASE_TARGETS.find((t) => t.name === name)!;

describe('message search contract on SQLite FTS5', () => {
  messageSearchContract(
    inStore(target('sqlite'), (ds) => new SqliteFtsSearch(ds)),
    { foldsAccents: true },
  );
});

describe('message search contract on MariaDB FULLTEXT', () => {
  messageSearchContract(
    inStore(target('mariadb'), (ds) => new MysqlFulltextSearch(ds)),
    { foldsAccents: true },
  );
});

describe('message search contract on PostgreSQL full text', () => {
  messageSearchContract(
    inStore(target('postgres'), (ds) => new PostgresFullTextSearch(ds)),
    { foldsAccents: false },
  );
});

describe.skipIf(!ELASTICSEARCH_URL)('message search contract on Elasticsearch', () => {
  messageSearchContract(
    async () => {
      const store = await openStore(target('sqlite'));
      const search = new ElasticsearchSearch({
        url: ELASTICSEARCH_URL!,
        index: unique('minimeet-test').toLowerCase(),
      });
      await search.ensureIndex();
      return {
        search,
        dataSource: store.dataSource,
        async close() {
          await search.dropIndex();
          await search.onApplicationShutdown();
          await store.close();
        },
      };
    },
    { foldsAccents: true },
  );
});
