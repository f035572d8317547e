import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDataSource } from '../database/data-source.js';
import { RoomEntity } from '../rooms/room.entity.js';
import {
  INDEX_SLICE,
  SqliteChatWriter,
  SqliteMessageStore,
  SqliteSearchIndex,
  type SqliteMessageRow,
} from './chat-writer.repository.js';
import { sqliteDateTime } from '../database/sqlite-datetime.js';
import { ChatMessageEntity } from './chat-message.entity.js';
import { generateMessageId } from './chat.service.js';

describe('SQLite group commit of chat messages (a database file)', () => {
  let dir: string;
  let ds: DataSource;
  let db: Database;
  let writer: SqliteChatWriter;
  let n = 0;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'minimeet-writer-'));
    ds = await openDataSource({
      driver: 'sqlite',
      file: join(dir, 'chat.sqlite'),
      url: `sqlite:${join(dir, 'chat.sqlite')}`,
      runMigrations: true,
    });
    db = (ds.driver as unknown as { databaseConnection: Database }).databaseConnection;
    for (const id of ['room-a', 'room-b'])
      await ds.getRepository(RoomEntity).insert({
        id,
        name: id,
        visibility: 'private',
        passwordHash: null,
        capacity: 4,
        topology: 'auto',
        ownerId: null,
      });
    writer = new SqliteChatWriter(db);
  });

  afterEach(async () => {
    await writer.close();
    await ds.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const row = (roomId: string, text: string, over: Partial<SqliteMessageRow> = {}) => ({
    id: generateMessageId(),
    roomId,
    senderId: 'user-1',
    senderName: 'One',
    senderAvatar: null,
    clientId: `client-${++n}`,
    text,
    createdAt: '2026-11-24 10:00:00.000',
    ...over,
  });

  const found = (word: string): Array<{ id: string }> =>
    db
      .prepare(
        `SELECT d.message_id AS id FROM chat_search_fts f JOIN chat_search_docs d ON d.doc = f.rowid
         WHERE chat_search_fts MATCH ? ORDER BY d.doc`,
      )
      .all(word) as Array<{ id: string }>;

  it('writes times as TypeORM writes them, so its reads and comparisons see the same', () => {
    const column = ds.getMetadata(ChatMessageEntity).findColumnWithPropertyName('createdAt')!;
    for (const at of [
      new Date(0),
      new Date('2026-11-24T09:05:03.007Z'),
      new Date('1999-12-31T23:59:59.999Z'),
      new Date(Date.UTC(2030, 0, 1)),
    ])
      expect(sqliteDateTime(at)).toBe(String(ds.driver.preparePersistentValue(at, column)));
  });

  it('stores the messages that arrive together in one transaction, with gap-free seqs per room', async () => {
    const rows = [
      row('room-a', 'alpha one'),
      row('room-b', 'alpha two'),
      row('room-a', 'alpha three'),
      row('room-a', 'alpha four'),
    ];
    const outcomes = await Promise.all(rows.map((r) => writer.insert(r)));
    expect(outcomes).toEqual([{ seq: 1 }, { seq: 1 }, { seq: 2 }, { seq: 3 }]);
    const seqs = db.prepare('SELECT id, chat_seq FROM rooms ORDER BY id').all() as Array<{
      id: string;
      chat_seq: number;
    }>;
    expect(seqs).toEqual([
      { id: 'room-a', chat_seq: 3 },
      { id: 'room-b', chat_seq: 1 },
    ]);
    // Searchable once a search asks, without waiting for the indexing round.
    await writer.indexed();
    expect(
      found('alpha')
        .map((h) => h.id)
        .sort(),
    ).toEqual(rows.map((r) => r.id).sort());
    const more = await Promise.all([
      writer.insert(row('room-a', 'beta')),
      writer.insert(row('room-a', 'beta')),
    ]);
    expect(more).toEqual([{ seq: 4 }, { seq: 5 }]);
    await writer.indexed();
    expect(found('beta')).toHaveLength(2);
  });

  it('commits once for a burst, and once per message when they come one at a time', async () => {
    const burst = Array.from({ length: 50 }, (_, i) => row('room-a', `burst ${i}`));
    const results = await Promise.all(burst.map((r) => writer.insert(r)));
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => ({ seq: i + 1 })));
    expect(writer.stats).toMatchObject({ transactions: 1, messages: 50 });
    for (let i = 0; i < 3; i++) await writer.insert(row('room-a', `alone ${i}`));
    expect(writer.stats).toMatchObject({ transactions: 4, messages: 53 });
    await writer.indexed();
    expect(found('burst')).toHaveLength(50);
  });

  it('answers a client id stored before, in an earlier transaction or the same one, as a duplicate', async () => {
    const first = row('room-a', 'once');
    expect(await writer.insert(first)).toEqual({ seq: 1 });
    const again = { ...first, id: generateMessageId() };
    const twin = row('room-a', 'twice');
    const [a, b, c] = await Promise.all([
      writer.insert(again),
      writer.insert(twin),
      writer.insert({ ...twin, id: generateMessageId() }),
    ]);
    expect([a, b, c]).toEqual(['duplicate', { seq: 2 }, 'duplicate']);
    // Another sender may use the same client id.
    expect(await writer.insert({ ...first, id: generateMessageId(), senderId: 'user-2' })).toEqual({
      seq: 3,
    });
    await writer.indexed();
    expect(found('once')).toHaveLength(2);
  });

  it('finds no room for a message to a room that does not exist, and stores the others', async () => {
    const [gone, ok] = await Promise.all([
      writer.insert(row('no-such-room', 'lost')),
      writer.insert(row('room-b', 'kept')),
    ]);
    expect(gone).toBe('no_room');
    expect(ok).toEqual({ seq: 1 });
  });

  it('fails only the row that breaks a constraint; the rest of its transaction is stored', async () => {
    const taken = row('room-a', 'first');
    await writer.insert(taken);
    const results = await Promise.allSettled([
      writer.insert(row('room-a', 'gamma before')),
      writer.insert(row('room-a', 'gamma clash', { id: taken.id })),
      writer.insert(row('room-b', 'gamma after')),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: { seq: 2 } });
    expect(results[1].status).toBe('rejected');
    expect(results[2]).toEqual({ status: 'fulfilled', value: { seq: 1 } });
    // No seq was lost to the failed row, and the index holds exactly what was stored.
    expect(await writer.insert(row('room-a', 'gamma next'))).toEqual({ seq: 3 });
    await writer.indexed();
    expect(found('gamma')).toHaveLength(3);
    db.prepare(
      "INSERT INTO chat_search_fts (chat_search_fts, rank) VALUES ('integrity-check', 1)",
    ).run();
  });

  it('waits for a transaction TypeORM holds open, and does not commit inside it', async () => {
    const runner = ds.createQueryRunner();
    await runner.startTransaction();
    await runner.query('UPDATE rooms SET name = ? WHERE id = ?', ['renamed', 'room-b']);
    const stored = writer.insert(row('room-a', 'delta'));
    // Give the writer turns of the event loop in which it must not commit.
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 2));
    await runner.rollbackTransaction();
    await runner.release();
    expect(await stored).toEqual({ seq: 1 });
    // The rollback took only TypeORM's change back, not the message.
    await writer.indexed();
    expect(found('delta')).toHaveLength(1);
    expect(
      (db.prepare('SELECT name FROM rooms WHERE id = ?').get('room-b') as { name: string }).name,
    ).toBe('room-b');
  });

  it('indexes new messages a moment after storing them, many in one transaction, unasked', async () => {
    const rows = Array.from({ length: 40 }, (_, i) =>
      row(i % 2 ? 'room-a' : 'room-b', `later ${i}`),
    );
    await Promise.all(rows.map((r) => writer.insert(r)));
    // Stored and answered, not searchable yet: the index follows.
    expect(found('later')).toHaveLength(0);
    await vi.waitFor(() => expect(writer.indexedCount).toBe(40), { timeout: 5000 });
    expect(found('later')).toHaveLength(40);
  });

  it('indexes a backlog in slices, and what an earlier process left unindexed', async () => {
    await writer.close();
    // A first process stores many messages and stops before it indexes them all.
    const backlog = Array.from({ length: INDEX_SLICE * 2 + 10 }, (_, i) =>
      row('room-a', `backlog ${i}`),
    );
    new SqliteMessageStore(db).commit(backlog);
    const first = new SqliteSearchIndex(db);
    first.catchUp();
    expect(first.unindexed).toBe(backlog.length);
    // Indexing takes at most a slice per transaction.
    expect(first.index()).toBe(INDEX_SLICE);
    expect(found('backlog')).toHaveLength(INDEX_SLICE);
    // The next process finds the rest and indexes it without being asked or sent anything.
    writer = new SqliteChatWriter(db);
    await vi.waitFor(() => expect(writer.indexedCount).toBe(INDEX_SLICE + 10), { timeout: 5000 });
    expect(found('backlog')).toHaveLength(backlog.length);
    db.prepare(
      "INSERT INTO chat_search_fts (chat_search_fts, rank) VALUES ('integrity-check', 1)",
    ).run();
  });

  it('never indexes a message twice, nor one deleted or edited before its turn', async () => {
    const [kept, edited, deleted] = await Promise.all([
      writer.insert(row('room-a', 'epsilon kept')),
      writer.insert(row('room-a', 'epsilon draft')),
      writer.insert(row('room-a', 'epsilon gone')),
    ]);
    expect([kept, edited, deleted]).toEqual([{ seq: 1 }, { seq: 2 }, { seq: 3 }]);
    db.prepare("UPDATE chat_messages SET text = 'epsilon final' WHERE seq = 2").run();
    db.prepare(
      "UPDATE chat_messages SET text = '', deleted_at = '2026-11-24 10:00:01.000' WHERE seq = 3",
    ).run();
    await writer.indexed();
    await writer.indexed();
    expect(found('epsilon')).toHaveLength(2);
    expect(found('draft')).toHaveLength(0);
    expect(found('final')).toHaveLength(1);
    expect(found('gone')).toHaveLength(0);
  });
  it('keeps committing while a backlog is indexed in slices', async () => {
    new SqliteMessageStore(db).commit(
      Array.from({ length: 3000 }, (_, i) =>
        row('room-b', `backlog eta ${i}`, { senderId: 'user-2' }),
      ),
    );
    await writer.close();
    writer = new SqliteChatWriter(db);
    const answers: Array<Promise<unknown>> = [];
    for (let turn = 0; turn < 40; turn++) {
      for (let i = 0; i < 5; i++) answers.push(writer.insert(row('room-a', `theta ${turn} ${i}`)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const outcomes = await Promise.all(answers);
    expect(outcomes).toEqual(Array.from({ length: 200 }, (_, i) => ({ seq: i + 1 })));
    await writer.indexed();
    expect(found('eta')).toHaveLength(3000);
    expect(found('theta')).toHaveLength(200);
  });
});
