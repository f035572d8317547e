import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedis } from '../test/cluster.js';
import type { CallState, ParticipantRecord } from './call-state.js';
import { InMemoryCallState } from './in-memory-call-state.js';
import { RedisCallState } from './redis-call-state.js';

const redis = testRedis('call-state.contract');
const PREFIX = redis.prefix;
const connection = redis.connection;
let n = 0;

afterAll(() => redis.close());

function record(roomId: string, id: string, nodeId = 'node-a'): ParticipantRecord {
  return {
    roomId,
    room: { id: roomId, name: `Room ${roomId}`, capacity: 4, topology: 'mesh' },
    resumeKey: `key-of-${id}-0123456789`,
    socketId: `socket-${id}`,
    nodeId,
    joinedAtMs: 1_700_000_000_000,
    sessionId: `cs_of_${id}`,
    info: {
      id,
      principalId: `user-${id}`,
      displayName: `Name “${id}” ✓`,
      avatarUrl: null,
      role: 'member',
      permissions: { canPublish: true, canSubscribe: true, canChat: false },
      joinedAt: new Date(1_700_000_000_000).toISOString(),
      connection: 'connected',
      tracks: [],
    },
  };
}

const camera = { source: 'camera', kind: 'video', streamId: 's-1', muted: false } as const;

const adapters: Array<{ name: string; make: () => CallState }> = [
  { name: 'InMemoryCallState', make: () => new InMemoryCallState() },
  {
    name: 'RedisCallState',
    make: () => new RedisCallState(connection(), `${PREFIX}${++n}:`),
  },
];

