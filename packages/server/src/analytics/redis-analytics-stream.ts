import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AnalyticsEvent } from './analytics-events.js';
import type {
  AnalyticsConsumer,
  AnalyticsStream,
  AnalyticsStreamOptions,
  AnalyticsStreamStats,
} from './analytics-stream.js';

/** Settings of {@link RedisAnalyticsStream} beyond the shared ones. */
export interface RedisAnalyticsStreamOptions extends AnalyticsStreamOptions {
  /** The stream's key. */
  key: string;
  /** This node's consumer name in every group (its `NODE_ID`). */
  consumer: string;
  /** Approximate most entries the stream keeps (`XADD … MAXLEN ~`). */
  maxLength: number;
  /** How long an entry stays pending with a consumer before another one claims it, in ms. */
  claimIdleMs: number;
  /** How long one blocking read waits for new entries, in ms. */
  blockMs: number;
}

/** An entry as XREADGROUP and XAUTOCLAIM return it; fields are null for an entry trimmed away. */
type Entry = [id: string, fields: string[] | null];

/**
 * {@link AnalyticsStream} on a Redis stream shared by every node. `publish` puts the event in a
 * bounded local outbox, flushed with `XADD … MAXLEN ~` a macrotask later (auto-pipelined), so the
 * call path never waits for Redis; when Redis is slow or away the outbox fills and new events are
 * dropped and counted. Each group is a Redis consumer group (created at the start of the stream,
 * so nothing published before it is missed), each node a consumer in it: it first re-reads its own
 * pending entries (a restart under the same `NODE_ID`), then reads new ones with `XREADGROUP`,
 * acknowledges each batch after its handler resolved (`XACK`), and regularly takes over entries
 * another consumer left pending longer than `claimIdleMs` (`XAUTOCLAIM`) — the entries of a node
 * that died mid-batch.
 */
