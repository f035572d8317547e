import type { MigrationInterface, QueryRunner } from 'typeorm';

// Copied from 1764300000000-chat-search-batched (a released migration keeps its own helpers).
const SUBSTRING_SCRIPT_GLOB =
  "'*[\u0E00-\u0EFF\u1000-\u109F\u1100-\u11FF\u1780-\u17FF\u3040-\u30FF\u3100-\u312F\u3130-\u318F\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF66-\uFF9F\u{20000}-\u{2FA1F}]*'";
const BEYOND_U0DFF_GLOB = "'*[^\u0001-\u0DFF]*'";
const HOLDS_SUBSTRING_SCRIPT = `CASE WHEN m.text GLOB ${BEYOND_U0DFF_GLOB}
  THEN m.text GLOB ${SUBSTRING_SCRIPT_GLOB} ELSE 0 END`;

/** The statements that index the messages `passed` selects (`m` is chat_messages). */
function indexMessages(passed: string): string {
  return `INSERT INTO chat_search_docs (message_id, room_id, sender_id, created_at, cjk)
       SELECT m.id, m.room_id, m.sender_id, m.created_at, ${HOLDS_SUBSTRING_SCRIPT}
       FROM chat_messages m WHERE ${passed} ORDER BY m.seq;
     INSERT INTO chat_search_fts (rowid, text)
       SELECT d.doc, m.text FROM chat_messages m JOIN chat_search_docs d ON d.message_id = m.id
       WHERE ${passed} ORDER BY d.doc;
     INSERT INTO chat_search_cjk (rowid, text)
       SELECT d.doc, m.text || '  ' FROM chat_messages m JOIN chat_search_docs d ON d.message_id = m.id
       WHERE ${passed} AND d.cjk = 1 ORDER BY d.doc;`;
}

/** Moves a room's search progress up to its `chat_seq`: the statement the chat writer runs. */
const INDEX_ROOM = `INSERT INTO chat_search_progress (room_id, indexed_seq)
  SELECT id, chat_seq FROM rooms WHERE chat_seq > 0
  ON CONFLICT (room_id) DO UPDATE SET indexed_seq = excluded.indexed_seq
  WHERE excluded.indexed_seq > chat_search_progress.indexed_seq`;

/**
 * SQLite: new messages are indexed for search in transactions of their own, after they are stored.
 *
 * Indexing a message costs FTS5 more than storing it, and much of that cost is per transaction (a
 * new segment, and merge work to match), so indexing in the transaction that stores each small
 * batch of new messages made every send wait for it, and paid it for few messages. Now
 * `chat_search_progress` says how far each room's messages are indexed: moving a room's
 * `indexed_seq` up to its `chat_seq` indexes the messages in between (the triggers below, with the
 * statements of 1764300000000). The chat writer does that for many messages at once, a moment
 * after storing them, and at once before a search runs, so that a search still finds every
 * message stored before it. A room without a row has indexed nothing.
 *
 * It also drops two indexes of chat_messages that only the other stores' search uses.
 */
const SQLITE_UP = [
  `CREATE TABLE chat_search_progress (
     room_id varchar PRIMARY KEY NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
     indexed_seq integer NOT NULL
   )`,
  // Everything stored so far is indexed: the rooms start where they are, before the triggers.
  `INSERT INTO chat_search_progress (room_id, indexed_seq)
     SELECT id, chat_seq FROM rooms WHERE chat_seq > 0`,
  `CREATE TRIGGER chat_search_progress_start AFTER INSERT ON chat_search_progress BEGIN
     ${indexMessages('m.room_id = new.room_id AND m.seq <= new.indexed_seq')}
   END`,
  `CREATE TRIGGER chat_search_progress_move AFTER UPDATE OF indexed_seq ON chat_search_progress
   WHEN new.indexed_seq > old.indexed_seq BEGIN
     ${indexMessages('m.room_id = new.room_id AND m.seq > old.indexed_seq AND m.seq <= new.indexed_seq')}
   END`,
  'DROP TRIGGER chat_search_index',
  // Only the MySQL/MariaDB and PostgreSQL search filters chat_messages by sender and time; here
  // they cost every insert two more index writes for nothing (search reads chat_search_docs).
  'DROP INDEX idx_chat_messages_sender',
  'DROP INDEX idx_chat_messages_created',
];

const SQLITE_DOWN = [
  'CREATE INDEX "idx_chat_messages_sender" ON "chat_messages" ("sender_id")',
  'CREATE INDEX "idx_chat_messages_created" ON "chat_messages" ("created_at")',
  // What is stored but not indexed yet gets indexed first: the old trigger would never see it.
  INDEX_ROOM,
  'DROP TABLE chat_search_progress',
  `CREATE TRIGGER chat_search_index AFTER UPDATE OF chat_seq ON rooms
   WHEN new.chat_seq > old.chat_seq BEGIN
     ${indexMessages('m.room_id = new.id AND m.seq > old.chat_seq AND m.seq <= new.chat_seq')}
   END`,
];

/** SQLite: search indexing of new messages deferred to transactions of its own (see above). */
export class ChatSearchDeferred1764400000000 implements MigrationInterface {
  name = 'ChatSearchDeferred1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (!isSqlite(queryRunner)) return;
    for (const sql of SQLITE_UP) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (!isSqlite(queryRunner)) return;
    for (const sql of SQLITE_DOWN) await queryRunner.query(sql);
  }
}

function isSqlite(queryRunner: QueryRunner): boolean {
  const type = queryRunner.connection.driver.options.type;
  return type === 'better-sqlite3' || type === 'sqlite';
}
