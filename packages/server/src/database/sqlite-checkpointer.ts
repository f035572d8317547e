import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { DataSource } from 'typeorm';

/** How often the checkpoint thread copies the write-ahead log into the database file. */
export const CHECKPOINT_INTERVAL_MS = 100;
/** SQLite's own default: a commit checkpoints once the log holds this many pages. */
const AUTO_CHECKPOINT_PAGES = 1000;
/** How long a stop waits for the thread's last checkpoint. */
const STOP_TIMEOUT_MS = 5000;

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits runs
 * a checkpoint whenever the write-ahead log has grown past 1,000 pages: it copies them into the
 * database file and waits for the disk, which the event loop cannot do anything else meanwhile.
 * With a checkpointer, the event loop's connection never checkpoints; a worker thread with a
 * connection of its own runs a passive checkpoint every {@link CHECKPOINT_INTERVAL_MS} (one that
 * never waits for, nor blocks, readers and writers). Should the thread die, the connection
 * checkpoints by itself again.
 */
export class SqliteCheckpointer {
  private stopping = false;
  private exited = false;

  private constructor(
    private readonly db: Database,
    private readonly worker: Worker,
  ) {}

  /**
   * Starts the thread for TypeORM's better-sqlite3 connection to a database file, or answers null
   * for any other store, an in-memory database, or sources without the built thread script (the
   * connection then checkpoints as SQLite does by default).
   */
  static start(
    dataSource: DataSource,
    script = new URL('./sqlite-checkpoint-thread.js', import.meta.url),
  ): SqliteCheckpointer | null {
    const file = dataSource.options.database;
    if (dataSource.options.type !== 'better-sqlite3' || typeof file !== 'string') return null;
    if (file === ':memory:' || !existsSync(fileURLToPath(script))) return null;
    const db = (dataSource.driver as unknown as { databaseConnection: Database })
      .databaseConnection;
    const worker = new Worker(script, { workerData: { file, intervalMs: CHECKPOINT_INTERVAL_MS } });
    worker.unref();
    const checkpointer = new SqliteCheckpointer(db, worker);
    db.pragma('wal_autocheckpoint = 0');
    worker.once('exit', () => (checkpointer.exited = true));
    const lost = () => {
      if (checkpointer.stopping || !db.open) return;
      db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    return checkpointer;
  }

  /** Lets the thread run a last checkpoint and end; the connection checkpoints by itself after. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      exited,
      new Promise<void>((resolve) => {
        timer = setTimeout(
          () => void this.worker.terminate().then(() => resolve()),
          STOP_TIMEOUT_MS,
        );
      }),
    ]);
    clearTimeout(timer);
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  }
}
