import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../common/logger.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ANALYTICS_STREAM, type AnalyticsStream } from './analytics-stream.js';
import { AnalyticsStoreRepository } from './analytics-store.repository.js';
import { ServerMetrics } from './server-metrics.js';

/** The consumer group the recorder reads the analytics stream as. */
export const RECORDER_GROUP = 'recorder';
/** How often the sweeper deletes what is past its retention. */
const SWEEP_INTERVAL_MS = 3600_000;
/** How long receipts are kept: far longer than any entry can stay pending in the stream. */
const RECEIPT_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * Records the analytics stream into the relational store (as the consumer group `recorder`), and
 * sweeps what is past its retention every hour. On a single node that starts, legs the store
 * still shows open belonged to calls that died with the previous process: they end as
 * `interrupted`.
 */
@Injectable()
export class AnalyticsRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private sweeper: NodeJS.Timeout | null = null;
  /** Events applied and duplicates skipped since start, for tests and logs. */
  readonly stats = { applied: 0, duplicates: 0, batches: 0 };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ANALYTICS_STREAM) private readonly stream: AnalyticsStream,
    @Inject(AnalyticsStoreRepository) private readonly store: AnalyticsStoreRepository,
    @Inject(ServerMetrics) private readonly metrics: ServerMetrics,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.analytics.enabled) return;
    if (!this.config.redis) {
      const closed = await this.store.closeInterrupted();
      if (closed > 0) this.logger.info({ legs: closed }, 'ended legs of an earlier process');
    }
    await this.stream.consume(RECORDER_GROUP, async (events) => {
      const outcome = await this.store.apply(events);
      this.stats.applied += outcome.applied;
      this.stats.duplicates += outcome.duplicates;
      this.stats.batches++;
      for (const ms of outcome.endedSessions) this.metrics.observeSessionEnded(ms);
    });
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** Deletes sessions, failed joins, samples and receipts past their retention. */
  async sweep(now = Date.now()): Promise<number> {
    const { sessionRetentionMs, sampleRetentionMs } = this.config.analytics;
    try {
      const deleted = await this.store.sweep({
        sessionsBefore: now - sessionRetentionMs,
        samplesBefore: now - sampleRetentionMs,
        receiptsBefore: now - RECEIPT_RETENTION_MS,
      });
      if (deleted > 0) this.logger.info({ deleted }, 'analytics past retention swept');
      return deleted;
    } catch (err) {
      this.logger.warn({ err }, 'sweeping analytics failed');
      return 0;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.stream.close(2000);
  }
}
