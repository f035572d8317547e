import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDataSource } from './data-source.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';

// The thread runs the built script (the build comes before the tests).
const SCRIPT = new URL('../../dist/database/sqlite-checkpoint-thread.js', import.meta.url);

describe('SQLite checkpoints on a thread of their own (a database file)', () => {
  let dir: string;
  let file: string;
  let ds: DataSource;
  let db: Database;
  let checkpointer: SqliteCheckpointer | null = null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'minimeet-checkpoint-'));
    file = join(dir, 'store.sqlite');
    ds = await openDataSource({
      driver: 'sqlite',
      file,
      url: `sqlite:${file}`,
      runMigrations: true,
    });
    db = (ds.driver as unknown as { databaseConnection: Database }).databaseConnection;
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    // Whatever the migrations left in the log goes into the file first.
    db.pragma('wal_checkpoint(TRUNCATE)');
  });

  afterEach(async () => {
    await checkpointer?.stop();
    checkpointer = null;
    await ds.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const autoCheckpoint = () => Number(db.pragma('wal_autocheckpoint', { simple: true }));

  /** Writes about 2 MB in small transactions, as a busy server does. */
  const write = () => {
    const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
    const body = 'x'.repeat(2000);
    for (let i = 0; i < 1000; i++) insert.run(body);
  };

  it('copies the log into the database file while the event loop connection never does', async () => {
    checkpointer = SqliteCheckpointer.start(ds, SCRIPT);
    expect(checkpointer).not.toBeNull();
    expect(autoCheckpoint()).toBe(0);
    const before = (await stat(file)).size;
    write();
    // Nothing on this connection checkpointed: the rows are in the log only, until the thread runs.
    await vi.waitFor(
      async () => expect((await stat(file)).size).toBeGreaterThan(before + 1_500_000),
      {
        timeout: 5000,
        interval: 20,
      },
    );
    await checkpointer!.stop();
    expect(autoCheckpoint()).toBe(1000);
  });

  it('gives the connection its own checkpoints back when the thread dies', async () => {
    checkpointer = SqliteCheckpointer.start(ds, SCRIPT);
    expect(autoCheckpoint()).toBe(0);
    await (
      checkpointer as unknown as { worker: { terminate(): Promise<number> } }
    ).worker.terminate();
    await vi.waitFor(() => expect(autoCheckpoint()).toBe(1000), { timeout: 5000, interval: 10 });
  });

  it('is not started for an in-memory database', async () => {
    const memory = await openDataSource({
      driver: 'sqlite',
      file: ':memory:',
      url: 'sqlite::memory:',
      runMigrations: false,
    });
    try {
      expect(SqliteCheckpointer.start(memory, SCRIPT)).toBeNull();
    } finally {
      await memory.destroy();
    }
  });
});
