import type { Logger } from 'pino';
import type { AnalyticsEvent } from './analytics-events.js';
import type {
  AnalyticsConsumer,
  AnalyticsStream,
  AnalyticsStreamOptions,
  AnalyticsStreamStats,
} from './analytics-stream.js';

interface Group {
  handler: AnalyticsConsumer;
  queue: AnalyticsEvent[];
  /** The drain loop, while one runs. */
  draining: Promise<void> | null;
}

/**
 * The embedded {@link AnalyticsStream}: a bounded queue per consumer group in this process,
 * drained off the call path (a macrotask later, or `lingerMs` later to gather a batch) in batches. A batch whose consumer throws is
 * delivered again after a pause, ahead of newer events. What is queued at a crash is lost, as the
 * rest of a single node's live state is.
 */
export class InProcessAnalyticsStream implements AnalyticsStream {
  private readonly groups = new Map<string, Group>();
  private readonly counters = { dropped: 0, published: 0 };
  private closed = false;

  constructor(
    private readonly options: AnalyticsStreamOptions,
    private readonly logger: Logger,
  ) {}

  publish(event: AnalyticsEvent): boolean {
    if (this.closed) return false;
    let accepted = this.groups.size > 0;
    for (const group of this.groups.values()) {
      if (group.queue.length >= this.options.maxBacklog) {
        accepted = false;
        continue;
      }
      group.queue.push(event);
      this.schedule(group);
    }
    if (accepted) this.counters.published++;
    else this.counters.dropped++;
    return accepted;
  }

  consume(group: string, handler: AnalyticsConsumer): Promise<void> {
    if (this.groups.has(group)) throw new Error(`Analytics group ${group} already consumes.`);
    this.groups.set(group, { handler, queue: [], draining: null });
    return Promise.resolve();
  }

  stats(): AnalyticsStreamStats {
    return { backlog: this.backlog(), ...this.counters };
  }

  lag(group: string): Promise<number> {
    return Promise.resolve(this.groups.get(group)?.queue.length ?? 0);
  }

  async close(timeoutMs = 2000): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + timeoutMs;
    for (const group of this.groups.values()) {
      while (group.draining && Date.now() < deadline) {
        await Promise.race([group.draining, sleep(Math.max(0, deadline - Date.now()))]);
      }
    }
  }

  private backlog(): number {
    let n = 0;
    for (const group of this.groups.values()) n = Math.max(n, group.queue.length);
    return n;
  }

  private schedule(group: Group): void {
    if (group.draining) return;
    const linger = this.options.lingerMs ?? 0;
    group.draining = new Promise<void>((resolve) =>
      linger > 0 && group.queue.length < this.options.batchSize
        ? setTimeout(resolve, linger)
        : setImmediate(resolve),
    )
      .then(() => this.drain(group))
      .finally(() => {
        group.draining = null;
        if (group.queue.length > 0 && !this.closed) this.schedule(group);
      });
  }

  private async drain(group: Group): Promise<void> {
    while (group.queue.length > 0) {
      const batch = group.queue.slice(0, this.options.batchSize);
      try {
        await group.handler(batch);
        group.queue.splice(0, batch.length);
      } catch (err) {
        this.logger.warn({ err, events: batch.length }, 'an analytics consumer failed; retrying');
        if (this.closed) return;
        await sleep(this.options.retryDelayMs);
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
