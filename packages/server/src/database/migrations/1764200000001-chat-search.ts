import type { MigrationInterface, QueryRunner } from 'typeorm';

// Helpers are copied rather than imported: a migration is frozen once released, whatever later
// migrations do to theirs.

/**
 * Characters of scripts written without spaces between words (Thai, Lao, Myanmar, Hangul Jamo,
 * Khmer, Hiragana, Katakana, Bopomofo, Hangul, CJK ideographs and their extensions, halfwidth
 * Katakana). The search query parser (`search/search-query.ts`, `SUBSTRING_SCRIPT`) holds the same
 * ranges: messages with one of them go to the trigram index, which finds text inside words.
 */
const SUBSTRING_SCRIPT_GLOB =
  "'*[\u0E00-\u0EFF\u1000-\u109F\u1100-\u11FF\u1780-\u17FF\u3040-\u30FF\u3100-\u312F\u3130-\u318F\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF66-\uFF9F\u{20000}-\u{2FA1F}]*'";

const driverOf = (queryRunner: QueryRunner): 'sqlite' | 'mysql' | 'postgres' => {
  const type = queryRunner.connection.driver.options.type;
  if (type === 'mysql' || type === 'mariadb') return 'mysql';
  if (type === 'postgres') return 'postgres';
  return 'sqlite';
};

/**
 * SQLite. `chat_search_docs` gives every message a permanent integer document number (a table
 * without an INTEGER PRIMARY KEY has rowids that VACUUM may renumber) and carries the columns
 * search filters on, so that a search touches only the index and this narrow table (and marks the
 * messages that hold a script written without spaces, with a partial index on them). Two FTS5
 * external-content tables read the text through views:
 * - `chat_search_fts`, words (`unicode61 remove_diacritics 2`: case and accents folded), with
 *   prefix indexes for 2- and 3-character prefixes;
 * - `chat_search_cjk`, trigrams of the messages that hold a script written without spaces, so
 *   that text inside such a run is found. The text is indexed with two spaces after it, so that
 *   every character starts a trigram: a 1- or 2-character term is found through the trigrams that
 *   start with it (listed by the `chat_search_cjk_terms` vocabulary table).
 * Triggers keep all of it in step with chat_messages inside the same transaction.
 */
