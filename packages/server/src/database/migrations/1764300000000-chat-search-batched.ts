import type { MigrationInterface, QueryRunner } from 'typeorm';

// Copied from 1764200000001-chat-search (a released migration keeps its own helpers).
const SUBSTRING_SCRIPT_GLOB =
  "'*[\u0E00-\u0EFF\u1000-\u109F\u1100-\u11FF\u1780-\u17FF\u3040-\u30FF\u3100-\u312F\u3130-\u318F\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF66-\uFF9F\u{20000}-\u{2FA1F}]*'";

/**
 * Text with a character from U+0E00 up, where the scripts of SUBSTRING_SCRIPT_GLOB begin. Most
 * messages have none, and this one-range test costs little beside the many-range one it spares.
 */
const BEYOND_U0DFF_GLOB = "'*[^\u0001-\u0DFF]*'";

/** 1 when the message's text holds a script written without spaces; the cheap test first. */
const HOLDS_SUBSTRING_SCRIPT = `CASE WHEN m.text GLOB ${BEYOND_U0DFF_GLOB}
  THEN m.text GLOB ${SUBSTRING_SCRIPT_GLOB} ELSE 0 END`;

/** The messages of the updated room that its new `chat_seq` has passed. */
const PASSED = 'm.room_id = new.id AND m.seq > old.chat_seq AND m.seq <= new.chat_seq';

/**
 * SQLite: the full-text index of new messages is written once per room and transaction instead of
 * once per message.
 *
 * FTS5 keeps the terms of a transaction in memory and writes them as one segment when it commits,
 * but it must write them out early whenever a later statement of the transaction opens a
 * savepoint of its own (any statement with triggers, an UPDATE). Indexed by a trigger on each
 * insert, every message after the first forced such a write: a segment per message, and merge
 * work to match.
 *
 * Now nothing happens on insert. The chat writer inserts a transaction's messages first and then
 * moves each room's `chat_seq` past them, once; that update gives the room's messages with a seq
 * in (old, new] their document numbers and indexes them. A message has a row in
 * `chat_search_docs` exactly when it is indexed, so the edit and delete triggers (which act
 * through that row) never touch the index for a message it does not hold. Documents are numbered
 * in seq order within a room, and room by room within one transaction.
 */
const SQLITE_UP = [
  'DROP TRIGGER chat_search_insert',
  `CREATE TRIGGER chat_search_index AFTER UPDATE OF chat_seq ON rooms
   WHEN new.chat_seq > old.chat_seq BEGIN
     INSERT INTO chat_search_docs (message_id, room_id, sender_id, created_at, cjk)
       SELECT m.id, m.room_id, m.sender_id, m.created_at, ${HOLDS_SUBSTRING_SCRIPT}
       FROM chat_messages m WHERE ${PASSED} ORDER BY m.seq;
     INSERT INTO chat_search_fts (rowid, text)
       SELECT d.doc, m.text FROM chat_messages m JOIN chat_search_docs d ON d.message_id = m.id
       WHERE ${PASSED} ORDER BY d.doc;
     INSERT INTO chat_search_cjk (rowid, text)
       SELECT d.doc, m.text || '  ' FROM chat_messages m JOIN chat_search_docs d ON d.message_id = m.id
       WHERE ${PASSED} AND d.cjk = 1 ORDER BY d.doc;
   END`,
];

const SQLITE_DOWN = [
  'DROP TRIGGER IF EXISTS chat_search_index',
  `CREATE TRIGGER chat_search_insert AFTER INSERT ON chat_messages BEGIN
     INSERT INTO chat_search_docs (message_id, room_id, sender_id, created_at, cjk)
       VALUES (new.id, new.room_id, new.sender_id, new.created_at,
               new.text GLOB ${SUBSTRING_SCRIPT_GLOB});
     INSERT INTO chat_search_fts (rowid, text)
       SELECT doc, new.text FROM chat_search_docs WHERE message_id = new.id;
     INSERT INTO chat_search_cjk (rowid, text)
       SELECT doc, new.text || '  ' FROM chat_search_docs
       WHERE message_id = new.id AND new.text GLOB ${SUBSTRING_SCRIPT_GLOB};
   END`,
];

/** SQLite: full-text indexing of new messages batched per room and transaction (see above). */
export class ChatSearchBatched1764300000000 implements MigrationInterface {
  name = 'ChatSearchBatched1764300000000';

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
