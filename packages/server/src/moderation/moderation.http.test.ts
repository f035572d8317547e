/**
 * The room service for host apps over REST, through `@minimeet/host`'s RoomService and raw
 * requests: who may (an API key of the room's account, its owner and moderators with their tokens)
 * and who may not (a member, a guest member, another account's key), and what each call does to
 * the people in the call.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AckResult, JoinRoomResult, LobbyKnockResult } from '@minimeet/protocol';
import { createJoinToken, RoomService, RoomServiceError } from '@minimeet/host';
import type { RunningServer } from '../main.js';
import { api, basicAuth, createApiKey, registerUser, startTestServer } from '../test/harness.js';
import { closeSockets, connectSocket, waitForEvent, type ClientSocket } from '../test/sockets.js';

afterEach(() => closeSockets());

describe('moderation over REST', () => {
  let server: RunningServer;
  let key: { id: string; secret: string };
  let otherKey: { id: string; secret: string };
  let n = 0;

  beforeAll(async () => {
    server = await startTestServer();
    const owner = await registerUser(server, { displayName: 'Clinic' });
    key = await createApiKey(server, owner.accessToken);
    const other = await registerUser(server, { displayName: 'Other clinic' });
    otherKey = await createApiKey(server, other.accessToken);
  });
  afterAll(() => server.close());

  const token = (roomId: string, grants: Record<string, unknown> = {}) =>
    createJoinToken(key, {
      identity: `p-${++n}`,
      name: `Person ${n}`,
      grants: { room: roomId, ...grants },
    });

  const joined = async (roomId: string, grants: Record<string, unknown> = {}) => {
    const socket = await connectSocket(server, await token(roomId, grants));
    const tracks = [{ source: 'microphone', kind: 'audio', streamId: 'mic', muted: false }];
    const r = (await socket
      .timeout(5000)
      .emitWithAck('join_room', { roomId, tracks } as never)) as AckResult<JoinRoomResult>;
    if (!r.ok) throw new Error(r.error.code);
    return { socket, id: r.participant.id };
  };

  const request = (path: string, method: string, headers: Record<string, string>, json?: unknown) =>
    api(server, method, path, { headers, ...(json !== undefined ? { json } : {}) });

  it('the permission matrix: each caller, each route', async () => {
    const roomId = `rest-matrix-${Date.now()}`;
    await joined(roomId, { role: 'owner' });
    const target = await joined(roomId);
    const bearer = async (grants: Record<string, unknown>) => ({
      authorization: `Bearer ${await token(roomId, grants)}`,
    });
    const callers: Array<[string, Record<string, string>, string]> = [
      ['the API key of the room’s account', basicAuth(key.id, key.secret), 'ok'],
      ['a moderator guest’s token', await bearer({ role: 'moderator' }), 'ok'],
      ['a member guest’s token', await bearer({ role: 'member' }), 'forbidden'],
      [
        'a member guest without grants',
        await bearer({ canPublish: false, canChat: false }),
        'forbidden',
      ],
      ['another account’s API key', basicAuth(otherKey.id, otherKey.secret), 'not_found'],
      ['a wrong secret', basicAuth(key.id, 'mks_wrong'), 'unauthorized'],
      ['no credentials', {}, 'unauthorized'],
    ];
    const base = `/api/calls/${roomId}`;
    const routes: Array<[string, string, unknown]> = [
      ['GET', `${base}/participants`, undefined],
      ['POST', `${base}/participants/${target.id}/mute`, { sources: ['microphone'] }],
      ['POST', `${base}/mute-all`, { sources: ['camera'] }],
      ['PATCH', `${base}/participants/${target.id}/grants`, { canChat: true }],
      ['PATCH', `${base}/moderation`, { locked: false }],
      ['GET', `${base}/lobby`, undefined],
      ['POST', `${base}/data`, { data: 1 }],
    ];
    for (const [who, headers, expected] of callers) {
      const got: string[] = [];
      for (const [method, path, body] of routes) {
        const res = await request(path, method, headers, body);
        got.push(res.status < 300 ? 'ok' : (res.body as { error: { code: string } }).error.code);
      }
      expect({ who, got }).toEqual({ who, got: routes.map(() => expected) });
    }
    // A user who is a member of a room gets forbidden too; its owner may.
    const owner = await registerUser(server);
    const member = await registerUser(server);
    const room = await api<{ id: string }>(server, 'POST', '/api/rooms', {
      token: owner.accessToken,
      json: { name: 'Users', visibility: 'public' },
    });
    await api(server, 'POST', `/api/rooms/${room.body.id}/join`, {
      token: member.accessToken,
      json: {},
    });
    const lock = (t: string) =>
      request(
        `/api/calls/${room.body.id}/moderation`,
        'PATCH',
        { authorization: `Bearer ${t}` },
        { locked: true },
      );
    expect((await lock(member.accessToken)).status).toBe(403);
    expect((await lock(owner.accessToken)).status).toBe(200);
  });

  it('RoomService: list, mute, grants, data, lobby, remove and end, as the people in the call see them', async () => {
    const rooms = new RoomService(server.url, key);
    const roomId = `rest-service-${Date.now()}`;
    const host = await joined(roomId, { role: 'owner' });
    const a = await joined(roomId);
    const b = await joined(roomId);

    const live = await rooms.listParticipants(roomId);
    expect(live.participants.map((p) => p.id)).toEqual([host.id, a.id, b.id]);
    expect(live.moderation).toEqual({ locked: false, lobby: false });

    const muted = waitForEvent(a.socket, 'moderation_muted');
    expect(await rooms.muteParticipant(roomId, a.id, ['microphone'])).toEqual({ muted: 1 });
    expect((await muted).by).toEqual({ participantId: null, displayName: null });

    const grants = waitForEvent(b.socket, 'moderation_grants_changed');
    await rooms.updateGrants(roomId, b.id, { canPublishAudio: false });
    expect((await grants).permissions.canPublishAudio).toBe(false);
    expect(
      (await rooms.listParticipants(roomId)).participants.find((p) => p.id === b.id)?.tracks,
    ).toEqual([]);

    const data = waitForEvent(host.socket, 'room_data');
    await rooms.sendData(roomId, { minutesLeft: 5 }, 'timer');
    expect(await data).toEqual({ roomId, topic: 'timer', data: { minutesLeft: 5 } });

    await rooms.updateModeration(roomId, { lobby: true });
    const waiter: ClientSocket = await connectSocket(server, await token(roomId));
    const knock = (await waiter
      .timeout(5000)
      .emitWithAck('lobby_knock', { roomId })) as AckResult<LobbyKnockResult>;
    expect(knock.ok).toBe(true);
    const { entries } = await rooms.listLobby(roomId);
    expect(entries.map((e) => e.id)).toEqual([knock.ok ? knock.entry.id : '']);
    const admitted = waitForEvent(waiter, 'lobby_admitted');
    await rooms.admit(roomId, entries[0].id);
    await admitted;
    await expect(rooms.deny(roomId, entries[0].id)).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    });

    const closed = waitForEvent(a.socket, 'room_closed');
    await rooms.removeParticipant(roomId, a.id, { reason: 'Visit over.' });
    expect((await closed).message).toBe('Visit over.');

    const ended = waitForEvent(host.socket, 'room_closed');
    await rooms.endCall(roomId);
    expect((await ended).message).toMatch(/ended the call/);
    expect((await rooms.listParticipants(roomId)).participants).toEqual([]);

    const other = new RoomService(server.url, otherKey);
    const refused = await other.endCall(roomId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RoomServiceError);
    expect(refused).toMatchObject({ code: 'not_found', status: 404 });
  });
});

describe('the room service’s rate limit', () => {
  let server: RunningServer;
  afterAll(() => server?.close());

  it('refuses an API key’s 4th request in the window with rate_limited, and counts each caller apart', async () => {
    server = await startTestServer({ RATE_LIMIT_HOST_API: '3/60' });
    const owner = await registerUser(server, { displayName: 'Clinic' });
    const key = await createApiKey(server, owner.accessToken);
    const roomId = `rest-limit-${Date.now()}`;
    const list = (headers: Record<string, string>) =>
      api<{ error?: { code: string; details?: { retryAfterSeconds?: number } } }>(
        server,
        'GET',
        `/api/calls/${roomId}/participants`,
        { headers },
      );
    const byKey = basicAuth(key.id, key.secret);
    for (let i = 0; i < 3; i++) expect((await list(byKey)).status).not.toBe(429);
    const refused = await list(byKey);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('rate_limited');
    expect(refused.body.error?.details?.retryAfterSeconds).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The owner's own token is another caller, with a count of its own.
    expect((await list({ authorization: `Bearer ${owner.accessToken}` })).status).not.toBe(429);
    // A wrong secret is refused as such and does not use up anyone's count.
    expect((await list(basicAuth(key.id, 'mks_wrong'))).status).toBe(401);
  });
});

describe('the lock and the lobby across a restart', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a room locked with its lobby on is still locked, with the lobby, after the server restarts', async () => {
    dir = await mkdtemp(joinPath(tmpdir(), 'minimeet-moderation-'));
    const env = { DATABASE_URL: `sqlite:${joinPath(dir, 'db.sqlite')}` };
    let server = await startTestServer(env);
    try {
      const owner = await registerUser(server, { displayName: 'Clinic' });
      const key = await createApiKey(server, owner.accessToken);
      const roomId = `visit-${Date.now()}`;
      const guestToken = (identity: string, role?: 'owner') =>
        createJoinToken(key, { identity, name: identity, grants: { room: roomId, role } });
      // The first guest brings the room into being; the host app then locks it and turns on the lobby.
      const first = await connectSocket(server, await guestToken('first'));
      const joined = (await first
        .timeout(5000)
        .emitWithAck('join_room', { roomId })) as AckResult<JoinRoomResult>;
      expect(joined.ok).toBe(true);
      const rooms = new RoomService(server.url, key);
      expect(await rooms.updateModeration(roomId, { locked: true, lobby: true })).toMatchObject({
        moderation: { locked: true, lobby: true },
      });
      closeSockets();
      await server.close();

      server = await startTestServer(env);
      const again = new RoomService(server.url, key);
      expect((await again.listParticipants(roomId)).moderation).toEqual({
        locked: true,
        lobby: true,
      });
      const late = await connectSocket(server, await guestToken('late'));
      const refused = (await late
        .timeout(5000)
        .emitWithAck('join_room', { roomId })) as AckResult<JoinRoomResult>;
      expect(refused).toMatchObject({ ok: false, error: { code: 'lobby_required' } });
      // A host still walks in.
      const host = await connectSocket(server, await guestToken('host', 'owner'));
      const seated = (await host
        .timeout(5000)
        .emitWithAck('join_room', { roomId })) as AckResult<JoinRoomResult>;
      expect(seated.ok).toBe(true);
    } finally {
      closeSockets();
      await server.close();
    }
  });
});
