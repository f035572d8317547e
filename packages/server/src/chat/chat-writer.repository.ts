import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database, Transaction } from 'better-sqlite3';

/** A new message as its `chat_messages` row is written, less the seq the writer assigns. */
export interface SqliteMessageRow {
  id: string;
  roomId: string;
  senderId: string;
  senderName: string;
  senderAvatar: string | null;
  clientId: string;
  text: string;
  /** `created_at` as the store keeps it (TypeORM's SQLite text form). */
  createdAt: string;
}

/**
 * What storing one row did: stored it with this seq, found a message stored earlier under the
 * same (room, sender, client id), or found no such room.
 */
export type SqliteInsertOutcome = { seq: number } | 'duplicate' | 'no_room';

/** What committing a batch did: each row's outcome (or its own error), in a number of transactions. */
export interface SqliteCommitResult {
  outcomes: Array<SqliteInsertOutcome | Error>;
  transactions: number;
}

/** Most rows in one transaction; more wait for the next one. */
const MAX_BATCH = 512;

/** A room's `chat_seq` in a transaction: where it was, and where its new messages took it. */
interface RoomSeq {
  from: number;
  to: number;
}

/**
 * The transaction that stores a batch of new messages on one SQLite connection. Each row checks
 * its client id and takes its room's next seq; then each room's `chat_seq` moves past its new
 * messages once, which indexes them for search (migration 1764300000000). Nothing can come
 * between the checks and the writes: the transaction is synchronous and holds the write lock.
 * Should any row fail, the transaction rolls back and each row is tried again alone, so that only
 * the failing one fails.
 */
export class SqliteMessageStore {
  private readonly store: Transaction<(rows: SqliteMessageRow[]) => SqliteInsertOutcome[]>;

