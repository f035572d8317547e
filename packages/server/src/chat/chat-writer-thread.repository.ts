/**
 * The worker thread of {@link SqliteChatWriter}: its own connection to the SQLite database file,
 * on which it commits each batch of new chat messages the event loop hands it, and answers with
 * each row's outcome. It runs after the migrations (the first message comes after start-up) and
 * waits for the write lock as TypeORM's connection does.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import {
  SqliteMessageStore,
  toThread,
  type SqliteMessageRow,
  type ThreadReply,
} from './chat-writer.repository.js';

const { file } = workerData as { file: string };
const db = new Database(file, { timeout: 5000 });
db.pragma('journal_mode = WAL');
const store = new SqliteMessageStore(db);

parentPort?.on('message', (rows: SqliteMessageRow[]) => {
  let reply: ThreadReply;
  try {
    const { outcomes, transactions } = store.commit(rows);
    reply = {
      ok: true,
      outcomes: outcomes.map((o) => (o instanceof Error ? toThread(o) : o)),
      transactions,
    };
  } catch (err) {
    reply = { ok: false, error: toThread(err) };
  }
  parentPort?.postMessage(reply);
});
