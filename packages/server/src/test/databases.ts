import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';

/** A throw-away database on one of the supported stores. */
export interface TestDatabase {
  /** DATABASE_URL for the server. */
  url: string;
  /** Drops the database. */
  drop(): Promise<void>;
}

/** One store the repository and contract tests run against. */
export interface DatabaseTarget {
  name: 'sqlite' | 'mariadb' | 'postgres';
  create(): Promise<TestDatabase>;
}

// The machine's own servers; CI starts them. Override to point at others.
const MYSQL_URL = process.env.MINIMEET_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const POSTGRES_URL =
  process.env.MINIMEET_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const uniqueName = () => `mm_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** SQLite in memory, the real MariaDB and the real PostgreSQL of this machine. */
export const DATABASE_TARGETS: DatabaseTarget[] = [
  {
    name: 'sqlite',
    create: () => Promise.resolve({ url: 'sqlite::memory:', drop: () => Promise.resolve() }),
  },
  {
    name: 'mariadb',
    async create() {
      const name = uniqueName();
      const admin = await createConnection(MYSQL_URL);
      await admin.query(
        `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
      await admin.end();
      return {
        url: withDatabase(MYSQL_URL, name),
        async drop() {
          const c = await createConnection(MYSQL_URL);
          await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
          await c.end();
        },
      };
    },
  },
  {
    name: 'postgres',
    async create() {
      const name = uniqueName();
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
      await admin.end();
      return {
        url: withDatabase(POSTGRES_URL, name),
        async drop() {
          const c = new pg.Client({ connectionString: POSTGRES_URL });
          await c.connect();
          await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          await c.end();
        },
      };
    },
  },
];
