/**
 * A time as TypeORM writes a SQLite `datetime` column: `YYYY-MM-DD HH:MM:SS.SSS`, UTC. SQL that
 * compares with or inserts into such a column without TypeORM uses it.
 */
export function sqliteDateTime(at: Date): string {
  return at.toISOString().slice(0, 23).replace('T', ' ');
}
