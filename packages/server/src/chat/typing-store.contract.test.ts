import type { ChatSender } from '@minimeet/protocol';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis } from '../test/cluster.js';
import { waitUntil } from '../test/harness.js';
import { InMemoryTypingStore } from './in-memory-typing-store.js';
import { RedisTypingStore } from './redis-typing-store.js';
import type { TypingChange, TypingStore, TypingTiming } from './typing-store.js';

// Short windows keep the suite quick; the rules are the same at 2 s and 6 s.
const timing: TypingTiming = { throttleMs: 300, timeoutMs: 600 };
const SLACK_MS = 400;

const redis = testRedis('typing-store.contract');
const PREFIX = redis.prefix;
const connection = redis.connection;
let n = 0;

afterAll(() => redis.close());

const ada: ChatSender = { id: 'usr_ada', displayName: 'Ada', avatarUrl: null };
const bob: ChatSender = { id: 'usr_bob', displayName: 'Bob', avatarUrl: 'https://x.test/b.png' };
// A guest's principal id has colons in it, and so may a room id.
const guest: ChatSender = { id: 'guest:usr_host:p:1', displayName: 'Guest', avatarUrl: null };

/** What a store announced, as `<room> <principal> <on|off> <except socket>`. */
function recorder(store: TypingStore): string[] {
  const heard: string[] = [];
  store.watch((c: TypingChange) =>
    heard.push(`${c.roomId} ${c.sender.id} ${c.typing ? 'on' : 'off'} ${c.exceptSocketId}`),
  );
  return heard;
}

const adapters: Array<{ name: string; make: () => TypingStore }> = [
  { name: 'InMemoryTypingStore', make: () => new InMemoryTypingStore(timing) },
  {
    name: 'RedisTypingStore',
    make: () =>
      new RedisTypingStore(connection(), `${PREFIX}${++n}:`, { ...timing, slackMs: SLACK_MS }),
  },
];

describe.each(adapters)('$name (the TypingStore contract)', ({ make }) => {
  let store: TypingStore;
  let heard: string[];

  beforeEach(() => {
    store = make();
    heard = recorder(store);
  });
  afterEach(() => store.close());

  it('announces a true once per throttle window, a false once, and a false when not typing not at all', async () => {
    await store.start('r', ada, 's1');
    await store.start('r', ada, 's1');
    await store.start('r', ada, 's1');
    expect(await store.isTyping('r', ada.id)).toBe(true);
    expect(heard).toEqual(['r usr_ada on s1']);
    await store.stop('r', ada.id);
    await store.stop('r', ada.id);
    expect(heard).toEqual(['r usr_ada on s1', 'r usr_ada off s1']);
    expect(await store.isTyping('r', ada.id)).toBe(false);
    // After a stop, a true is news at once.
    await store.start('r', ada, 's1');
    expect(heard.at(-1)).toBe('r usr_ada on s1');
    await store.stop('r', ada.id);
  });

  it('announces a refreshed true again once the throttle window has passed', async () => {
    await store.start('r', ada, 's1');
    const since = Date.now();
    await waitUntil(
      'a refresh to be announced again',
      async () => {
        await store.start('r', ada, 's1');
        return heard.length === 2;
      },
      { timeoutMs: 3000, intervalMs: 50 },
    );
    expect(Date.now() - since).toBeGreaterThanOrEqual(timing.throttleMs - 50);
    expect(heard).toEqual(['r usr_ada on s1', 'r usr_ada on s1']);
    await store.stop('r', ada.id);
  });

  it('keeps each room and principal apart, and keeps the sender as it was last said', async () => {
    await store.start('room:a', guest, 's1');
    await store.start('room:a', bob, 's2');
    await store.start('room', guest, 's1');
    const renamed = { ...bob, displayName: 'Robert' };
    await store.start('room:a', renamed, 's3');
    expect(heard).toEqual([
      `room:a ${guest.id} on s1`,
      'room:a usr_bob on s2',
      `room ${guest.id} on s1`,
    ]);
    const stopped: ChatSender[] = [];
    store.watch((c) => stopped.push(c.sender));
    await store.stop('room:a', bob.id);
    expect(stopped).toEqual([renamed]);
    expect(await store.isTyping('room:a', guest.id)).toBe(true);
    expect(await store.isTyping('room', bob.id)).toBe(false);
  });

  it('a true that is not refreshed ends by itself after the timeout, once; a refreshed one does not', async () => {
    const since = Date.now();
    await store.start('r', ada, 's1');
    await store.start('r', bob, 's2');
    // Bob keeps typing past Ada's timeout.
    await waitUntil(
      'Ada to stop by herself',
      async () => {
        await store.start('r', bob, 's2');
        return heard.includes('r usr_ada off s1');
      },
      { timeoutMs: 3000, intervalMs: 100 },
    );
    expect(Date.now() - since).toBeGreaterThanOrEqual(timing.timeoutMs - 50);
    expect(await store.isTyping('r', ada.id)).toBe(false);
    expect(await store.isTyping('r', bob.id)).toBe(true);
    expect(heard.filter((h) => h.includes('off'))).toEqual(['r usr_ada off s1']);
    await waitUntil('Bob to stop by himself', () => heard.includes('r usr_bob off s2'), {
      timeoutMs: 3000,
    });
    expect(heard.filter((h) => h.includes('off'))).toEqual([
      'r usr_ada off s1',
      'r usr_bob off s2',
    ]);
  });

  it('a closed socket ends the typing whose latest true came through it, and only that', async () => {
    await store.start('r1', ada, 's1');
    await store.start('r2', ada, 's1');
    await store.start('r3', ada, 's1');
    await store.start('r3', ada, 's2');
    await store.start('r1', bob, 's3');
    await store.socketGone('s1');
    expect(heard.filter((h) => h.includes('off')).sort()).toEqual([
      'r1 usr_ada off s1',
      'r2 usr_ada off s1',
    ]);
    expect(await store.isTyping('r3', ada.id)).toBe(true);
    expect(await store.isTyping('r1', bob.id)).toBe(true);
    await store.socketGone('s1');
    expect(heard.filter((h) => h.includes('off'))).toHaveLength(2);
  });

  it('forgets the typists of a deleted room without a word', async () => {
    await store.start('gone', ada, 's1');
    await store.start('gone', bob, 's2');
    await store.start('kept', ada, 's1');
    await store.forgetRoom('gone');
    expect(await store.isTyping('gone', ada.id)).toBe(false);
    expect(await store.isTyping('gone', bob.id)).toBe(false);
    expect(await store.isTyping('kept', ada.id)).toBe(true);
    // Ada's typing in the kept room running out proves the forgotten ones said nothing meanwhile.
    await waitUntil(
      'the kept room typist to time out',
      () => heard.includes('kept usr_ada off s1'),
      {
        timeoutMs: 3000,
      },
    );
    expect(heard.filter((h) => h.includes('off'))).toEqual(['kept usr_ada off s1']);
  });

  it('announces nothing once closed', async () => {
    await store.start('r', ada, 's1');
    store.close();
    const control = make();
    const controlHeard = recorder(control);
    try {
      await control.start('control', bob, 's9');
      await waitUntil('the control typist to time out', () => controlHeard.length === 2, {
        timeoutMs: 3000,
      });
      expect(heard).toEqual(['r usr_ada on s1']);
    } finally {
      control.close();
    }
  });
});