const SQLITE_UP = [
  `CREATE TABLE chat_search_docs (
     doc INTEGER PRIMARY KEY,
     message_id varchar(32) NOT NULL UNIQUE,
     room_id varchar(128) NOT NULL,
     sender_id varchar(255) NOT NULL,
     created_at datetime NOT NULL,
     cjk integer NOT NULL DEFAULT 0
   )`,
  // The messages with a script written without spaces, for the scan of 1- and 2-character terms.
  'CREATE INDEX idx_chat_search_docs_cjk ON chat_search_docs (doc) WHERE cjk = 1',
  `CREATE VIEW chat_search_content AS
     SELECT d.doc AS doc, m.text AS text
     FROM chat_search_docs d JOIN chat_messages m ON m.id = d.message_id`,
  `CREATE VIEW chat_search_cjk_content AS
     SELECT d.doc AS doc, m.text || '  ' AS text
     FROM chat_search_docs d JOIN chat_messages m ON m.id = d.message_id
     WHERE m.text GLOB ${SUBSTRING_SCRIPT_GLOB}`,
  `CREATE VIRTUAL TABLE chat_search_fts USING fts5(
     text, content='chat_search_content', content_rowid='doc',
     tokenize='unicode61 remove_diacritics 2', prefix='2 3'
   )`,
  `CREATE VIRTUAL TABLE chat_search_cjk USING fts5(
     text, content='chat_search_cjk_content', content_rowid='doc',
     tokenize='trigram remove_diacritics 1'
   )`,
  // Its trigrams, for finding the ones that start with a 1- or 2-character term.
  `CREATE VIRTUAL TABLE chat_search_cjk_terms USING fts5vocab('chat_search_cjk', 'row')`,
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
  `CREATE TRIGGER chat_search_update AFTER UPDATE OF text ON chat_messages
   WHEN old.text IS NOT new.text BEGIN
     INSERT INTO chat_search_fts (chat_search_fts, rowid, text)
       SELECT 'delete', doc, old.text FROM chat_search_docs WHERE message_id = old.id;
     INSERT INTO chat_search_cjk (chat_search_cjk, rowid, text)
       SELECT 'delete', doc, old.text || '  ' FROM chat_search_docs
       WHERE message_id = old.id AND old.text GLOB ${SUBSTRING_SCRIPT_GLOB};
     INSERT INTO chat_search_fts (rowid, text)
       SELECT doc, new.text FROM chat_search_docs WHERE message_id = new.id;
     INSERT INTO chat_search_cjk (rowid, text)
       SELECT doc, new.text || '  ' FROM chat_search_docs
       WHERE message_id = new.id AND new.text GLOB ${SUBSTRING_SCRIPT_GLOB};
     UPDATE chat_search_docs SET cjk = (new.text GLOB ${SUBSTRING_SCRIPT_GLOB})
       WHERE message_id = new.id;
   END`,
  `CREATE TRIGGER chat_search_delete AFTER DELETE ON chat_messages BEGIN
     INSERT INTO chat_search_fts (chat_search_fts, rowid, text)
       SELECT 'delete', doc, old.text FROM chat_search_docs WHERE message_id = old.id;
     INSERT INTO chat_search_cjk (chat_search_cjk, rowid, text)
       SELECT 'delete', doc, old.text || '  ' FROM chat_search_docs
       WHERE message_id = old.id AND old.text GLOB ${SUBSTRING_SCRIPT_GLOB};
     DELETE FROM chat_search_docs WHERE message_id = old.id;
   END`,
  // Messages stored before this migration, oldest first so that document order is time order.
  `INSERT INTO chat_search_docs (message_id, room_id, sender_id, created_at, cjk)
     SELECT id, room_id, sender_id, created_at, text GLOB ${SUBSTRING_SCRIPT_GLOB}
     FROM chat_messages ORDER BY created_at, id`,
  `INSERT INTO chat_search_fts (chat_search_fts) VALUES ('rebuild')`,
  `INSERT INTO chat_search_cjk (chat_search_cjk) VALUES ('rebuild')`,
];

const SQLITE_DOWN = [
  'DROP TRIGGER IF EXISTS chat_search_delete',
  'DROP TRIGGER IF EXISTS chat_search_update',
  'DROP TRIGGER IF EXISTS chat_search_insert',
  'DROP TABLE IF EXISTS chat_search_cjk_terms',
  'DROP TABLE IF EXISTS chat_search_cjk',
  'DROP TABLE IF EXISTS chat_search_fts',
  'DROP VIEW IF EXISTS chat_search_cjk_content',
  'DROP VIEW IF EXISTS chat_search_content',
  'DROP INDEX IF EXISTS idx_chat_search_docs_cjk',
  'DROP TABLE IF EXISTS chat_search_docs',
];

/**
 * Full-text search of chat messages, for the running store only: SQLite FTS5 tables kept by
 * triggers; a MySQL/MariaDB InnoDB FULLTEXT index on the text; a PostgreSQL GIN index on its
 * `simple` text-search vector. (Elasticsearch, when configured, keeps its own index.)
 */
export class ChatSearch1764200000001 implements MigrationInterface {
  name = 'ChatSearch1764200000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    switch (driverOf(queryRunner)) {
      case 'sqlite':
        for (const sql of SQLITE_UP) await queryRunner.query(sql);
        return;
      case 'mysql':
        await queryRunner.query(
          'ALTER TABLE chat_messages ADD FULLTEXT INDEX ft_chat_messages_text (text)',
        );
        return;
      case 'postgres':
        await queryRunner.query(
          `CREATE INDEX idx_chat_messages_text_fts ON chat_messages
             USING GIN (to_tsvector('simple'::regconfig, text))`,
        );
        return;
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    switch (driverOf(queryRunner)) {
      case 'sqlite':
        for (const sql of SQLITE_DOWN) await queryRunner.query(sql);
        return;
      case 'mysql':
        await queryRunner.query('ALTER TABLE chat_messages DROP INDEX ft_chat_messages_text');
        return;
      case 'postgres':
        await queryRunner.query('DROP INDEX IF EXISTS idx_chat_messages_text_fts');
        return;
    }
  }
}
