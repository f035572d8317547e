import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JoinRoomResult, RoomDetails, SfuTransportInfo } from '@minimeet/protocol';
import { createJoinToken } from '@minimeet/host';
import type { RunningServer } from '../main.js';
import { api, createApiKey, registerUser, startTestServer, waitUntil } from '../test/harness.js';
import { closeSockets, connectSocket, emitRaw, waitForEvent } from '../test/sockets.js';
import { CAMERA, DTLS, MICROPHONE, ask, deviceCapabilities, must } from '../test/sfu.js';
import { MEDIA_SERVER, type MediaServer } from './media-server.js';

// The SFU tests run against a real mediasoup worker (built by scripts/mediasoup-worker.mjs).

describe('the SFU over the socket, with a real mediasoup worker', () => {
  let server: RunningServer;
  let media: MediaServer;
  let token: (room: string, grants?: Record<string, unknown>) => Promise<string>;
  let ownerToken: string;
  let n = 0;

  beforeAll(async () => {
    server = await startTestServer({ SFU_WORKERS: '1', AUTO_MESH_RETURN_SECONDS: '0.2' });
    media = server.app.get<MediaServer>(MEDIA_SERVER);
    const owner = await registerUser(server);
    ownerToken = owner.accessToken;
    const key = await createApiKey(server, owner.accessToken);
    token = (room, grants = {}) =>
      createJoinToken(key, {
        identity: `g${++n}`,
        name: `Guest ${n}`,
        grants: { room, ...grants },
      });
  });
  afterEach(() => closeSockets());
  afterAll(() => server.close());

  async function sfuRoom(capacity = 10): Promise<string> {
    const res = await api<RoomDetails>(server, 'POST', '/api/rooms', {
      token: ownerToken,
      json: { name: 'Big call', topology: 'sfu', capacity },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function joiner(roomId: string, grants: Record<string, unknown> = {}) {
    const socket = await connectSocket(server, await token(roomId, grants));
    const joined = await must<JoinRoomResult>(socket, 'join_room', { roomId });
    return { socket, joined, id: joined.participant.id };
  }

  /** A joined participant with capabilities set and a send and a receive transport. */
  async function sfuPeer(roomId: string) {
    const peer = await joiner(roomId);
    await must(peer.socket, 'sfu_set_capabilities', {
      roomId,
      rtpCapabilities: deviceCapabilities(peer.joined.routerRtpCapabilities!),
    });
    const send = await must<SfuTransportInfo>(peer.socket, 'sfu_create_transport', {
      roomId,
      direction: 'send',
    });
    const recv = await must<SfuTransportInfo>(peer.socket, 'sfu_create_transport', {
      roomId,
      direction: 'recv',
    });
    return { ...peer, send, recv };
  }

  it('reports the SFU in /api/health', async () => {
    const res = await api<{ sfu: { status: string } }>(server, 'GET', '/api/health');
    expect(res.body.sfu.status).toBe('available');
  });

  it('answers an sfu room join with the router capabilities and creates and connects transports', async () => {
    const roomId = await sfuRoom();
    const a = await joiner(roomId);
    expect(a.joined.room.topology).toBe('sfu');
    expect(a.joined.routerRtpCapabilities?.codecs?.some((c) => c.mimeType === 'video/VP8')).toBe(
      true,
    );
    const send = await must<SfuTransportInfo>(a.socket, 'sfu_create_transport', {
      roomId,
      direction: 'send',
    });
    expect(send.iceParameters.usernameFragment).toBeTruthy();
    expect(send.iceCandidates[0]).toMatchObject({ address: '127.0.0.1', ip: '127.0.0.1' });
    expect(send.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    await must(a.socket, 'sfu_connect_transport', {
      roomId,
      transportId: send.transportId,
      dtlsParameters: DTLS,
    });
    const restarted = await must<{ iceParameters: { password: string } }>(
      a.socket,
      'sfu_restart_ice',
      { roomId, transportId: send.transportId },
    );
    expect(restarted.iceParameters.password).not.toBe(send.iceParameters.password);
  });

  it('gives every other participant a paused consumer of a new producer, and dynacast follows them', async () => {
    const roomId = await sfuRoom();
    const a = await sfuPeer(roomId);
    const b = await sfuPeer(roomId);
    const consumerOfB = waitForEvent(b.socket, 'sfu_new_consumer', (e) => e.participantId === a.id);
    const { producerId } = await must<{ producerId: string }>(a.socket, 'sfu_produce', {
      roomId,
      transportId: a.send.transportId,
      kind: 'video',
      source: 'camera',
      rtpParameters: CAMERA,
    });
    const consumer = await consumerOfB;
    expect(consumer).toMatchObject({ roomId, producerId, kind: 'video', source: 'camera' });
    // Resumed and asked for the lowest layer: the publisher hears that layer 0 is the top wanted.
    const wanted = waitForEvent(
      a.socket,
      'sfu_producer_layers_wanted',
      (e) => e.producerId === producerId && e.maxSpatialLayer === 0,
    );
    await must(b.socket, 'sfu_resume_consumer', { roomId, consumerId: consumer.consumerId });
    await must(b.socket, 'sfu_set_preferred_layers', {
      roomId,
      consumerId: consumer.consumerId,
      spatialLayer: 0,
    });
    await wanted;
    const nobody = waitForEvent(
      a.socket,
      'sfu_producer_layers_wanted',
      (e) => e.producerId === producerId && e.maxSpatialLayer === null,
    );
    await must(b.socket, 'sfu_pause_consumer', { roomId, consumerId: consumer.consumerId });
    await nobody;
    // The publisher closes it: the receiver hears its consumer closed.
    const closed = waitForEvent(
      b.socket,
      'sfu_consumer_closed',
      (e) => e.consumerId === consumer.consumerId,
    );
    await must(a.socket, 'sfu_close_producer', { roomId, producerId });
    await closed;
  });

  it('a new consumer asking for its layer before its resume does not switch the publisher off in between', async () => {
    const roomId = await sfuRoom();
    const a = await sfuPeer(roomId);
    const b = await sfuPeer(roomId);
    const heard: Array<number | null> = [];
    a.socket.on('sfu_producer_layers_wanted', (e: { maxSpatialLayer: number | null }) =>
      heard.push(e.maxSpatialLayer),
    );
    const consumerOfB = waitForEvent(b.socket, 'sfu_new_consumer', (e) => e.participantId === a.id);
    const { producerId } = await must<{ producerId: string }>(a.socket, 'sfu_produce', {
      roomId,
      transportId: a.send.transportId,
      kind: 'video',
      source: 'camera',
      rtpParameters: CAMERA,
    });
    const consumer = await consumerOfB;
    // The SDK's order: the layer that fits the tile, then the resume.
    const wanted = waitForEvent(
      a.socket,
      'sfu_producer_layers_wanted',
      (e) => e.producerId === producerId && e.maxSpatialLayer === 0,
    );
    await must(b.socket, 'sfu_set_preferred_layers', {
      roomId,
      consumerId: consumer.consumerId,
      spatialLayer: 0,
    });
    await must(b.socket, 'sfu_resume_consumer', { roomId, consumerId: consumer.consumerId });
    await wanted;
    expect(heard).toEqual([0]);
    // A key frame is asked for on one's own consumer only.
    await must(b.socket, 'sfu_request_key_frame', { roomId, consumerId: consumer.consumerId });
    expect(
      await ask(a.socket, 'sfu_request_key_frame', { roomId, consumerId: consumer.consumerId }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refuses to publish without canPublish and to receive without canSubscribe', async () => {
    const roomId = await sfuRoom();
    const viewer = await joiner(roomId, { canPublish: false });
    const send = await ask(viewer.socket, 'sfu_create_transport', { roomId, direction: 'send' });
    expect(send).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const publisher = await joiner(roomId, { canSubscribe: false });
    const recv = await ask(publisher.socket, 'sfu_create_transport', { roomId, direction: 'recv' });
    expect(recv).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses bad payloads, others’ ids and rooms the caller is not in', async () => {
    const roomId = await sfuRoom();
    const a = await sfuPeer(roomId);
    const b = await joiner(roomId);
    expect(
      await ask(a.socket, 'sfu_create_transport', { roomId, direction: 'sideways' }),
    ).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(
      await ask(a.socket, 'sfu_produce', {
        roomId,
        transportId: a.send.transportId,
        kind: 'audio',
        source: 'camera',
        rtpParameters: CAMERA,
      }),
    ).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    // B names A's transport: it is not B's, so it does not exist for B.
    expect(
      await ask(b.socket, 'sfu_connect_transport', {
        roomId,
        transportId: a.send.transportId,
        dtlsParameters: DTLS,
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(
      await ask(a.socket, 'sfu_create_transport', { roomId: 'elsewhere', direction: 'send' }),
    ).toMatchObject({ ok: false, error: { code: 'not_in_room' } });
    // Producing on the receive transport is refused.
    expect(
      await ask(a.socket, 'sfu_produce', {
        roomId,
        transportId: a.recv.transportId,
        kind: 'audio',
        source: 'microphone',
        rtpParameters: MICROPHONE,
      }),
    ).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('admits more than 4 to an sfu room', async () => {
    const roomId = await sfuRoom(6);
    const peers = [];
    for (let i = 0; i < 6; i++) peers.push(await joiner(roomId));
    expect(peers.at(-1)!.joined.participants).toHaveLength(5);
    const full = await connectSocket(server, await token(roomId));
    expect(await ask(full, 'join_room', { roomId })).toMatchObject({
      ok: false,
      error: { code: 'room_full' },
    });
  });

  it('closes a leaver’s transports, producers and consumers, and the router with the last one', async () => {
    const roomId = await sfuRoom();
    const a = await sfuPeer(roomId);
    const b = await sfuPeer(roomId);
    const consumed = waitForEvent(b.socket, 'sfu_new_consumer');
    await must(a.socket, 'sfu_produce', {
      roomId,
      transportId: a.send.transportId,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: MICROPHONE,
    });
    await consumed;
    const before = await media.dump(roomId);
    expect(before!.peers[a.id]).toEqual({ transports: 2, producers: 1, consumers: 0 });
    expect(before!.peers[b.id]).toEqual({ transports: 2, producers: 0, consumers: 1 });
    expect(before!.routerTransportIds).toHaveLength(4);
    const bLosesIt = waitForEvent(b.socket, 'sfu_consumer_closed');
    await must(a.socket, 'leave_room', { roomId });
    await bLosesIt;
    await waitUntil(
      'the leaver’s transports closed in the router',
      async () => (await media.dump(roomId))?.routerTransportIds.length === 2,
    );
    expect((await media.dump(roomId))!.peers).toEqual({
      [b.id]: { transports: 2, producers: 0, consumers: 0 },
    });
    // The last one disconnects (a goodbye): the room's router goes.
    b.socket.disconnect();
    await waitUntil('the router closed', () => !media.hasRoom(roomId));
  });

  it('replaces a killed worker, re-creates its rooms and tells their clients to set up again', async () => {
    const roomId = await sfuRoom();
    const a = await sfuPeer(roomId);
    const status = media.status();
    if (!status.available) throw new Error('the SFU is unavailable');
    const [worker] = status.workers;
    const reset = waitForEvent(
      a.socket,
      'sfu_transports_reset',
      (e) => e.roomId === roomId,
      15_000,
    );
    process.kill(worker.pid, 'SIGKILL');
    const event = await reset;
    expect(event.routerRtpCapabilities.codecs?.length).toBeGreaterThan(0);
    const now = media.status();
    expect(now.available && now.workers.map((w) => w.pid)).not.toContain(worker.pid);
    expect((await media.dump(roomId))!.routerTransportIds).toEqual([]);
    // The client sets up again on the new router.
    await must(a.socket, 'sfu_set_capabilities', {
      roomId,
      rtpCapabilities: deviceCapabilities(event.routerRtpCapabilities),
    });
    await must(a.socket, 'sfu_create_transport', { roomId, direction: 'send' });
    expect((await media.dump(roomId))!.routerTransportIds).toHaveLength(1);
  });

  it('moves an auto room to the SFU on the fifth join, and back to mesh when it shrinks', async () => {
    const roomId = `auto-${Date.now()}`;
    const peers = [];
    for (let i = 0; i < 4; i++) peers.push(await joiner(roomId));
    expect(peers.every((p) => p.joined.room.topology === 'mesh')).toBe(true);
    const told = peers.map((p) =>
      waitForEvent(p.socket, 'call_topology_changed', (e) => e.topology === 'sfu'),
    );
    const fifth = await joiner(roomId);
    expect(fifth.joined.room.topology).toBe('sfu');
    expect(fifth.joined.routerRtpCapabilities).toBeDefined();
    for (const event of await Promise.all(told)) {
      expect(event.routerRtpCapabilities?.codecs?.length).toBeGreaterThan(0);
    }
    // Mesh signalling is still relayed while the clients move over.
    expect(
      await ask(peers[0].socket, 'ice_candidate', {
        roomId,
        to: peers[1].id,
        candidate: { candidate: '' },
      }),
    ).toMatchObject({ ok: true });
    const back = peers
      .slice(0, 3)
      .map((p) => waitForEvent(p.socket, 'call_topology_changed', (e) => e.topology === 'mesh'));
    await must(fifth.socket, 'leave_room', { roomId });
    await must(peers[3].socket, 'leave_room', { roomId });
    await Promise.all(back);
  });
});

describe('a server without a mediasoup worker', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer({ MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker' });
  });
  afterEach(() => closeSockets());
  afterAll(() => server.close());

  it('starts, says why in /api/health, serves mesh rooms and refuses sfu rooms with sfu_unavailable', async () => {
    const health = await api<{ status: string; sfu: { status: string; reason: string } }>(
      server,
      'GET',
      '/api/health',
    );
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.sfu).toMatchObject({ status: 'unavailable' });
    expect(health.body.sfu.reason).toMatch(/MEDIASOUP_WORKER_BIN/);
    const owner = await registerUser(server);
    const key = await createApiKey(server, owner.accessToken);
    const room = await api<RoomDetails>(server, 'POST', '/api/rooms', {
      token: owner.accessToken,
      json: { name: 'Big', topology: 'sfu' },
    });
    const guest = (roomId: string) =>
      createJoinToken(key, { identity: `x${roomId}`, name: 'X', grants: { room: roomId } });
    const socket = await connectSocket(server, await guest(room.body.id));
    expect(await emitRaw(socket, 'join_room', [{ roomId: room.body.id }])).toMatchObject({
      ok: false,
      error: { code: 'sfu_unavailable' },
    });
    const mesh = await connectSocket(server, await guest('plain-mesh'));
    expect(await emitRaw(mesh, 'join_room', [{ roomId: 'plain-mesh' }])).toMatchObject({
      ok: true,
      room: { topology: 'mesh' },
    });
  });
});
