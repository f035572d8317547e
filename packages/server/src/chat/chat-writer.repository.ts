import type { Database, Statement, Transaction } from 'better-sqlite3';

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
export const MAX_BATCH = 512;

/**
 * How long new messages gather before the writer indexes them for search, unless a search asks
 * sooner: one indexing transaction for many messages costs FTS5 a fraction of one per commit.
 */
export const INDEX_DELAY_MS = 25;

/**
 * Most messages one indexing transaction takes. The event loop waits while it runs (about 10 µs a
 * message), so a backlog is indexed in slices with the event loop's turns in between.
 */
export const INDEX_SLICE = 256;

/**
 * Moves a room's search progress up by at most `n` messages, not past its `chat_seq`, which
 * indexes the messages in between (migration 1764400000000). Parameters: `n`, then the room id.
 */
export const SQLITE_INDEX_ROOM = `INSERT INTO chat_search_progress (room_id, indexed_seq)
  SELECT r.id, min(r.chat_seq, coalesce(p.indexed_seq, 0) + ?)
  FROM rooms r LEFT JOIN chat_search_progress p ON p.room_id = r.id
  WHERE r.id = ? AND r.chat_seq > coalesce(p.indexed_seq, 0)
  ON CONFLICT (room_id) DO UPDATE SET indexed_seq = excluded.indexed_seq
  WHERE excluded.indexed_seq > chat_search_progress.indexed_seq`;

/** A room's `chat_seq` in a transaction: where it was, and where its new messages took it. */
interface RoomSeq {
  from: number;
  to: number;
}

/**
 * The transaction that stores a batch of new messages on one SQLite connection. Each row takes
 * its room's next seq and is inserted unless the sender used its client id in the room before;
 * then each room's `chat_seq` moves past its new messages, once. Nothing can come between the seqs
 * taken and the writes: the transaction is synchronous and holds the write lock. Should any row
 * fail, the transaction rolls back and each row is tried again alone, so that only the failing one
 * fails; when the write lock is taken ({@link isBusy}), the batch fails as a whole, untried.
 */
export class SqliteMessageStore {
  private readonly store: Transaction<(rows: SqliteMessageRow[]) => SqliteInsertOutcome[]>;

