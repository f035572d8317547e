import type { Database, Statement } from 'better-sqlite3';
import type { DataSource } from 'typeorm';

/** The SQL dialect of the relational store. */
export type Dialect = 'sqlite' | 'mysql' | 'postgres';

/** A row as the drivers return it. */
export type Row = Record<string, unknown>;

/** One statement a {@link SqlPlan} asks to run, with `?` placeholders. */
export interface SqlStep {
  sql: string;
  params: unknown[];
}

/**
 * A unit of work written once for every store: a generator that yields statements and receives
 * their rows. {@link SqlRunner} runs it in one transaction — synchronously on SQLite's connection
 * (so nothing of TypeORM's or the chat writer's interleaves with it), statement by statement on
 * MariaDB and PostgreSQL.
 */
export type SqlPlan<T> = Generator<SqlStep, T, Row[]>;

/** A statement step. */
export function sql(text: string, params: unknown[] = []): SqlStep {
  return { sql: text, params };
}

/** `?, ?, ?` for `n` values. */
export function marks(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** Runs {@link SqlPlan}s and plain reads on the store TypeORM connected to. */
export class SqlRunner {
  /** The store's dialect. */
  readonly dialect: Dialect;
  private readonly sqlite: Database | null;
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly dataSource: DataSource) {
    const type = dataSource.options.type;
    this.dialect =
      type === 'better-sqlite3' ? 'sqlite' : type === 'postgres' ? 'postgres' : 'mysql';
    this.sqlite =
      this.dialect === 'sqlite'
        ? (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection
        : null;
  }

  /** Runs a plan in one transaction and resolves to its result. */
  async transaction<T>(plan: () => SqlPlan<T>): Promise<T> {
    const db = this.sqlite;
    if (db) {
      // A transaction TypeORM holds open across awaits is left to finish first.
      while (db.inTransaction) await new Promise((resolve) => setTimeout(resolve, 1));
      return db.transaction(() => this.runSync(plan())).immediate();
    }
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('READ COMMITTED');
      const gen = plan();
      let next = gen.next();
      while (!next.done) {
        const rows: unknown = await runner.query(this.translate(next.value.sql), next.value.params);
        next = gen.next(Array.isArray(rows) ? (rows as Row[]) : []);
      }
      await runner.commitTransaction();
      return next.value;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  /** Runs one read outside any transaction. */
  async all(text: string, params: unknown[] = []): Promise<Row[]> {
    if (this.sqlite) return this.statement(text).all(...params) as Row[];
    const rows: unknown = await this.dataSource.query(this.translate(text), params);
    return Array.isArray(rows) ? (rows as Row[]) : [];
  }

  /** Runs one write outside any transaction (a sweep). */
  async run(text: string, params: unknown[] = []): Promise<number> {
    if (this.sqlite) {
      while (this.sqlite.inTransaction) await new Promise((resolve) => setTimeout(resolve, 1));
      return this.statement(text).run(...params).changes;
    }
    const result: unknown = await this.dataSource.query(this.translate(text), params);
    return affected(result);
  }

  private runSync<T>(gen: SqlPlan<T>): T {
    let next = gen.next();
    while (!next.done) {
      const statement = this.statement(next.value.sql);
      const rows = statement.reader
        ? (statement.all(...next.value.params) as Row[])
        : (statement.run(...next.value.params), []);
      next = gen.next(rows);
    }
    return next.value;
  }

  private statement(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.sqlite!.prepare(text);
      // Plans build IN lists of many lengths: keep the cache from growing without end.
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** `?` placeholders as PostgreSQL numbers them. */
  private translate(text: string): string {
    if (this.dialect !== 'postgres') return text;
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  }
}

/** Rows a write changed, from whatever shape the driver answered. */
function affected(result: unknown): number {
  if (Array.isArray(result) && typeof result[1] === 'number') return result[1];
  const r = result as { affectedRows?: number; rowCount?: number } | null;
  return r?.affectedRows ?? r?.rowCount ?? 0;
}

/** One UTC day in epoch milliseconds. */
export const DAY_MS = 86_400_000;

/** The UTC day number (days since the epoch) of an epoch-ms expression, in the dialect's SQL. */
export function dayOf(dialect: Dialect, column: string): string {
  return dialect === 'mysql' ? `${column} DIV ${DAY_MS}` : `${column} / ${DAY_MS}`;
}

/**
 * An insert of one row that, when its key exists, sets `update` columns instead: to the new value
 * (`set`) or to the old one plus the new (`add`).
 */
export function upsert(
  dialect: Dialect,
  table: string,
  key: readonly string[],
  columns: readonly string[],
  mode: 'set' | 'add',
): string {
  const all = [...key, ...columns];
  const insert = `INSERT INTO ${table} (${all.join(', ')}) VALUES (${marks(all.length)})`;
  if (dialect === 'mysql') {
    const value = (c: string) => (mode === 'add' ? `${c} + VALUES(${c})` : `VALUES(${c})`);
    return `${insert} ON DUPLICATE KEY UPDATE ${columns.map((c) => `${c} = ${value(c)}`).join(', ')}`;
  }
  const value = (c: string) => (mode === 'add' ? `${table}.${c} + excluded.${c}` : `excluded.${c}`);
  return `${insert} ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${columns.map((c) => `${c} = ${value(c)}`).join(', ')}`;
}
