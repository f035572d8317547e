/**
 * The SFU on a deployment of two real server processes sharing MariaDB and Redis: a room's router
 * lives on the node of its first join; a participant connected through the other node does its
 * SFU signalling there, carried to the router's node through Redis, and its transports point at
 * the router node's own address; a host's mute on the other node pauses the producer on the
 * router's node; when the router's node dies, the room is re-created on the survivor and its
 * clients are told to set up again, as they are when it shuts down and hands its rooms over; an
 * `auto` call returns to mesh even when the node that planned the return dies first. Runs the
 * built server with a real mediasoup worker per node.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  CreatedApiKey,
  HealthResponse,
  JoinRoomResult,
  RoomDetails,
  SfuTransportInfo,
} from '@minimeet/protocol';
import { createJoinToken } from '@minimeet/host';
import { Redis } from 'ioredis';
import { RedisTopologyState } from '../calls/topology-state.js';
import { startCluster, type ClusterNode, type RunningCluster } from '../test/cluster.js';
import { api, createApiKey, registerUser, waitUntil } from '../test/harness.js';
import {
  closeSockets,
  connectSocket,
  emitRaw,
  waitForEvent,
  type ClientSocket,
} from '../test/sockets.js';
import { CAMERA, MICROPHONE, deviceCapabilities, must } from '../test/sfu.js';

// Each node's media listens on, and announces, its own loopback address.
const ADDRESS_1 = '127.0.0.2';
const ADDRESS_2 = '127.0.0.3';
const ADDRESS_3 = '127.0.0.4';
// A dead node is noticed within about 3 s (a heartbeat every second).
const PRESENCE_TIMEOUT_SECONDS = 3;

let guests = 0;

/** A guest of an `auto` room (created by its first join) in the call through `node`, noting each move it hears. */
async function autoGuest(key: CreatedApiKey, node: ClusterNode, roomId: string) {
  const token = await createJoinToken(key, {
    identity: `auto-${++guests}`,
    name: `Guest ${guests}`,
    grants: { room: roomId },
  });
  const socket = await connectSocket(node, token);
  const moves: string[] = [];
  socket.on('call_topology_changed', (e) => moves.push(e.topology));
  const joined = await must<JoinRoomResult>(socket, 'join_room', { roomId });
  return { socket, joined, moves };
}

