/**
 * The thread of {@link SqliteCheckpointer}: a connection of its own to the SQLite database file,
 * which copies the write-ahead log into the file with a passive checkpoint at a fixed interval,
 * and once more when told to stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new Database(file, { timeout: 5000 });

const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or failing this time: the next round tries again.
  }
};

const timer = setInterval(checkpoint, intervalMs);

parentPort?.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort?.close();
});