  constructor(db: Database) {
    const seqOf = db.prepare<[string], { chat_seq: number }>(
      'SELECT chat_seq FROM rooms WHERE id = ?',
    );
    const setSeq = db.prepare<[number, string]>('UPDATE rooms SET chat_seq = ? WHERE id = ?');
    // A client id used before is the one conflict that is not an error (the unique index finds it).
    const insert = db.prepare<unknown[]>(
      `INSERT INTO chat_messages
         (id, room_id, seq, sender_id, sender_name, sender_avatar, client_id, text, created_at,
          edited_at, deleted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)
       ON CONFLICT (room_id, sender_id, client_id) DO NOTHING`,
    );
    this.store = db.transaction((rows: SqliteMessageRow[]): SqliteInsertOutcome[] => {
      const rooms = new Map<string, RoomSeq>();
      const outcomes = rows.map((row): SqliteInsertOutcome => {
        let room = rooms.get(row.roomId);
        if (!room) {
          const found = seqOf.get(row.roomId);
          if (!found) return 'no_room';
          room = { from: found.chat_seq, to: found.chat_seq };
          rooms.set(row.roomId, room);
        }
        const seq = room.to + 1;
        // A row the same batch stored already is found too: the transaction sees its own writes.
        const { changes } = insert.run(
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
        if (changes === 0) return 'duplicate';
        room.to = seq;
        return { seq };
      });
      for (const [roomId, room] of rooms) if (room.to > room.from) setSeq.run(room.to, roomId);
      return outcomes;
    });
  }

  /** Stores the rows: in one transaction, or each alone when one of them fails. */
  commit(rows: SqliteMessageRow[]): SqliteCommitResult {
    try {
      return { outcomes: this.store.immediate(rows), transactions: 1 };
    } catch (err) {
      if (isBusy(err)) throw err;
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

/**
 * The search index's side of new messages on one SQLite connection: each room's search progress
 * (migration 1764400000000) follows its `chat_seq`, a slice of messages per transaction. It counts
 * the messages it is told were stored and not indexed, per room, and first those an earlier
 * process left behind ({@link SqliteSearchIndex.catchUp}).
 */
export class SqliteSearchIndex {
  private readonly indexRooms: Transaction<(slice: Array<[string, number]>) => void>;
  private readonly roomsBehind: Statement<[], { id: string; behind: number }>;
  // Messages stored and not indexed yet, per room.
  private readonly behind = new Map<string, number>();
  private behindTotal = 0;

  constructor(db: Database) {
    const indexRoom = db.prepare<[number, string]>(SQLITE_INDEX_ROOM);
    this.indexRooms = db.transaction((slice: Array<[string, number]>) => {
      for (const [roomId, count] of slice) indexRoom.run(count, roomId);
    });
    this.roomsBehind = db.prepare<[], { id: string; behind: number }>(
      `SELECT r.id AS id, r.chat_seq - coalesce(p.indexed_seq, 0) AS behind
       FROM rooms r LEFT JOIN chat_search_progress p ON p.room_id = r.id
       WHERE r.chat_seq > coalesce(p.indexed_seq, 0)`,
    );
  }

  /** Messages stored and not indexed for search yet. */
  get unindexed(): number {
    return this.behindTotal;
  }

  /** Counts `count` more messages of the room as stored and not indexed. */
  add(roomId: string, count: number): void {
    this.behind.set(roomId, (this.behind.get(roomId) ?? 0) + count);
    this.behindTotal += count;
  }

  /** Counts the messages of every room that are stored and not indexed: an earlier process's too. */
  catchUp(): void {
    for (const { id, behind } of this.roomsBehind.all()) {
      this.behindTotal += behind - (this.behind.get(id) ?? 0);
      this.behind.set(id, behind);
    }
  }

  /**
   * Indexes up to `max` of the messages not indexed yet, in one transaction, and answers how many
   * it took. Throws (and keeps them to index later) when it fails.
   */
  index(max = INDEX_SLICE): number {
    const slice: Array<[string, number]> = [];
    let taken = 0;
    for (const [roomId, count] of this.behind) {
      if (taken >= max) break;
      const take = Math.min(count, max - taken);
      slice.push([roomId, take]);
      taken += take;
    }
    if (slice.length === 0) return 0;
    this.indexRooms.immediate(slice);
    for (const [roomId, take] of slice) {
      const left = this.behind.get(roomId)! - take;
      if (left > 0) this.behind.set(roomId, left);
      else this.behind.delete(roomId);
    }
    this.behindTotal -= taken;
    return taken;
  }
}

/** Whether an error is SQLite's "the database is locked" (another connection holds the write lock). */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}

/** A row waiting for the next commit, and its sender's answer. */
interface Pending {
  row: SqliteMessageRow;
  resolve: (outcome: SqliteInsertOutcome) => void;
  reject: (err: unknown) => void;
}

/** Search indexing on the writer's connection: a slice at a time, with the loop's turns in between. */
class SearchIndexing {
  /** Messages indexed so far. */
  done = 0;
  private index: SqliteSearchIndex | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly db: Database) {
    // What an earlier process left: counted and indexed once the schema is there.
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        this.opened();
        this.schedule();
      } catch {
        // No schema yet (the migrations run later): the first commit counts what is left.
      }
    }, INDEX_DELAY_MS);
    this.timer.unref();
  }

  /** The rooms of a commit, and how many messages each stored. */
  stored(counts: Map<string, number>): void {
    if (this.index) for (const [roomId, count] of counts) this.index.add(roomId, count);
    else {
      try {
        // Opening counts from the database what is not indexed, these messages included.
        this.opened();
      } catch {
        // Counted by the next commit, or by the next process.
        return;
      }
    }
    this.schedule();
  }

  /**
   * Indexes what is not indexed yet, now: a slice at a time, with a turn of the event loop in
   * between, so that a large backlog does not stop the sockets.
   */
  async indexed(): Promise<void> {
    for (;;) {
      if (this.index?.unindexed === 0) return;
      await this.outsideTransactions();
      this.done += this.opened().index();
      if (this.index?.unindexed === 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.indexed().catch(() => undefined);
  }

  private schedule(): void {
    if (this.timer || this.closed || !this.index?.unindexed) return;
    this.timer = setTimeout(() => void this.slice(), INDEX_DELAY_MS);
    // The process may end with messages unindexed: the next one indexes them.
    this.timer.unref();
  }

  /** Indexes one slice, then the next after a turn of the event loop, until none is left. */
  private async slice(): Promise<void> {
    this.timer = null;
    const index = this.index;
    if (!index || this.closed) return;
    await this.outsideTransactions();
    try {
      this.done += index.index();
    } catch {
      // Busy or failing: the messages stay counted, and the next round tries again.
      this.schedule();
      return;
    }
    if (index.unindexed === 0 || this.closed) return;
    this.timer = setTimeout(() => void this.slice(), 0);
    this.timer.unref();
  }

  private opened(): SqliteSearchIndex {
    if (this.index) return this.index;
    const index = new SqliteSearchIndex(this.db);
    index.catchUp();
    this.index = index;
    return index;
  }

  private async outsideTransactions(): Promise<void> {
    while (this.db.inTransaction) await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * Group commit of new chat messages into SQLite, on the connection it is given (TypeORM's). The
 * messages that arrive in one turn of the event loop are stored in one transaction at its end,
 * and each sender is answered once that transaction has committed: a commit costs far more than
 * an insert, and under load one serves many messages instead of one each. Transactions commit in
 * the order the messages arrived. better-sqlite3 is synchronous: a transaction runs on the event
 * loop from start to end, so nothing interleaves with it, and the writer waits for any transaction
 * TypeORM has open across awaits instead of committing inside it.
 *
 * Search indexing follows {@link INDEX_DELAY_MS} after the first unindexed message, in slices of
 * {@link INDEX_SLICE} with the event loop's turns in between, and all at once when
 * {@link SqliteChatWriter.indexed} asks (before a search).
 */
export class SqliteChatWriter {
  /** Transactions committed and the messages they stored, since this writer began. */
  readonly stats = { transactions: 0, messages: 0 };
  private store: SqliteMessageStore | null = null;
  private queue: Pending[] = [];
  private commitScheduled = false;
  private idle: Array<() => void> = [];
  private readonly indexing: SearchIndexing;

  /**
   * A writer on `db`, TypeORM's better-sqlite3 connection. A moment after it opens, it indexes
   * what an earlier process stored and did not index.
   */
  constructor(private readonly db: Database) {
    this.indexing = new SearchIndexing(db);
  }

  /** Messages indexed for search since this writer began. */
  get indexedCount(): number {
    return this.indexing.done;
  }

  /** Stores a row in the next transaction; resolves once that transaction has committed. */
  insert(row: SqliteMessageRow): Promise<SqliteInsertOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (this.commitScheduled) return;
      this.commitScheduled = true;
      // The messages of this turn of the event loop go together.
      setImmediate(() => void this.commitQueue());
    });
  }

  /**
   * Resolves once every message stored before the call (its sender answered) is searchable,
   * indexing what is left at once.
   */
  indexed(): Promise<void> {
    return this.indexing.indexed();
  }

  /** Stores and indexes what is waiting. */
  async close(): Promise<void> {
    while (this.queue.length > 0 || this.commitScheduled)
      await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.indexing.close();
  }

  private async commitQueue(): Promise<void> {
    while (this.db.inTransaction) await new Promise((resolve) => setTimeout(resolve, 1));
    const counts = new Map<string, number>();
    try {
      this.store ??= new SqliteMessageStore(this.db);
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        const { outcomes, transactions } = this.store.commit(batch.map((p) => p.row));
        this.stats.transactions += transactions;
        batch.forEach((p, i) => {
          const outcome = outcomes[i];
          if (outcome instanceof Error) return p.reject(outcome);
          if (typeof outcome === 'object') {
            this.stats.messages++;
            counts.set(p.row.roomId, (counts.get(p.row.roomId) ?? 0) + 1);
          }
          p.resolve(outcome);
        });
      }
    } catch (err) {
      // No schema yet (the statements could not be prepared), or locked past the busy timeout
      // by another process: nothing of what is waiting was stored.
      for (const p of this.queue.splice(0)) p.reject(err);
    }
    this.commitScheduled = false;
    if (counts.size > 0) this.indexing.stored(counts);
    for (const done of this.idle.splice(0)) done();
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
