import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Answers whether the relational store responds, and how fast. */
@Injectable()
export class DatabaseHealth {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The store's driver name as the health endpoint reports it. */
  get driver(): 'sqlite' | 'mysql' | 'postgres' {
    const type = this.dataSource.options.type;
    return type === 'better-sqlite3' ? 'sqlite' : type === 'postgres' ? 'postgres' : 'mysql';
  }

  /** Runs a trivial query; resolves to its latency, or null when the store does not answer. */
  async ping(timeoutMs = 2000): Promise<number | null> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('database ping timed out')), timeoutMs);
        }),
      ]);
      return Math.round((performance.now() - started) * 10) / 10;
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
