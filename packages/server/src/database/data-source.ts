import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

/**
 * TypeORM options for the configured store. Schema changes go through migrations only;
 * `synchronize` is never on.
 */
export function dataSourceOptions(
  config: AppConfig['database'],
  flavour: 'mysql' | 'mariadb' = 'mysql',
): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
  } as const;
  switch (config.driver) {
    case 'sqlite':
      if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true });
      return {
        ...common,
        type: 'better-sqlite3',
        database: config.file,
        enableWAL: config.file !== ':memory:',
        timeout: 5000,
      };
    case 'mysql':
      return {
        ...common,
        type: flavour,
        url: config.url,
        poolSize: config.poolSize,
        charset: 'utf8mb4_unicode_ci',
        timezone: 'Z',
      };
    case 'postgres':
      return { ...common, type: 'postgres', url: config.url, poolSize: config.poolSize };
  }
}

/** Opens a connection to the store and, unless told not to, brings its schema up to date. */
export async function openDataSource(config: AppConfig['database']): Promise<DataSource> {
  const flavour = config.driver === 'mysql' ? await mysqlFlavour(config.url) : undefined;
  const dataSource = new DataSource(dataSourceOptions(config, flavour));
  await dataSource.initialize();
  if (config.runMigrations) await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/**
 * MariaDB and MySQL answer the same protocol but describe their schemas differently; TypeORM must
 * be told which one it talks to, whatever scheme the URL uses.
 */
async function mysqlFlavour(url: string): Promise<'mysql' | 'mariadb'> {
  const connection = await createConnection(url);
  try {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    const version = String((rows as Array<{ version: string }>)[0]?.version ?? '');
    return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}
