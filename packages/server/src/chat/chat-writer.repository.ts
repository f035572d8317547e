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
  /** `created_at` as the store keeps it. */
  createdAt: unknown;
}

/**
 * What storing one row did: stored it with this seq, found a message stored earlier under the
 * same (room, sender, client id), or found no such room.
 */
export type SqliteInsertOutcome = { seq: number } | 'duplicate' | 'no_room';

/** A row waiting for the next commit, and its sender's answer. */
interface Pending {
  row: SqliteMessageRow;
  resolve: (outcome: SqliteInsertOutcome) => void;
  reject: (err: unknown) => void;
}

/** Most rows in one transaction; more wait for the next one. */
const MAX_BATCH = 512;

/** A room's `chat_seq` in a transaction: where it was, and where its new messages took it. */
interface RoomSeq {
  from: number;
  to: number;
}

/**
 * Group commit of new chat messages into SQLite. Every message that arrives while the event loop is
 * busy goes into the next transaction, and each sender is answered once that transaction has
 * committed: the commit (and its flush to disk) is the dearest part of storing a message, and
 * under load one serves many messages instead of one each. With one message at a time it is a
 * transaction per message.
 *
 * In the transaction each row checks its client id and takes its room's next seq; then each room's
 * `chat_seq` moves past its new messages once, which indexes them for search (migration
 * 1764300000000). Nothing can come between the checks and the writes: the transaction is
 * synchronous (better-sqlite3) and holds the write lock. Should any row fail, the transaction rolls
 * back and each row is tried again alone, so that only the failing one fails.
 *
 * TypeORM shares the connection and keeps its own transactions open across awaits, so a flush
 * waits until none is open rather than commit inside one.
 */
export class SqliteChatWriter {
  /** Transactions committed and the messages they stored, since this writer began (metrics, tests). */
  readonly stats = { transactions: 0, messages: 0 };
  private queue: Pending[] = [];
  private scheduled = false;
  private prepared?: {
    clientIdTaken: Statement<[string, string, string], { one: number }>;
    store: Transaction<(rows: SqliteMessageRow[]) => SqliteInsertOutcome[]>;
  };

  constructor(private readonly db: Database) {}

  /** Stores a row in the next transaction; resolves once that transaction has committed. */
  insert(row: SqliteMessageRow): Promise<SqliteInsertOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  /** True when the sender already stored a message with this client id in the room. */
  clientIdTaken(roomId: string, senderId: string, clientId: string): boolean {
    return this.statements().clientIdTaken.get(roomId, senderId, clientId) !== undefined;
  }

  private schedule(delayMs = 0): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.flush();
    };
    if (delayMs > 0) setTimeout(run, delayMs);
    else setImmediate(run);
  }

  private flush(): void {
    if (this.queue.length === 0) return;
    // Another transaction (TypeORM's) is open across an await: ours must not end up inside it.
    if (this.db.inTransaction) {
      this.schedule(1);
      return;
    }
    const batch = this.queue.splice(0, MAX_BATCH);
    if (this.queue.length > 0) this.schedule();
    const { store } = this.statements();
    let outcomes: SqliteInsertOutcome[];
    try {
      outcomes = store.immediate(batch.map((p) => p.row));
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
      }
      // Nothing of the batch was stored: each row again on its own, so one bad row fails alone.
      for (const p of batch) {
        try {
          const [outcome] = store.immediate([p.row]);
          this.count([outcome]);
          p.resolve(outcome);
        } catch (rowErr) {
          p.reject(rowErr);
        }
      }
      return;
    }
    this.count(outcomes);
    batch.forEach((p, i) => p.resolve(outcomes[i]));
  }

  private count(outcomes: SqliteInsertOutcome[]): void {
    this.stats.transactions++;
    this.stats.messages += outcomes.filter((o) => typeof o === 'object').length;
  }

  private statements(): NonNullable<SqliteChatWriter['prepared']> {
    if (this.prepared) return this.prepared;
    const db = this.db;
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
    const store = db.transaction((rows: SqliteMessageRow[]): SqliteInsertOutcome[] => {
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
      // Last, and once per room: this is what indexes the new messages (see the class).
      for (const [roomId, room] of rooms) if (room.to > room.from) setSeq.run(room.to, roomId);
      return outcomes;
    });
    this.prepared = { clientIdTaken, store };
    return this.prepared;
  }
}