describe('RedisTypingStore across nodes', () => {
  let stores: RedisTypingStore[] = [];

  /** Two nodes sharing one prefix, each with its own connection, like two server processes. */
  function nodes(label: string): [RedisTypingStore, RedisTypingStore] {
    const prefix = `${PREFIX}${label}:`;
    const make = () => new RedisTypingStore(connection(), prefix, { ...timing, slackMs: SLACK_MS });
    stores = [make(), make()];
    return stores as [RedisTypingStore, RedisTypingStore];
  }

  afterEach(() => {
    for (const store of stores) store.close();
  });

  it('throttles a true across nodes: the second node does not announce it again', async () => {
    const [a, b] = nodes('throttle');
    const heardA = recorder(a);
    const heardB = recorder(b);
    await a.start('r', ada, 'sa');
    await b.start('r', ada, 'sb');
    expect(heardA).toEqual(['r usr_ada on sa']);
    expect(heardB).toEqual([]);
    expect(await b.isTyping('r', ada.id)).toBe(true);
  });

  it('a false on one node ends a true said on another, once, and the first node stays quiet', async () => {
    const [a, b] = nodes('stop-elsewhere');
    const heardA = recorder(a);
    const heardB = recorder(b);
    await a.start('r', ada, 'sa');
    await b.stop('r', ada.id);
    expect(heardB).toEqual(['r usr_ada off sa']);
    // A later typist on node A timing out proves A's own timer for Ada passed without a word.
    await a.start('r', bob, 'sa2');
    await waitUntil('Bob to stop by himself', () => heardA.includes('r usr_bob off sa2'), {
      timeoutMs: 3000,
    });
    expect(heardA.filter((h) => h.includes('off'))).toEqual(['r usr_bob off sa2']);
  });

  it('a true on another node hands the timeout over: one false, from the node that saw the latest true', async () => {
    const [a, b] = nodes('handover');
    const heardA = recorder(a);
    const heardB = recorder(b);
    await a.start('r', ada, 'sa');
    // Ada moves on to node B and keeps typing past A's timer.
    const since = Date.now();
    await waitUntil(
      "node A's timer to have run",
      async () => {
        await b.start('r', ada, 'sb');
        return Date.now() - since > timing.timeoutMs + 100;
      },
      { timeoutMs: 3000, intervalMs: 100 },
    );
    expect(await a.isTyping('r', ada.id)).toBe(true);
    await waitUntil('Ada to stop on node B', () => heardB.some((h) => h.includes('off')), {
      timeoutMs: 3000,
    });
    expect(heardB.filter((h) => h.includes('off'))).toEqual(['r usr_ada off sb']);
    expect(heardA.filter((h) => h.includes('off'))).toEqual([]);
    // Node A's closed socket no longer speaks for Ada, whose latest true came through node B.
    await b.start('r', ada, 'sb');
    await a.socketGone('sa');
    expect(await b.isTyping('r', ada.id)).toBe(true);
    await b.socketGone('sb');
    expect(await a.isTyping('r', ada.id)).toBe(false);
  });

  it('a node that dies leaves no typist for good: it runs out, and a new true is news', async () => {
    const [a, b] = nodes('dead-node');
    recorder(a);
    const heardB = recorder(b);
    await a.start('r', ada, 'sa');
    a.close();
    expect(await b.isTyping('r', ada.id)).toBe(true);
    await waitUntil(
      'the typist of the dead node to run out',
      async () => !(await b.isTyping('r', ada.id)),
      {
        timeoutMs: timing.timeoutMs + SLACK_MS + 2000,
      },
    );
    await b.start('r', ada, 'sb');
    expect(heardB).toEqual(['r usr_ada on sb']);
  });

  it('forgets a deleted room for every node', async () => {
    const [a, b] = nodes('forget');
    await a.start('gone', ada, 'sa');
    await b.start('gone', bob, 'sb');
    await b.forgetRoom('gone');
    expect(await a.isTyping('gone', ada.id)).toBe(false);
    expect(await a.isTyping('gone', bob.id)).toBe(false);
  });
});