describe('the SFU across server nodes (MariaDB + Redis, real processes, real workers)', () => {
  let cluster: RunningCluster;
  let node1: ClusterNode;
  let node2: ClusterNode;
  let ownerToken: string;
  let key: CreatedApiKey;
  let n = 0;

  beforeAll(async () => {
    cluster = await startCluster({
      label: 'sfu.cluster',
      nodes: 0,
      env: {
        SFU_ENABLED: 'true',
        SFU_WORKERS: '1',
        PRESENCE_TIMEOUT_SECONDS: String(PRESENCE_TIMEOUT_SECONDS),
        RECONNECT_GRACE_SECONDS: '3',
        AUTO_MESH_RETURN_SECONDS: '1',
      },
    });
    node1 = await cluster.addNode({ SFU_LISTEN_IP: ADDRESS_1, SFU_ANNOUNCED_ADDRESS: ADDRESS_1 });
    node2 = await cluster.addNode({ SFU_LISTEN_IP: ADDRESS_2, SFU_ANNOUNCED_ADDRESS: ADDRESS_2 });
    const owner = await registerUser(node1, { displayName: 'Host' });
    ownerToken = owner.accessToken;
    key = await createApiKey(node2, owner.accessToken);
  }, 120_000);
  afterEach(() => closeSockets());
  afterAll(async () => {
    await cluster?.close();
  }, 60_000);

  async function sfuRoom(via: ClusterNode = node1): Promise<string> {
    const res = await api<RoomDetails>(via, 'POST', '/api/rooms', {
      token: ownerToken,
      json: { name: 'Across nodes', topology: 'sfu', capacity: 10 },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  /** A guest on `node`, in the call, with capabilities and both transports (made through `node`). */
  async function peer(node: ClusterNode, roomId: string) {
    const token = await createJoinToken(key, {
      identity: `g${++n}`,
      name: `Guest ${n}`,
      grants: { room: roomId },
    });
    const socket = await connectSocket(node, token);
    const joined = await must<JoinRoomResult>(socket, 'join_room', { roomId });
    const transports = await setUp(socket, roomId, joined.routerRtpCapabilities!);
    return { socket, id: joined.participant.id, ...transports };
  }

  async function setUp(
    socket: ClientSocket,
    roomId: string,
    router: NonNullable<JoinRoomResult['routerRtpCapabilities']>,
  ) {
    await must(socket, 'sfu_set_capabilities', {
      roomId,
      rtpCapabilities: deviceCapabilities(router),
    });
    const send = await must<SfuTransportInfo>(socket, 'sfu_create_transport', {
      roomId,
      direction: 'send',
    });
    const recv = await must<SfuTransportInfo>(socket, 'sfu_create_transport', {
      roomId,
      direction: 'recv',
    });
    return { send, recv };
  }

  async function sfuRooms(node: ClusterNode): Promise<number> {
    const res = await api<HealthResponse>(node, 'GET', '/api/health');
    return res.body.sfu.rooms;
  }

  const addresses = (t: SfuTransportInfo) => [...new Set(t.iceCandidates.map((c) => c.ip))];

  it('serves a participant of the other node from the router node: transports, producers, consumers, mutes', async () => {
    const roomId = await sfuRoom();
    // The first join is on node 1: the room's router lives there.
    const a = await peer(node1, roomId);
    const b = await peer(node2, roomId);
    expect(addresses(a.send)).toEqual([ADDRESS_1]);
    // B signals through node 2, yet its media goes straight to node 1's address.
    expect(addresses(b.send)).toEqual([ADDRESS_1]);
    expect(addresses(b.recv)).toEqual([ADDRESS_1]);
    expect(await sfuRooms(node1)).toBe(1);
    expect(await sfuRooms(node2)).toBe(0);

    // B (node 2) publishes; A (node 1) gets a consumer of it.
    const aGetsIt = waitForEvent(a.socket, 'sfu_new_consumer', (e) => e.participantId === b.id);
    const { producerId: bMic } = await must<{ producerId: string }>(b.socket, 'sfu_produce', {
      roomId,
      transportId: b.send.transportId,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: MICROPHONE,
    });
    expect(await aGetsIt).toMatchObject({ producerId: bMic, source: 'microphone' });

    // A (node 1) publishes; B (node 2) gets a consumer, the event carried across the nodes.
    const bGetsIt = waitForEvent(b.socket, 'sfu_new_consumer', (e) => e.participantId === a.id);
    const { producerId: aCam } = await must<{ producerId: string }>(a.socket, 'sfu_produce', {
      roomId,
      transportId: a.send.transportId,
      kind: 'video',
      source: 'camera',
      rtpParameters: CAMERA,
    });
    const consumer = await bGetsIt;
    expect(consumer).toMatchObject({ producerId: aCam, kind: 'video', source: 'camera' });
    // B resumes it through node 2; dynacast tells A (node 1) what B watches.
    const wanted = waitForEvent(
      a.socket,
      'sfu_producer_layers_wanted',
      (e) => e.producerId === aCam && e.maxSpatialLayer === 0,
    );
    await must(b.socket, 'sfu_resume_consumer', { roomId, consumerId: consumer.consumerId });
    await must(b.socket, 'sfu_set_preferred_layers', {
      roomId,
      consumerId: consumer.consumerId,
      spatialLayer: 0,
    });
    await wanted;

    // A host on node 2 mutes B: the router on node 1 pauses B's producer; A hears it.
    const host = await connectSocket(node2, ownerToken);
    await must(host, 'join_room', { roomId });
    const paused = waitForEvent(a.socket, 'sfu_consumer_paused');
    await must(host, 'moderation_mute', { roomId, participantId: b.id, sources: ['microphone'] });
    await paused;

    // Everyone leaves: the router on node 1 closes and the room has no router node any more.
    for (const s of [a.socket, b.socket, host]) await must(s, 'leave_room', { roomId });
    await waitUntil('the router on node 1 closed', async () => (await sfuRooms(node1)) === 0);
  });

  it('moves an auto call to the SFU when its fifth joins through the other node, once, for everyone, and back', async () => {
    const roomId = `auto-across-${Date.now()}`;
    const guest = (node: ClusterNode) => autoGuest(key, node, roomId);
    const four = [await guest(node1), await guest(node2), await guest(node1), await guest(node2)];
    expect(four.map((g) => g.joined.room.topology)).toEqual(['mesh', 'mesh', 'mesh', 'mesh']);

    const fifth = await guest(node2);
    expect(fifth.joined.room.topology).toBe('sfu');
    expect(fifth.joined.routerRtpCapabilities).toBeDefined();
    await waitUntil('all four heard the move', () => four.every((g) => g.moves.includes('sfu')));
    // A participant of the node that did not see the join takes part on the SFU at once.
    const first = four[0];
    const { send } = await setUp(first.socket, roomId, fifth.joined.routerRtpCapabilities!);
    expect(addresses(send).length).toBe(1);

    // Back to four: after AUTO_MESH_RETURN_SECONDS, everyone hears mesh, each move exactly once.
    await must(fifth.socket, 'leave_room', { roomId });
    await waitUntil('all four heard the return', () => four.every((g) => g.moves.includes('mesh')));
    for (const g of four) expect(g.moves).toEqual(['sfu', 'mesh']);
    const refused = await emitRaw(first.socket, 'sfu_create_transport', [
      { roomId, direction: 'recv' },
    ]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    for (const g of four) await must(g.socket, 'leave_room', { roomId });
  });

  it('re-creates the room on the survivor when the router node dies, and tells its clients', async () => {
    const roomId = await sfuRoom();
    await peer(node1, roomId);
    const b = await peer(node2, roomId);
    expect(addresses(b.send)).toEqual([ADDRESS_1]);
    const reset = waitForEvent(
      b.socket,
      'sfu_transports_reset',
      (e) => e.roomId === roomId,
      (PRESENCE_TIMEOUT_SECONDS + 10) * 1000,
    );
    await node1.kill();
    const event = await reset;
    // B sets up again through node 2, whose router now holds the room.
    const again = await setUp(b.socket, roomId, event.routerRtpCapabilities);
    expect(addresses(again.send)).toEqual([ADDRESS_2]);
    expect(addresses(again.recv)).toEqual([ADDRESS_2]);
    expect(await sfuRooms(node2)).toBe(1);
  }, 60_000);

  it('hands the rooms of a node that shuts down over to another, which tells their clients', async () => {
    // Node 1 is gone (the test above); node 2 holds the router, node 3 takes it over.
    const node3 = await cluster.addNode({
      SFU_LISTEN_IP: ADDRESS_3,
      SFU_ANNOUNCED_ADDRESS: ADDRESS_3,
    });
    const roomId = await sfuRoom(node2);
    await peer(node2, roomId);
    const c = await peer(node3, roomId);
    expect(addresses(c.send)).toEqual([ADDRESS_2]);
    const reset = waitForEvent(
      c.socket,
      'sfu_transports_reset',
      (e) => e.roomId === roomId,
      15_000,
    );
    await node2.stop();
    const event = await reset;
    const again = await setUp(c.socket, roomId, event.routerRtpCapabilities);
    expect(addresses(again.send)).toEqual([ADDRESS_3]);
  }, 60_000);
});

describe('an auto call whose planned return to mesh outlives the node that planned it', () => {
  // Long enough to kill the planning node before its own timer fires; the survivor sweeps every
  // max(1 s, half of it).
  const MESH_RETURN_SECONDS = 2;
  let cluster: RunningCluster;
  let survivor: ClusterNode;
  let planner: ClusterNode;
  let key: CreatedApiKey;
  let redis: Redis;

  beforeAll(async () => {
    cluster = await startCluster({
      label: 'sfu.cluster.return',
      nodes: 0,
      env: {
        SFU_ENABLED: 'true',
        SFU_WORKERS: '1',
        AUTO_MESH_RETURN_SECONDS: String(MESH_RETURN_SECONDS),
      },
    });
    [survivor, planner] = await Promise.all([
      cluster.addNode({ SFU_LISTEN_IP: ADDRESS_1, SFU_ANNOUNCED_ADDRESS: ADDRESS_1 }),
      cluster.addNode({ SFU_LISTEN_IP: ADDRESS_2, SFU_ANNOUNCED_ADDRESS: ADDRESS_2 }),
    ]);
    const owner = await registerUser(survivor, { displayName: 'Host' });
    key = await createApiKey(survivor, owner.accessToken);
    redis = new Redis(cluster.redis.url);
  }, 120_000);
  afterEach(() => closeSockets());
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.close();
  }, 60_000);

  it('returns to mesh through the survivor, announced once, when the planning node is killed first', async () => {
    const roomId = `auto-orphan-${Date.now()}`;
    const topology = new RedisTopologyState(redis, cluster.redis.keyPrefix);
    const guest = (node: ClusterNode) => autoGuest(key, node, roomId);
    // Four on the survivor hear the moves; one on the planner takes the call back to the threshold.
    const stay = [await guest(survivor), await guest(survivor), await guest(survivor)];
    const leaver = await guest(planner);
    const fifth = await guest(survivor);
    expect(fifth.joined.room.topology).toBe('sfu');
    stay.push(fifth);
    await waitUntil('the others heard the move', () =>
      stay.slice(0, 3).every((g) => g.moves.includes('sfu')),
    );

    await must(leaver.socket, 'leave_room', { roomId });
    // The planner recorded its plan (this sorted set is what every node sweeps).
    const plans = `${cluster.redis.keyPrefix}call:topology-returns`;
    await waitUntil(
      'the return is planned',
      async () => (await redis.zscore(plans, roomId)) !== null,
    );
    await planner.kill();
    // Still on the SFU: whatever returns it to mesh now is the survivor.
    expect(await topology.get(roomId)).toMatchObject({ topology: 'sfu' });

    await waitUntil(
      'the survivor returned the call to mesh',
      () => stay.every((g) => g.moves.includes('mesh')),
      {
        timeoutMs: (MESH_RETURN_SECONDS + 5) * 1000,
      },
    );
    expect(stay.map((g) => g.moves)).toEqual([
      ['sfu', 'mesh'],
      ['sfu', 'mesh'],
      ['sfu', 'mesh'],
      ['mesh'],
    ]);
    expect(await topology.get(roomId)).toMatchObject({ topology: 'mesh' });
    expect(await redis.zscore(plans, roomId)).toBeNull();
  }, 60_000);
});
