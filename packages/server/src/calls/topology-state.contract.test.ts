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
