import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { ANALYTICS_STREAM, type AnalyticsStream } from '../analytics/analytics-stream.js';
import { ServerMetrics } from '../analytics/server-metrics.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { sendWebhook } from './webhook-sender.js';
import { signatureHeader } from './webhook-signature.js';
import { refusedUrl } from './webhook-url.js';
import { WebhookRepository } from './webhook.repository.js';

/** The consumer group the dispatcher reads the analytics stream as. */
export const WEBHOOK_GROUP = 'webhooks';
/** Most deliveries attempted at once by one node. */
const BATCH = 20;
/** Longest wait between two attempts of one delivery. */
const MAX_DELAY_MS = 10 * 3600_000;
/** How long finished deliveries and receipts are kept. */
const RETENTION_MS = 7 * 24 * 3600_000;
const SWEEP_INTERVAL_MS = 3600_000;

/**
 * Delivers webhooks. As the consumer group `webhooks` of the analytics stream it turns call
 * events into webhook events with per-room sequence numbers and stores one delivery per
 * subscribed endpoint; a poller on every node then attempts the due deliveries (claimed in the
 * store, so two nodes never send the same attempt), retrying failures with exponential backoff
 * and jitter, and disables an endpoint after too many failures in a row. Nothing here runs on the
 * call path: the stream hands events over a macrotask (or a Redis read) later.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private poller: NodeJS.Timeout | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  /** Events dispatched and duplicates skipped since start, for tests and logs. */
  readonly stats = { applied: 0, duplicates: 0, deliveries: 0 };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ANALYTICS_STREAM) private readonly stream: AnalyticsStream,
    @Inject(WebhookRepository) private readonly repo: WebhookRepository,
    @Inject(ServerMetrics) private readonly metrics: ServerMetrics,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.analytics.enabled) return;
    await this.stream.consume(WEBHOOK_GROUP, async (events) => {
      const outcome = await this.repo.dispatch(events);
      this.stats.applied += outcome.applied;
      this.stats.duplicates += outcome.duplicates;
      this.stats.deliveries += outcome.deliveries;
      if (outcome.deliveries > 0) this.kick();
    });
    this.poller = setInterval(() => this.kick(), this.config.webhooks.pollMs);
    this.poller.unref();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    if (this.sweeper) clearInterval(this.sweeper);
    await this.running;
  }

  /** Attempts the due deliveries now (or right after the round in progress). */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch((err: unknown) => this.logger.warn({ err }, 'a webhook delivery round failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async round(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const due = await this.repo.dueDeliveries(now, BATCH);
      if (due.length === 0 || this.closed) return;
      const lease = now + this.config.webhooks.timeoutMs + 5000;
      const claimed: WebhookDeliveryEntity[] = [];
      for (const d of due) if (await this.repo.claim(d, lease)) claimed.push(d);
      await Promise.all(claimed.map((d) => this.attempt(d)));
      if (due.length < BATCH) return;
    }
  }

  private async attempt(delivery: WebhookDeliveryEntity): Promise<void> {
    const { webhooks } = this.config;
    const endpoint = await this.repo.findEndpoint(delivery.endpointId);
    const now = Date.now();
    if (!endpoint || endpoint.status !== 'active') {
      await this.repo.recordAttempt(delivery.id, {
        status: 'failed',
        attempts: delivery.attempts,
        statusCode: null,
        error: 'The endpoint is not active.',
        nextAttemptAt: null,
        now,
      });
      return;
    }
    const refused = webhooks.allowPrivateUrls ? null : await refusedUrl(endpoint.url);
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret && Number(endpoint.previousSecretExpiresAt ?? 0) > now)
      secrets.push(endpoint.previousSecret);
    const timestamp = Math.floor(now / 1000);
    const result = refused
      ? { ok: false, statusCode: null, error: refused }
      : await sendWebhook(
          endpoint.url,
          {
            'webhook-id': delivery.id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signatureHeader(secrets, delivery.id, timestamp, delivery.payload),
          },
          delivery.payload,
          webhooks.timeoutMs,
        );
    const attempts = delivery.attempts + 1;
    const done = Date.now();
    if (result.ok) {
      this.metrics.countWebhookAttempt('succeeded');
      await this.repo.recordAttempt(delivery.id, {
        status: 'succeeded',
        attempts,
        statusCode: result.statusCode,
        error: null,
        nextAttemptAt: null,
        now: done,
      });
      if (endpoint.consecutiveFailures > 0) await this.repo.resetFailures(endpoint.id);
      return;
    }
    const giveUp = attempts >= webhooks.maxAttempts;
    this.metrics.countWebhookAttempt(giveUp ? 'failed' : 'retrying');
    await this.repo.recordAttempt(delivery.id, {
      status: giveUp ? 'failed' : 'pending',
      attempts,
      statusCode: result.statusCode,
      error: result.error,
      nextAttemptAt: giveUp ? null : done + retryDelay(webhooks.retryBaseMs, attempts),
      now: done,
    });
    const failures = await this.repo.countFailure(endpoint.id);
    if (failures >= webhooks.disableAfterFailures) {
      const reason = `Disabled after ${failures} failed attempts in a row; the last: ${result.error ?? 'failed'}`;
      await this.repo.disable(endpoint.id, reason, done);
      this.logger.warn({ endpointId: endpoint.id, failures }, 'a webhook endpoint was disabled');
    }
  }

  private async sweep(): Promise<void> {
    try {
      await this.repo.sweep(Date.now() - RETENTION_MS);
    } catch (err) {
      this.logger.warn({ err }, 'sweeping webhook deliveries failed');
    }
  }
}

/**
 * The wait before the next attempt after `attempts` failed ones: `base × 4^(attempts−1)`, at most
 * 10 hours, with ±20 % jitter so that many deliveries that failed together do not retry together.
 */
export function retryDelay(baseMs: number, attempts: number): number {
  const delay = Math.min(baseMs * 4 ** (attempts - 1), MAX_DELAY_MS);
  return Math.round(delay * (0.8 + Math.random() * 0.4));
}
