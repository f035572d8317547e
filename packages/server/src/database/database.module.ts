import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { DatabaseHealth } from './database-health.js';
import { openDataSource } from './data-source.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';

/** DI token of the SQLite checkpoint thread (null for other stores). */
export const SQLITE_CHECKPOINTER = Symbol('SQLITE_CHECKPOINTER');

/**
 * Owns the relational store's connection: opens and migrates it at start (with a SQLite database
 * file, also the thread that checkpoints its write-ahead log), closes it at shutdown.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SQLITE_CHECKPOINTER) private readonly checkpointer: SqliteCheckpointer | null,
  ) {}

  /** Connects to the configured store. */
  static forRoot(config: AppConfig['database']): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DataSource, useFactory: () => openDataSource(config) },
        {
          provide: SQLITE_CHECKPOINTER,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => SqliteCheckpointer.start(dataSource),
        },
        DatabaseHealth,
      ],
      exports: [DataSource, DatabaseHealth],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