describe.each(adapters)('$name (the CallState contract)', ({ make }) => {
  let state: CallState;
  beforeAll(() => {
    state = make();
  });

  it('lets exactly the free seats win when many joins race', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => state.join(record('race', `pa_racer${i}`), 3)),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    expect(outcomes.filter((o) => !o.ok)).toEqual(
      Array.from({ length: 7 }, () => ({ ok: false, reason: 'full' })),
    );
    expect(await state.list('race')).toHaveLength(3);
    await state.removeRoom('race');
  });

  it('keeps one session id while anyone is in the call, and mints a new one after it emptied', async () => {
    const a = await state.join(record('session', 'pa_s1'), 4);
    const joins = await Promise.all(
      ['pa_s2', 'pa_s3'].map((id) => state.join(record('session', id), 4)),
    );
    expect(a).toMatchObject({ ok: true, sessionId: 'cs_of_pa_s1' });
    expect(joins.map((j) => (j.ok ? j.sessionId : null))).toEqual(['cs_of_pa_s1', 'cs_of_pa_s1']);
    expect((await state.get('session', 'pa_s3'))?.sessionId).toBe('cs_of_pa_s1');
    // The first one leaving does not end the session while others remain (or are in grace).
    await state.remove('session', 'pa_s1');
    const late = await state.join(record('session', 'pa_s4'), 4);
    expect(late).toMatchObject({ sessionId: 'cs_of_pa_s1' });
    for (const id of ['pa_s2', 'pa_s3', 'pa_s4']) await state.remove('session', id);
    expect(await state.join(record('session', 'pa_s5'), 4)).toMatchObject({
      sessionId: 'cs_of_pa_s5',
    });
    await state.removeRoom('session');
  });

  it('answers a join with the others, in join order, and stores the record as given', async () => {
    const first = record('order', 'pa_first');
    first.info.tracks = [camera];
    first.info.avatarUrl = 'https://example.test/a.png';
    expect(await state.join(first, 4)).toEqual({
      ok: true,
      others: [],
      sessionId: 'cs_of_pa_first',
    });
    await state.join(record('order', 'pa_second'), 4);
    const third = await state.join(record('order', 'pa_third'), 4);
    expect(third.ok && third.others.map((o) => o.info.id)).toEqual(['pa_first', 'pa_second']);
    expect(third.ok && third.others[0]).toEqual(first);
    expect((await state.list('order')).map((r) => r.info.id)).toEqual([
      'pa_first',
      'pa_second',
      'pa_third',
    ]);
    expect(await state.get('order', 'pa_first')).toEqual(first);
    expect(await state.get('order', 'pa_nobody')).toBeNull();
    expect(await state.get('no-such-room', 'pa_first')).toBeNull();
    await state.removeRoom('order');
  });

  it('counts a participant in its grace period against the capacity', async () => {
    await state.join(record('grace', 'pa_first'), 1);
    await state.update('grace', 'pa_first', { connection: 'reconnecting' });
    expect(await state.join(record('grace', 'pa_second'), 1)).toEqual({
      ok: false,
      reason: 'full',
    });
    await state.removeRoom('grace');
  });

  it('hands out copies: changing one never changes the state', async () => {
    await state.join(record('copy', 'pa_copy'), 4);
    const copy = (await state.get('copy', 'pa_copy'))!;
    copy.info.tracks.push(camera);
    copy.info.permissions.canPublish = false;
    const again = (await state.get('copy', 'pa_copy'))!;
    expect(again.info.tracks).toEqual([]);
    expect(again.info.permissions.canPublish).toBe(true);
    await state.removeRoom('copy');
  });

  it('applies a change and returns the participant as it is now; null once it is gone', async () => {
    await state.join(
      {
        ...record('update', 'pa_up'),
        granted: { canPublish: true, canSubscribe: true, canChat: false },
      },
      4,
    );
    expect((await state.get('update', 'pa_up'))?.granted).toEqual({
      canPublish: true,
      canSubscribe: true,
      canChat: false,
    });
    const updated = await state.update('update', 'pa_up', {
      tracks: [camera],
      role: 'moderator',
      permissions: { canPublish: false, canSubscribe: true, canChat: true },
      granted: { canPublish: false, canSubscribe: true, canChat: true },
      socketId: 'socket-new',
      connection: 'reconnecting',
    });
    expect(updated).toMatchObject({
      socketId: 'socket-new',
      granted: { canPublish: false, canSubscribe: true, canChat: true },
      info: {
        tracks: [camera],
        role: 'moderator',
        permissions: { canPublish: false, canSubscribe: true, canChat: true },
        connection: 'reconnecting',
        displayName: 'Name “pa_up” ✓',
      },
    });
    expect(await state.get('update', 'pa_up')).toEqual(updated);
    expect(await state.update('update', 'pa_up', { tracks: [] })).toMatchObject({
      info: { tracks: [] },
    });
    await state.remove('update', 'pa_up');
    expect(await state.update('update', 'pa_up', { tracks: [camera] })).toBeNull();
    expect(await state.get('update', 'pa_up')).toBeNull();
  });

  it('changes and removes only a participant that still meets the condition', async () => {
    await state.join(record('cond', 'pa_cond'), 4);
    expect(
      await state.update('cond', 'pa_cond', { connection: 'reconnecting' }, { socketId: 'other' }),
    ).toBeNull();
    expect((await state.get('cond', 'pa_cond'))!.info.connection).toBe('connected');
    expect(
      await state.update(
        'cond',
        'pa_cond',
        { connection: 'reconnecting' },
        { socketId: 'socket-pa_cond', connection: 'connected' },
      ),
    ).toMatchObject({ info: { connection: 'reconnecting' } });
    expect(await state.remove('cond', 'pa_cond', { connection: 'connected' })).toBeNull();
    expect(await state.get('cond', 'pa_cond')).not.toBeNull();
    expect(await state.remove('cond', 'pa_cond', { connection: 'reconnecting' })).toMatchObject({
      info: { id: 'pa_cond' },
    });
    expect(await state.get('cond', 'pa_cond')).toBeNull();
  });

  it('knows which participants live on which node, as they move', async () => {
    await state.join(record('nodes', 'pa_n1', 'node-1'), 4);
    await state.join(record('nodes', 'pa_n2', 'node-2'), 4);
    await state.join(record('nodes-b', 'pa_n3', 'node-1'), 4);
    const onNode = async (id: string) => (await state.listByNode(id)).map((r) => r.info.id).sort();
    expect(await onNode('node-1')).toEqual(['pa_n1', 'pa_n3']);
    await state.update('nodes', 'pa_n1', { nodeId: 'node-2', socketId: 'socket-moved' });
    expect(await onNode('node-1')).toEqual(['pa_n3']);
    expect(await onNode('node-2')).toEqual(['pa_n1', 'pa_n2']);
    await state.remove('nodes-b', 'pa_n3');
    await state.removeRoom('nodes');
    expect(await onNode('node-1')).toEqual([]);
    expect(await onNode('node-2')).toEqual([]);
  });

  it('removes a whole room and forgets rooms without participants in its counts', async () => {
    expect(await state.counts()).toEqual({ rooms: 0, participants: 0 });
    await state.join(record('gone', 'pa_a'), 4);
    await state.join(record('gone', 'pa_b'), 4);
    await state.join(record('stays', 'pa_c'), 4);
    expect(await state.counts()).toEqual({ rooms: 2, participants: 3 });
    expect((await state.removeRoom('gone')).map((r) => r.info.id).sort()).toEqual(['pa_a', 'pa_b']);
    expect(await state.list('gone')).toEqual([]);
    expect(await state.removeRoom('gone')).toEqual([]);
    expect((await state.remove('stays', 'pa_c'))?.info.id).toBe('pa_c');
    expect(await state.remove('stays', 'pa_c')).toBeNull();
    expect(await state.counts()).toEqual({ rooms: 0, participants: 0 });
  });
});

describe('RedisCallState across nodes', () => {
  it('of joins racing on several connections (nodes) for the last seats, exactly the free seats win', async () => {
    const prefix = `${PREFIX}nodes:`;
    const nodes = [connection(), connection(), connection()].map(
      (redis) => new RedisCallState(redis, prefix),
    );
    await nodes[0].join(record('shared', 'pa_seated1'), 4);
    await nodes[1].join(record('shared', 'pa_seated2'), 4);
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        nodes[i % 3].join(record('shared', `pa_racer${i}`, `node-${i % 3}`), 4),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(2);
    expect(await nodes[2].list('shared')).toHaveLength(4);
    expect(await nodes[1].counts()).toEqual({ rooms: 1, participants: 4 });
  });
});
