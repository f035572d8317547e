import { afterAll, describe, expect, it } from 'vitest';
import { testRedis } from '../test/cluster.js';
import { InMemoryTopologyState, RedisTopologyState, type TopologyState } from './topology-state.js';

const redis = testRedis('topology-state.contract');
const PREFIX = redis.prefix;
const connection = redis.connection;

afterAll(() => redis.close());

const adapters: Array<[string, () => [TopologyState, TopologyState]]> = [
  [
    'in-memory',
    () => {
      const one = new InMemoryTopologyState();
      return [one, one];
    },
  ],
  [
    'redis (two nodes)',
    () => [
      new RedisTopologyState(connection(), PREFIX),
      new RedisTopologyState(connection(), PREFIX),
    ],
  ],
];

describe.each(adapters)('TopologyState: %s', (_name, make) => {
  it('starts unknown, counts joins, and moves to the SFU exactly once among racing joins', async () => {
    const [a, b] = make();
    const room = `race-${Date.now()}`;
    expect(await a.get(room)).toBeNull();
    expect(await a.joined(room, false)).toEqual({ topology: 'mesh', epoch: 1, switched: false });
    const racing = await Promise.all([
      a.joined(room, true),
      b.joined(room, true),
      a.joined(room, true),
      b.joined(room, true),
    ]);
    expect(racing.filter((r) => r.switched)).toHaveLength(1);
    expect(racing.map((r) => r.topology)).toEqual(['sfu', 'sfu', 'sfu', 'sfu']);
    expect(new Set(racing.map((r) => r.epoch)).size).toBe(4);
    // A join that does not ask for the SFU leaves a call there.
    expect(await b.joined(room, false)).toMatchObject({ topology: 'sfu', switched: false });
    expect(await a.get(room)).toEqual({ topology: 'sfu', epoch: 6 });
  });

  it('returns to mesh only if nobody joined since, and only once', async () => {
    const [a, b] = make();
    const room = `return-${Date.now()}`;
    await a.joined(room, true);
    const planned = (await a.get(room))!.epoch;
    await b.joined(room, true);
    expect(await a.returnToMesh(room, planned)).toBe(false);
    const again = (await b.get(room))!.epoch;
    const both = await Promise.all([a.returnToMesh(room, again), b.returnToMesh(room, again)]);
    expect(both.filter(Boolean)).toHaveLength(1);
    expect((await a.get(room))?.topology).toBe('mesh');
    await b.forget(room);
    expect(await a.get(room)).toBeNull();
  });
});

describe.each(adapters)('TopologyState planned returns: %s', (_name, make) => {
  const dueFor = async (store: TopologyState, room: string) =>
    (await store.dueReturns(1000)).filter((r) => r.roomId === room);

  it('finds a planned return from any node once it is due, and not before', async () => {
    const [a, b] = make();
    const later = `later-${Date.now()}`;
    const { epoch: laterEpoch } = await a.joined(later, true);
    await a.planReturn(later, laterEpoch, 60_000);
    // Planned again since the last join (another node saw a leave): the earlier time stays.
    await b.planReturn(later, laterEpoch, 0);
    expect(await dueFor(b, later)).toEqual([]);

    const now = `now-${Date.now()}`;
    const { epoch } = await a.joined(now, true);
    await a.planReturn(now, epoch, 0);
    expect(await dueFor(b, now)).toEqual([{ roomId: now, epoch }]);
    expect(await dueFor(a, now)).toEqual([{ roomId: now, epoch }]);
    expect(await b.returnToMesh(now, epoch)).toBe(true);
    expect(await dueFor(a, now)).toEqual([]);
    await a.forget(now);
    await a.forget(later);
  });

  it('plans nothing for a call on mesh or for an epoch a join has passed', async () => {
    const [a, b] = make();
    const mesh = `mesh-${Date.now()}`;
    const { epoch: meshEpoch } = await a.joined(mesh, false);
    await a.planReturn(mesh, meshEpoch, 0);
    expect(await dueFor(b, mesh)).toEqual([]);

    const stale = `stale-${Date.now()}`;
    const { epoch } = await a.joined(stale, true);
    await b.joined(stale, true);
    await a.planReturn(stale, epoch, 0);
    expect(await dueFor(b, stale)).toEqual([]);
    await a.forget(mesh);
    await a.forget(stale);
  });

  it('drops a planned return when anyone joins, and when the call is forgotten', async () => {
    const [a, b] = make();
    const room = `void-${Date.now()}`;
    const { epoch } = await a.joined(room, true);
    await a.planReturn(room, epoch, 0);
    expect(await dueFor(b, room)).toHaveLength(1);
    const { epoch: next } = await b.joined(room, false);
    expect(await dueFor(a, room)).toEqual([]);
    expect(await a.returnToMesh(room, epoch)).toBe(false);
    expect((await a.get(room))?.topology).toBe('sfu');

    // Planned anew after that join, then the call empties.
    await b.planReturn(room, next, 0);
    expect(await dueFor(a, room)).toEqual([{ roomId: room, epoch: next }]);
    await a.forget(room);
    expect(await dueFor(b, room)).toEqual([]);
    expect(await a.get(room)).toBeNull();
  });

  it('lets exactly one of two nodes that found the same due return perform it', async () => {
    const [a, b] = make();
    const room = `due-race-${Date.now()}`;
    const { epoch } = await a.joined(room, true);
    await Promise.all([a.planReturn(room, epoch, 0), b.planReturn(room, epoch, 0)]);
    const [foundByA, foundByB] = await Promise.all([dueFor(a, room), dueFor(b, room)]);
    expect(foundByA).toEqual([{ roomId: room, epoch }]);
    expect(foundByB).toEqual([{ roomId: room, epoch }]);
    const performed = await Promise.all([a.returnToMesh(room, epoch), b.returnToMesh(room, epoch)]);
    expect(performed.filter(Boolean)).toHaveLength(1);
    expect(await a.get(room)).toEqual({ topology: 'mesh', epoch });
    expect(await dueFor(b, room)).toEqual([]);
    await a.forget(room);
  });

  it('hands out at most `limit` due returns at a time', async () => {
    const [a, b] = make();
    const rooms = [`first-${Date.now()}`, `second-${Date.now()}`];
    for (const room of rooms) {
      const { epoch } = await a.joined(room, true);
      await a.planReturn(room, epoch, 0);
    }
    const due = await b.dueReturns(1);
    expect(due).toHaveLength(1);
    expect(rooms).toContain(due[0].roomId);
    for (const room of rooms) await a.forget(room);
  });
});
