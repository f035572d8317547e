import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deleteRedisKeys, TEST_REDIS_URL, uniqueRedisPrefix } from '../test/cluster.js';
import { waitUntil } from '../test/harness.js';
import { sessionEndedEventId, type AnalyticsEvent } from './analytics-events.js';
import type { AnalyticsStream, AnalyticsStreamOptions } from './analytics-stream.js';
import { InProcessAnalyticsStream } from './in-process-analytics-stream.js';
import { RedisAnalyticsStream } from './redis-analytics-stream.js';

const PREFIX = uniqueRedisPrefix('analytics-stream.contract');
const logger = pino({ level: 'silent' });
const connections: Redis[] = [];
const streams: AnalyticsStream[] = [];
const OPTIONS: AnalyticsStreamOptions = { maxBacklog: 1000, batchSize: 50, retryDelayMs: 20 };

function connection(): Redis {
  const redis = new Redis(TEST_REDIS_URL, { enableAutoPipelining: true });
  connections.push(redis);
  return redis;
}

afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close(500)));
});
afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await deleteRedisKeys(PREFIX);
});

function event(n: number): AnalyticsEvent {
  return {
    id: randomUUID(),
    type: 'participant.reconnecting',
    at: 1_700_000_000_000 + n,
    data: { roomId: 'room', sessionId: 'cs_1', participantId: `pa_${n}` },
  };
}

/** Makes streams that share one stream key (as the nodes of one deployment would). */
type Factory = (
  options?: Partial<AnalyticsStreamOptions> & { consumer?: string },
) => AnalyticsStream;

const adapters: Array<{ name: string; shared: () => Factory }> = [
  {
    name: 'InProcessAnalyticsStream',
    shared: () => (options) => {
      const s = new InProcessAnalyticsStream({ ...OPTIONS, ...options }, logger);
      streams.push(s);
      return s;
    },
  },
  {
    name: 'RedisAnalyticsStream',
    shared: () => {
      const key = `${PREFIX}${randomUUID()}`;
      return (options) => {
        const s = new RedisAnalyticsStream(
          connection(),
          {
            ...OPTIONS,
            key,
            consumer: options?.consumer ?? 'node-a',
            maxLength: 100_000,
            claimIdleMs: 300,
            blockMs: 200,
            ...options,
          },
          logger,
        );
        streams.push(s);
        return s;
      };
    },
  },
];

describe.each(adapters)('$name (the AnalyticsStream contract)', ({ shared }) => {
  it('delivers every event to every group, in order', async () => {
    const stream = shared()();
    const seen: Record<string, string[]> = { recorder: [], webhooks: [] };
    for (const group of Object.keys(seen)) {
      await stream.consume(group, (events) => {
        seen[group].push(...events.map((e) => e.id));
        return Promise.resolve();
      });
    }
    const sent = Array.from({ length: 120 }, (_, i) => event(i));
    for (const e of sent) expect(stream.publish(e)).toBe(true);
    await waitUntil('both groups to see every event', () =>
      Object.values(seen).every((ids) => ids.length >= sent.length),
    );
    for (const ids of Object.values(seen)) expect(ids).toEqual(sent.map((e) => e.id));
    expect(stream.stats()).toMatchObject({ published: 120, dropped: 0 });
    await waitUntil('the lag to reach zero', async () => (await stream.lag('recorder')) === 0);
  });

  it('delivers a batch again when its consumer throws, losing nothing', async () => {
    const stream = shared()();
    const seen: string[] = [];
    let failures = 0;
    await stream.consume('recorder', (events) => {
      if (failures < 2) {
        failures++;
        return Promise.reject(new Error('store away'));
      }
      seen.push(...events.map((e) => e.id));
      return Promise.resolve();
    });
    const sent = Array.from({ length: 30 }, (_, i) => event(i));
    for (const e of sent) stream.publish(e);
    await waitUntil('every event after the failures', () => seen.length >= sent.length);
    expect(failures).toBe(2);
    expect(seen).toEqual(sent.map((e) => e.id));
  });

  it('carries a session.ended with its derived id intact (consumers deduplicate by it)', async () => {
    const stream = shared()();
    const seen: AnalyticsEvent[] = [];
    await stream.consume('webhooks', (events) => {
      seen.push(...events);
      return Promise.resolve();
    });
    const end: AnalyticsEvent = {
      id: sessionEndedEventId('cs_contract1'),
      type: 'session.ended',
      at: 1_700_000_000_123,
      data: { roomId: 'room', sessionId: 'cs_contract1' },
    };
    // Two nodes that saw the session end publish the same event.
    expect(stream.publish(end)).toBe(true);
    expect(stream.publish({ ...end })).toBe(true);
    await waitUntil('both copies', () => seen.length >= 2);
    expect(seen).toEqual([end, end]);
  });

  it('bounds its backlog: past it, publish refuses and counts the drop without waiting', async () => {
    const stream = shared()({ maxBacklog: 10 });
    await stream.consume('recorder', () => Promise.resolve());
    // All in one turn of the event loop: nothing has drained yet.
    const accepted = Array.from({ length: 25 }, (_, i) => stream.publish(event(i)));
    expect(accepted.filter(Boolean)).toHaveLength(10);
    expect(stream.stats()).toMatchObject({ published: 10, dropped: 15 });
  });
});

describe('InProcessAnalyticsStream batching', () => {
  it('lets a batch gather for lingerMs, so events of a busy moment arrive together', async () => {
    const stream = new InProcessAnalyticsStream({ ...OPTIONS, lingerMs: 50 }, logger);
    streams.push(stream);
    const batches: number[] = [];
    await stream.consume('recorder', (events) => {
      batches.push(events.length);
      return Promise.resolve();
    });
    stream.publish(event(0));
    // Published on later turns of the event loop, within the linger.
    for (let i = 1; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      stream.publish(event(i));
    }
    await waitUntil('every event', () => batches.reduce((a, b) => a + b, 0) >= 5);
    expect(batches).toEqual([5]);
  });
});

describe('RedisAnalyticsStream with several nodes', () => {
  it("hands a dead consumer's pending entries to another node, which acknowledges them", async () => {
    const make = adapters[1].shared();
    const dying = make({ consumer: 'node-dying' });
    let stuck = 0;
    // Takes its batches and never finishes them: a node that dies mid-batch.
    await dying.consume('recorder', (events) => {
      stuck += events.length;
      return new Promise<void>(() => {});
    });
    const sent = Array.from({ length: 40 }, (_, i) => event(i));
    for (const e of sent) dying.publish(e);
    await waitUntil('the dying node to hold entries', () => stuck > 0);

    const survivor = make({ consumer: 'node-survivor' });
    const seen = new Set<string>();
    await survivor.consume('recorder', (events) => {
      for (const e of events) seen.add(e.id);
      return Promise.resolve();
    });
    await waitUntil('the survivor to see every event', () => seen.size === sent.length, {
      timeoutMs: 10_000,
    });
    await waitUntil('nothing left pending', async () => (await survivor.lag('recorder')) === 0);
  });
});
