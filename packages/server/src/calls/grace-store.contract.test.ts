import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../test/harness.js';
import { testRedis } from '../test/cluster.js';
import type { GraceStore, RelayedSignal } from './grace-store.js';
import { InMemoryGraceStore } from './in-memory-grace-store.js';
import { RedisGraceStore } from './redis-grace-store.js';

const redis = testRedis('grace-store.contract');
const PREFIX = redis.prefix;
const connection = redis.connection;
let n = 0;

afterAll(() => redis.close());

const sdpOf = (signal: RelayedSignal | undefined): string =>
  signal?.event === 'webrtc_offer' ? signal.payload.description.sdp : '';

const offer = (sdp: string): RelayedSignal => ({
  event: 'webrtc_offer',
  payload: { roomId: 'r', from: 'pa_sender000000', description: { type: 'offer', sdp } },
});

const candidate: RelayedSignal = {
  event: 'ice_candidate',
  payload: {
    roomId: 'r',
    from: 'pa_sender000000',
    candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0' },
  },
};

const adapters: Array<{ name: string; make: () => GraceStore }> = [
  { name: 'InMemoryGraceStore', make: () => new InMemoryGraceStore() },
  {
    name: 'RedisGraceStore',
    make: () => new RedisGraceStore(connection(), `${PREFIX}${++n}:`, { sweepMs: 25 }),
  },
];

describe.each(adapters)('$name (the GraceStore contract)', ({ make }) => {
  let graces: GraceStore;
  let expired: string[];
  const hasExpired = (id: string) => () => expired.includes(id);

  beforeEach(() => {
    graces = make();
    expired = [];
    graces.watch((roomId, participantId) => expired.push(`${roomId}/${participantId}`));
  });
  afterEach(() => graces.close());

  it('runs the expiry once the period ends unresumed, and drops the queue', async () => {
    await graces.start('r', 'p', 150);
    await graces.enqueue('r', 'p', offer('a'));
    await waitUntil('the grace period of p to end', hasExpired('r/p'), { timeoutMs: 3000 });
    // A later period ending proves the store kept running without announcing p again.
    await graces.start('r', 'later', 100);
    await waitUntil('the grace period of later to end', hasExpired('r/later'));
    expect(expired).toEqual(['r/p', 'r/later']);
    expect(await graces.end('r', 'p')).toEqual([]);
  });

  it('a resume holds the period, then ends it without expiry and hands over the queue in order', async () => {
    await graces.start('r', 'p', 150);
    await graces.enqueue('r', 'p', offer('1'));
    await graces.enqueue('r', 'p', candidate);
    await graces.hold('r', 'p', 10_000);
    await graces.enqueue('r', 'p', offer('2'));
    await graces.start('r', 'control', 400);
    await waitUntil('the control period to end', hasExpired('r/control'));
    expect(expired).toEqual(['r/control']);
    expect(await graces.end('r', 'p')).toEqual([offer('1'), candidate, offer('2')]);
    expect(await graces.end('r', 'p')).toEqual([]);
  });

  it('a hold runs out like a period: a resume that died half-way still ends in an expiry', async () => {
    await graces.start('r', 'p', 10_000);
    await graces.hold('r', 'p', 150);
    await waitUntil('the held period to end', hasExpired('r/p'), { timeoutMs: 3000 });
  });

  it('a restart keeps the queue and moves the deadline; ensure keeps a running deadline', async () => {
    await graces.start('r', 'p', 150);
    await graces.enqueue('r', 'p', offer('kept'));
    await graces.start('r', 'p', 10_000);
    await graces.ensure('r', 'p', 10);
    await graces.ensure('r', 'fresh', 200);
    await waitUntil('the ensured period to end', hasExpired('r/fresh'), { timeoutMs: 3000 });
    expect(expired).toEqual(['r/fresh']);
    expect((await graces.end('r', 'p')).map(sdpOf)).toEqual(['kept']);
  });

  it('keeps at most 256 signals and about 1 MiB, the newest', async () => {
    await graces.start('r', 'p', 10_000);
    for (let i = 0; i < 300; i++) await graces.enqueue('r', 'p', offer(String(i)));
    const small = await graces.end('r', 'p');
    expect(small).toHaveLength(256);
    expect(sdpOf(small[0])).toBe('44');
    expect(sdpOf(small.at(-1))).toBe('299');

    await graces.start('r', 'p', 10_000);
    for (let i = 0; i < 40; i++) await graces.enqueue('r', 'p', offer(`${i}`.padEnd(60_000, 'x')));
    const big = await graces.end('r', 'p');
    expect(big.length).toBe(Math.floor((1024 * 1024) / 60_000));
    expect(sdpOf(big.at(-1)).startsWith('39')).toBe(true);
  });

  it('queues nothing for a participant that is not in a grace period', async () => {
    await graces.enqueue('r', 'p', offer('lost'));
    expect(await graces.end('r', 'p')).toEqual([]);
  });

  it('lets one resume at a time hold the claim, until it gives it back or it runs out', async () => {
    const first = await graces.claimResume('r', 'p', 10_000);
    expect(first).toEqual(expect.any(String));
    expect(await graces.claimResume('r', 'p', 10_000)).toBeNull();
    expect(await graces.claimResume('r', 'other', 10_000)).toEqual(expect.any(String));
    await graces.releaseResume('r', 'p', 'not-the-token');
    expect(await graces.claimResume('r', 'p', 10_000)).toBeNull();
    await graces.releaseResume('r', 'p', first!);
    const second = await graces.claimResume('r', 'p', 100);
    expect(second).toEqual(expect.any(String));
    await waitUntil(
      'the short claim to run out',
      async () => {
        const third = await graces.claimResume('r', 'p', 10_000);
        if (third) await graces.releaseResume('r', 'p', third);
        return third !== null;
      },
      { timeoutMs: 3000 },
    );
  });
});

describe('RedisGraceStore across nodes', () => {
  it('announces each expiry on exactly one of the nodes', async () => {
    const prefix = `${PREFIX}expiry:`;
    const heard: string[] = [];
    const nodes = [0, 1, 2].map((i) => {
      const store = new RedisGraceStore(connection(), prefix, { sweepMs: 20 });
      store.watch((roomId, participantId) => heard.push(`${i}:${roomId}/${participantId}`));
      return store;
    });
    try {
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => nodes[i % 3].start('r', `p${i}`, 100 + (i % 5) * 20)),
      );
      await waitUntil('every period to end', () => heard.length >= 30, { timeoutMs: 5000 });
      await nodes[0].start('r', 'last', 100);
      await waitUntil('a later period to end', () => heard.some((h) => h.endsWith('r/last')));
      const ids = heard.map((h) => h.slice(h.indexOf(':') + 1)).sort();
      expect(ids).toEqual([...Array.from({ length: 30 }, (_, i) => `r/p${i}`), 'r/last'].sort());
    } finally {
      for (const store of nodes) store.close();
    }
  });

  it('hands what was queued on one node to a resume on another', async () => {
    const prefix = `${PREFIX}handover:`;
    const a = new RedisGraceStore(connection(), prefix);
    const b = new RedisGraceStore(connection(), prefix);
    await a.start('r', 'p', 10_000);
    await b.enqueue('r', 'p', offer('from b'));
    await a.enqueue('r', 'p', offer('from a'));
    const claim = await b.claimResume('r', 'p', 10_000);
    expect(await a.claimResume('r', 'p', 10_000)).toBeNull();
    expect((await b.end('r', 'p')).map(sdpOf)).toEqual(['from b', 'from a']);
    await b.releaseResume('r', 'p', claim!);
  });
});
