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

/** Owns the relational store's connection: opens and migrates it at start, closes it at shutdown. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Connects to the configured store. */
  static forRoot(config: AppConfig['database']): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DataSource, useFactory: () => openDataSource(config) },
        DatabaseHealth,
      ],
      exports: [DataSource, DatabaseHealth],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