  constructor(db: Database) {
    const clientIdTaken = db.prepare<[string, string, string], { one: number }>(
      'SELECT 1 AS one FROM chat_messages WHERE room_id = ? AND sender_id = ? AND client_id = ?',
    );
    const seqOf = db.prepare<[string], { chat_seq: number }>(
      'SELECT chat_seq FROM rooms WHERE id = ?',
    );
    const setSeq = db.prepare<[number, string]>('UPDATE rooms SET chat_seq = ? WHERE id = ?');
    const insert = db.prepare<unknown[]>(
      `INSERT INTO chat_messages
         (id, room_id, seq, sender_id, sender_name, sender_avatar, client_id, text, created_at,
          edited_at, deleted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
    );
    this.store = db.transaction((rows: SqliteMessageRow[]): SqliteInsertOutcome[] => {
      const rooms = new Map<string, RoomSeq>();
      const outcomes = rows.map((row): SqliteInsertOutcome => {
        // A row the same batch stored already is found too: the transaction sees its own writes.
        if (clientIdTaken.get(row.roomId, row.senderId, row.clientId)) return 'duplicate';
        let room = rooms.get(row.roomId);
        if (!room) {
          const found = seqOf.get(row.roomId);
          if (!found) return 'no_room';
          room = { from: found.chat_seq, to: found.chat_seq };
          rooms.set(row.roomId, room);
        }
        const seq = room.to + 1;
        insert.run(
          row.id,
          row.roomId,
          seq,
          row.senderId,
          row.senderName,
          row.senderAvatar,
          row.clientId,
          row.text,
          row.createdAt,
        );
        room.to = seq;
        return { seq };
      });
      // Last, and once per room: this is what indexes the new messages.
      for (const [roomId, room] of rooms) if (room.to > room.from) setSeq.run(room.to, roomId);
      return outcomes;
    });
  }

  /** Stores the rows: in one transaction, or each alone when one of them fails. */
  commit(rows: SqliteMessageRow[]): SqliteCommitResult {
    try {
      return { outcomes: this.store.immediate(rows), transactions: 1 };
    } catch (err) {
      if (rows.length === 1) return { outcomes: [asError(err)], transactions: 0 };
    }
    // Nothing of the batch was stored: each row again on its own, so one bad row fails alone.
    let transactions = 0;
    const outcomes = rows.map((row): SqliteInsertOutcome | Error => {
      try {
        const [outcome] = this.store.immediate([row]);
        transactions++;
        return outcome;
      } catch (err) {
        return asError(err);
      }
    });
    return { outcomes, transactions };
  }
}

/** Where a batch of rows is committed: on the event loop's thread, or on a thread of its own. */
interface CommitBackend {
  commit(rows: SqliteMessageRow[]): Promise<SqliteCommitResult>;
  close(): Promise<void>;
}

/** A row waiting for the next commit, and its sender's answer. */
interface Pending {
  row: SqliteMessageRow;
  resolve: (outcome: SqliteInsertOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit of new chat messages into SQLite. Every message that arrives while a commit is
 * under way (or the event loop is busy) goes into the next transaction, and each sender is
 * answered once that transaction has committed: the commit and its flush to disk are the dearest
 * part of storing a message, and under load one serves many messages instead of one each. One
 * commit is under way at a time, so messages are stored in the order they arrived.
 *
 * With a database file the transactions run on a worker thread with a connection of its own
 * ({@link SqliteChatWriter.open}), so the event loop goes on with the sockets meanwhile; an
 * in-memory database is visible to one connection only, so there they run on the event loop.
 */
export class SqliteChatWriter {
  /** Transactions committed and the messages they stored, since this writer began (metrics, tests). */
  readonly stats = { transactions: 0, messages: 0 };
  private queue: Pending[] = [];
  private scheduled = false;
  private committing = false;
  private idle: Array<() => void> = [];

  private constructor(private readonly backend: CommitBackend) {}

  /**
   * A writer for the database behind `db` (TypeORM's connection): on a worker thread when `file` names a database file and the worker's script is
   * there (a build; tests that run the sources commit on the event loop), on the event loop
   * otherwise.
   */
  static open(db: Database, file: string | null): SqliteChatWriter {
    const script = new URL('./chat-writer-thread.repository.js', import.meta.url);
    const threaded = file !== null && existsSync(fileURLToPath(script));
    return new SqliteChatWriter(threaded ? new ThreadBackend(script, file) : new InlineBackend(db));
  }

  /** A writer that commits on the event loop, on `db` itself. */
  static inline(db: Database): SqliteChatWriter {
    return new SqliteChatWriter(new InlineBackend(db));
  }

  /** True when this writer commits on a worker thread. */
  get threaded(): boolean {
    return this.backend instanceof ThreadBackend;
  }

  /** Stores a row in the next transaction; resolves once that transaction has committed. */
  insert(row: SqliteMessageRow): Promise<SqliteInsertOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  /** Stores what is waiting, then lets the worker thread (if any) go. */
  async close(): Promise<void> {
    while (this.committing || this.queue.length > 0)
      await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.backend.close();
  }

  private schedule(): void {
    if (this.scheduled || this.committing || this.queue.length === 0) return;
    this.scheduled = true;
    // The messages of this turn of the event loop go together.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.committing || this.queue.length === 0) return;
    this.committing = true;
    const batch = this.queue.splice(0, MAX_BATCH);
    try {
      const { outcomes, transactions } = await this.backend.commit(batch.map((p) => p.row));
      this.stats.transactions += transactions;
      batch.forEach((p, i) => {
        const outcome = outcomes[i];
        if (outcome instanceof Error) return p.reject(outcome);
        if (typeof outcome === 'object') this.stats.messages++;
        p.resolve(outcome);
      });
    } catch (err) {
      // The commit itself failed (busy past the timeout, disk full, the thread died): none stored.
      for (const p of batch) p.reject(err);
    } finally {
      this.committing = false;
      this.schedule();
      if (this.queue.length === 0) for (const done of this.idle.splice(0)) done();
    }
  }
}

/** Commits on the event loop's thread, on TypeORM's own connection. */
class InlineBackend implements CommitBackend {
  private store?: SqliteMessageStore;

  constructor(private readonly db: Database) {}

  async commit(rows: SqliteMessageRow[]): Promise<SqliteCommitResult> {
    // TypeORM keeps its transactions open across awaits: ours must not end up inside one.
    while (this.db.inTransaction) await new Promise((resolve) => setTimeout(resolve, 1));
    this.store ??= new SqliteMessageStore(this.db);
    return this.store.commit(rows);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** What the worker thread answers for a batch. */
export type ThreadReply =
  | { ok: true; outcomes: Array<SqliteInsertOutcome | ThreadError>; transactions: number }
  | { ok: false; error: ThreadError };

/** An error as it crosses between threads. */
export interface ThreadError {
  error: true;
  message: string;
  code?: string;
}

/** Commits on a worker thread with its own connection to the database file. */
class ThreadBackend implements CommitBackend {
  private worker: Worker | null = null;
  private waiting: {
    resolve: (result: SqliteCommitResult) => void;
    reject: (err: unknown) => void;
  } | null = null;

  constructor(
    private readonly script: URL,
    private readonly file: string,
  ) {}

  commit(rows: SqliteMessageRow[]): Promise<SqliteCommitResult> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.thread().postMessage(rows);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: { file: this.file } });
    // The thread keeps no request of its own alive: the process may exit around it.
    worker.unref();
    worker.on('message', (reply: ThreadReply) => {
      const waiting = this.waiting;
      this.waiting = null;
      if (!waiting) return;
      if (!reply.ok) return waiting.reject(fromThread(reply.error));
      waiting.resolve({
        outcomes: reply.outcomes.map((o) =>
          typeof o === 'object' && 'error' in o ? fromThread(o) : o,
        ),
        transactions: reply.transactions,
      });
    });
    const lost = (err: unknown) => {
      if (this.worker === worker) this.worker = null;
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.reject(err);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the chat writer thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}

/** An error for the other thread: its message and its SQLite code. */
export function toThread(err: unknown): ThreadError {
  const e = asError(err) as Error & { code?: unknown };
  return { error: true, message: e.message, ...(typeof e.code === 'string' && { code: e.code }) };
}

function fromThread(e: ThreadError): Error {
  return Object.assign(new Error(e.message), e.code === undefined ? {} : { code: e.code });
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
