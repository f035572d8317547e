/**
 * Moderation enforced by the SFU, with a real mediasoup worker and real sockets: a "modified
 * client" that keeps sending after a host muted it is paused on the server, and one whose right to
 * publish was taken has its producer closed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JoinRoomResult, RoomDetails, SfuTransportInfo } from '@minimeet/protocol';
import { createJoinToken } from '@minimeet/host';
import type { RunningServer } from '../main.js';
import { api, createApiKey, registerUser, startTestServer } from '../test/harness.js';
import { closeSockets, connectSocket, waitForEvent, type ClientSocket } from '../test/sockets.js';
import { CAMERA, MICROPHONE, ask, deviceCapabilities, must } from '../test/sfu.js';
import { MEDIA_SERVER, type MediaServer } from './media-server.js';

describe('moderation enforced by the SFU (real worker, real sockets)', () => {
  let server: RunningServer;
  let media: MediaServer;
  let ownerToken: string;
  let token: (room: string, grants?: Record<string, unknown>, identity?: string) => Promise<string>;
  let n = 0;

  beforeAll(async () => {
    server = await startTestServer({ SFU_WORKERS: '1' });
    media = server.app.get<MediaServer>(MEDIA_SERVER);
    const owner = await registerUser(server);
    ownerToken = owner.accessToken;
    const key = await createApiKey(server, owner.accessToken);
    token = (room, grants = {}, identity = `m${++n}`) =>
      createJoinToken(key, { identity, name: identity, grants: { room, ...grants } });
  });
  afterEach(() => closeSockets());
  afterAll(() => server.close());

  /** An sfu room with its owner (the host) in the call. */
  async function roomWithHost(): Promise<{ roomId: string; host: ClientSocket }> {
    const res = await api<RoomDetails>(server, 'POST', '/api/rooms', {
      token: ownerToken,
      json: { name: 'Moderated', topology: 'sfu', capacity: 10 },
    });
    expect(res.status).toBe(201);
    const host = await connectSocket(server, ownerToken);
    await must(host, 'join_room', { roomId: res.body.id });
    return { roomId: res.body.id, host };
  }

  /** A guest in the call with capabilities and both transports. */
  async function peer(roomId: string, identity?: string) {
    const socket = await connectSocket(server, await token(roomId, {}, identity));
    const joined = await must<JoinRoomResult>(socket, 'join_room', { roomId });
    await must(socket, 'sfu_set_capabilities', {
      roomId,
      rtpCapabilities: deviceCapabilities(joined.routerRtpCapabilities!),
    });
    const send = await must<SfuTransportInfo>(socket, 'sfu_create_transport', {
      roomId,
      direction: 'send',
    });
    await must(socket, 'sfu_create_transport', { roomId, direction: 'recv' });
    return { socket, id: joined.participant.id, send };
  }

  /** `publisher` produces its microphone; `listener` gets (and resumes) a consumer of it. */
  async function microphone(
    roomId: string,
    publisher: Awaited<ReturnType<typeof peer>>,
    listener: Awaited<ReturnType<typeof peer>>,
  ) {
    const consumed = waitForEvent(
      listener.socket,
      'sfu_new_consumer',
      (e) => e.participantId === publisher.id && e.source === 'microphone',
    );
    const { producerId } = await must<{ producerId: string }>(publisher.socket, 'sfu_produce', {
      roomId,
      transportId: publisher.send.transportId,
      kind: 'audio',
      source: 'microphone',
      rtpParameters: MICROPHONE,
    });
    const consumer = await consumed;
    await must(listener.socket, 'sfu_resume_consumer', { roomId, consumerId: consumer.consumerId });
    return { producerId, consumerId: consumer.consumerId };
  }

  it('pauses the producer of a client that ignores a mute; it may resume while it may publish', async () => {
    const { roomId, host } = await roomWithHost();
    const rogue = await peer(roomId);
    const other = await peer(roomId);
    const { producerId, consumerId } = await microphone(roomId, rogue, other);
    expect(await media.producerDump(roomId, rogue.id, producerId)).toEqual({
      kind: 'audio',
      paused: false,
    });
    // The rogue client hears `moderation_muted` and does nothing about it.
    const otherPaused = waitForEvent(
      other.socket,
      'sfu_consumer_paused',
      (e) => e.consumerId === consumerId,
    );
    await must(host, 'moderation_mute', {
      roomId,
      participantId: rogue.id,
      sources: ['microphone'],
    });
    await otherPaused;
    expect(await media.producerDump(roomId, rogue.id, producerId)).toEqual({
      kind: 'audio',
      paused: true,
    });
    // A mute is a request: the participant may unmute, since it may still publish the microphone.
    const otherResumed = waitForEvent(
      other.socket,
      'sfu_consumer_resumed',
      (e) => e.consumerId === consumerId,
    );
    await must(rogue.socket, 'sfu_resume_producer', { roomId, producerId });
    await otherResumed;
    expect((await media.producerDump(roomId, rogue.id, producerId))?.paused).toBe(false);
  });

  it('mutes only the named sources: a muted microphone leaves the camera flowing', async () => {
    const { roomId, host } = await roomWithHost();
    const rogue = await peer(roomId);
    const other = await peer(roomId);
    const { producerId: mic } = await microphone(roomId, rogue, other);
    const { producerId: camera } = await must<{ producerId: string }>(rogue.socket, 'sfu_produce', {
      roomId,
      transportId: rogue.send.transportId,
      kind: 'video',
      source: 'camera',
      rtpParameters: CAMERA,
    });
    const paused = waitForEvent(other.socket, 'sfu_consumer_paused');
    await must(host, 'moderation_mute', {
      roomId,
      participantId: rogue.id,
      sources: ['microphone'],
    });
    await paused;
    expect((await media.producerDump(roomId, rogue.id, mic))?.paused).toBe(true);
    expect((await media.producerDump(roomId, rogue.id, camera))?.paused).toBe(false);
  });

  it('closes the producer whose publish grant a host took, and refuses to resume or publish it again', async () => {
    const { roomId, host } = await roomWithHost();
    const rogue = await peer(roomId);
    const other = await peer(roomId);
    const { producerId, consumerId } = await microphone(roomId, rogue, other);
    const ownerTold = waitForEvent(
      rogue.socket,
      'sfu_producer_closed',
      (e) => e.producerId === producerId,
    );
    const otherTold = waitForEvent(
      other.socket,
      'sfu_consumer_closed',
      (e) => e.consumerId === consumerId,
    );
    await must(host, 'moderation_grants', {
      roomId,
      participantId: rogue.id,
      grants: { canPublishAudio: false },
    });
    await Promise.all([ownerTold, otherTold]);
    expect(await media.producerDump(roomId, rogue.id, producerId)).toBeNull();
    expect((await media.dump(roomId))!.peers[rogue.id]).toMatchObject({ producers: 0 });
    expect(await ask(rogue.socket, 'sfu_resume_producer', { roomId, producerId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(
      await ask(rogue.socket, 'sfu_produce', {
        roomId,
        transportId: rogue.send.transportId,
        kind: 'audio',
        source: 'microphone',
        rtpParameters: MICROPHONE,
      }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('closes the consumers of a participant whose refreshed token takes canSubscribe away', async () => {
    const { roomId } = await roomWithHost();
    const publisher = await peer(roomId);
    const identity = `viewer-${++n}`;
    const viewer = await peer(roomId, identity);
    const { consumerId } = await microphone(roomId, publisher, viewer);
    const closed = waitForEvent(
      viewer.socket,
      'sfu_consumer_closed',
      (e) => e.consumerId === consumerId,
    );
    await must(viewer.socket, 'auth_refresh', {
      token: await token(roomId, { canSubscribe: false }, identity),
    });
    await closed;
    expect((await media.dump(roomId))!.peers[viewer.id]).toMatchObject({ consumers: 0 });
  });
});