export class RedisAnalyticsStream implements AnalyticsStream {
  private readonly outbox: AnalyticsEvent[] = [];
  private readonly counters = { dropped: 0, published: 0 };
  private flushing: Promise<void> | null = null;
  private readonly readers: Redis[] = [];
  private readonly loops: Array<Promise<void>> = [];
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisAnalyticsStreamOptions,
    private readonly logger: Logger,
  ) {}

  publish(event: AnalyticsEvent): boolean {
    if (this.closed || this.outbox.length >= this.options.maxBacklog) {
      this.counters.dropped++;
      return false;
    }
    this.outbox.push(event);
    this.counters.published++;
    this.scheduleFlush();
    return true;
  }

  async consume(group: string, handler: AnalyticsConsumer): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.options.key, group, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
    // A blocking read holds its connection: each group reads on one of its own.
    const reader = this.redis.duplicate({ enableAutoPipelining: false });
    this.readers.push(reader);
    this.loops.push(this.run(group, handler, reader));
  }

  stats(): AnalyticsStreamStats {
    return { backlog: this.outbox.length, ...this.counters };
  }

  async lag(group: string): Promise<number> {
    const groups = (await this.redis
      .xinfo('GROUPS', this.options.key)
      .catch(() => [])) as unknown[];
    for (const raw of groups) {
      const info = fields(raw as unknown[]);
      if (info.name !== group) continue;
      const lag = Number(info.lag ?? 0);
      return (Number.isFinite(lag) ? lag : 0) + Number(info.pending ?? 0);
    }
    return 0;
  }

  async close(timeoutMs = 2000): Promise<void> {
    this.closed = true;
    const deadline = sleep(timeoutMs);
    while (this.outbox.length > 0 || this.flushing) {
      const flushed = this.flushing ?? this.flush();
      if ((await Promise.race([flushed.then(() => 'ok'), deadline.then(() => 'late')])) === 'late')
        break;
    }
    for (const reader of this.readers) reader.disconnect();
    await Promise.race([Promise.allSettled(this.loops), deadline]);
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => {
        this.flushing = null;
        if (this.outbox.length > 0 && !this.closed) this.scheduleFlush();
      });
  }

  private async flush(): Promise<void> {
    while (this.outbox.length > 0) {
      const batch = this.outbox.slice(0, 500);
      try {
        await Promise.all(
          batch.map((event) =>
            this.redis.xadd(
              this.options.key,
              'MAXLEN',
              '~',
              this.options.maxLength,
              '*',
              'e',
              JSON.stringify(event),
            ),
          ),
        );
        this.outbox.splice(0, batch.length);
      } catch (err) {
        // Some may have been added: a retry adds them again, and consumers drop the copies by id.
        this.logger.warn({ err, events: batch.length }, 'adding analytics events to Redis failed');
        if (this.closed) return;
        await sleep(this.options.retryDelayMs);
      }
    }
  }

  private async run(group: string, handler: AnalyticsConsumer, reader: Redis): Promise<void> {
    const { key, consumer, batchSize, claimIdleMs, blockMs, retryDelayMs } = this.options;
    // Entries delivered to this consumer name and never acknowledged (a crash, a failed batch).
    let ownPending = true;
    let nextClaim = 0;
    while (!this.closed) {
      try {
        if (ownPending) {
          const entries = await readGroup(reader, group, consumer, batchSize, null, key, '0');
          if (entries.length === 0) ownPending = false;
          else await this.deliver(group, handler, entries);
          continue;
        }
        if (Date.now() >= nextClaim) {
          nextClaim = Date.now() + Math.max(100, claimIdleMs / 2);
          await this.claim(group, handler, reader);
        }
        const entries = await readGroup(
          reader,
          group,
          consumer,
          batchSize,
          Math.min(blockMs, Math.max(100, claimIdleMs / 2)),
          key,
          '>',
        );
        if (entries.length > 0) await this.deliver(group, handler, entries);
      } catch (err) {
        if (this.closed) return;
        this.logger.warn({ err, group }, 'consuming analytics events failed; retrying');
        ownPending = true;
        await sleep(retryDelayMs);
      }
    }
  }

  /** Takes over what other consumers of the group left pending too long, and delivers it. */
  private async claim(group: string, handler: AnalyticsConsumer, reader: Redis): Promise<void> {
    const { key, consumer, batchSize, claimIdleMs } = this.options;
    let cursor = '0-0';
    for (let round = 0; round < 100 && !this.closed; round++) {
      const reply = (await reader.xautoclaim(
        key,
        group,
        consumer,
        claimIdleMs,
        cursor,
        'COUNT',
        batchSize,
      )) as [string, Entry[], string[]?];
      const [next, entries, deleted] = reply;
      // Entries trimmed away by MAXLEN before anyone read them are gone; their ids are forgotten.
      if (deleted && deleted.length > 0) await reader.xack(key, group, ...deleted);
      if (entries.length > 0) await this.deliver(group, handler, entries);
      cursor = next;
      if (cursor === '0-0') return;
    }
  }

  private async deliver(
    group: string,
    handler: AnalyticsConsumer,
    entries: Entry[],
  ): Promise<void> {
    const events: AnalyticsEvent[] = [];
    for (const [, values] of entries) {
      const json = values ? fields(values).e : undefined;
      if (typeof json !== 'string') continue;
      try {
        events.push(JSON.parse(json) as AnalyticsEvent);
      } catch {
        this.logger.warn({ group }, 'skipping an analytics entry that is not JSON');
      }
    }
    if (events.length > 0) await handler(events);
    await this.redis.xack(this.options.key, group, ...entries.map(([id]) => id));
  }
}

async function readGroup(
  reader: Redis,
  group: string,
  consumer: string,
  count: number,
  blockMs: number | null,
  key: string,
  from: string,
): Promise<Entry[]> {
  const reply =
    blockMs === null
      ? await reader.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', key, from)
      : await reader.xreadgroup(
          'GROUP',
          group,
          consumer,
          'COUNT',
          count,
          'BLOCK',
          blockMs,
          'STREAMS',
          key,
          from,
        );
  const streams = reply;
  return streams?.[0]?.[1] ?? [];
}

/** A flat `[name, value, …]` reply as an object. */
function fields(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
