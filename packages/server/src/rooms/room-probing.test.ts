import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AckResult, RoomDetails, RoomInvite } from '@minimeet/protocol';
import { createJoinToken } from '@minimeet/host';
import type { RunningServer } from '../main.js';
import { api, createApiKey, registerUser, startTestServer } from '../test/harness.js';
import { closeSockets, connectSocket, emitRaw, type ClientSocket } from '../test/sockets.js';

type Session = Awaited<ReturnType<typeof registerUser>>;

/** An answer as a client sees it, over REST or the socket. */
interface Answer {
  status: number;
  body: unknown;
}

const NO_SUCH_ROOM = { code: 'not_found', message: 'No such room.' };
const NOT_FOUND_ANSWER: Answer = { status: 404, body: { error: NO_SUCH_ROOM } };
const UNKNOWN_ID = 'zzzzzzzzzzzz';

/**
 * Every REST route that takes a room id, with a body it accepts. `{id}` stands for the room,
 * `{owner}` for its owner's user id.
 */
const REST_ROUTES: Array<[method: string, path: string, json?: unknown]> = [
  ['GET', '/api/rooms/{id}'],
  ['PATCH', '/api/rooms/{id}', { name: 'Taken over' }],
  ['DELETE', '/api/rooms/{id}'],
  ['GET', '/api/rooms/{id}/members'],
  ['PATCH', '/api/rooms/{id}/members/{owner}', { role: 'member' }],
  ['DELETE', '/api/rooms/{id}/members/{owner}'],
  ['POST', '/api/rooms/{id}/invites', {}],
  ['GET', '/api/rooms/{id}/invites'],
  ['DELETE', '/api/rooms/{id}/invites/AbCdEfGhIjKlMnOpQrStUv'],
  ['GET', '/api/rooms/{id}/messages'],
  ['POST', '/api/rooms/{id}/messages', { clientId: 'probe-0001', text: 'Anyone here?' }],
  ['GET', '/api/search/messages?q=hello&roomId={id}'],
];

/** Every socket request that takes a room id, with a payload that passes its schema. */
const SOCKET_REQUESTS: Array<[event: string, payload: (roomId: string) => object]> = [
  ['join_room', (roomId) => ({ roomId })],
  ['leave_room', (roomId) => ({ roomId })],
  [
    'webrtc_offer',
    (roomId) => ({
      roomId,
      to: 'pa_AAAAAAAAAAAAAAAA',
      description: { type: 'offer', sdp: 'v=0' },
    }),
  ],
  [
    'webrtc_answer',
    (roomId) => ({
      roomId,
      to: 'pa_AAAAAAAAAAAAAAAA',
      description: { type: 'answer', sdp: 'v=0' },
    }),
  ],
  [
    'ice_candidate',
    (roomId) => ({ roomId, to: 'pa_AAAAAAAAAAAAAAAA', candidate: { candidate: '' } }),
  ],
  ['update_media_state', (roomId) => ({ roomId, tracks: [] })],
  [
    'quality_report',
    (roomId) => ({
      roomId,
      samples: [{ at: 1_796_000_000_000, intervalMs: 5000, level: 'good', legs: [] }],
    }),
  ],
  ['chat_message', (roomId) => ({ roomId, clientId: 'probe-0001', text: 'Anyone here?' })],
  ['chat_edit', (roomId) => ({ roomId, messageId: 'msg_AAAAAAAAAAAAAAAA', text: 'Edited' })],
  ['chat_delete', (roomId) => ({ roomId, messageId: 'msg_AAAAAAAAAAAAAAAA' })],
  [
    'chat_react',
    (roomId) => ({ roomId, messageId: 'msg_AAAAAAAAAAAAAAAA', emoji: '👍', add: true }),
  ],
  ['chat_typing', (roomId) => ({ roomId, typing: true })],
  ['chat_typing', (roomId) => ({ roomId, typing: false })],
  ['chat_subscribe', (roomId) => ({ roomId })],
  ['chat_unsubscribe', (roomId) => ({ roomId })],
  ['chat_history', (roomId) => ({ roomId })],
];

/** The socket requests whose answer depends on the room, not only on the connection. */
const ROOM_REQUESTS = new Set([
  'join_room',
  'chat_message',
  'chat_edit',
  'chat_delete',
  'chat_react',
  'chat_subscribe',
  'chat_history',
]);

describe('private room ids cannot be probed', () => {
  let server: RunningServer;
  let owner: Session;
  let member: Session;
  let stranger: Session;
  /** Private, no password; `member` is its member. */
  let privateRoom: RoomDetails;
  /** Private, with a password. */
  let lockedRoom: RoomDetails;
  /** Public, no password. */
  let publicRoom: RoomDetails;
  /** Public, with a password. */
  let lockedPublicRoom: RoomDetails;
  /** An invite to `privateRoom`. */
  let invite: RoomInvite;
  let apiKey: { id: string; secret: string };

  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_SOCKET_REQUESTS: '100000/1' });
    [owner, member, stranger] = await Promise.all([
      registerUser(server, { displayName: 'Owner' }),
      registerUser(server, { displayName: 'Member' }),
      registerUser(server, { displayName: 'Stranger' }),
    ]);
    const create = async (json: object) =>
      (await api<RoomDetails>(server, 'POST', '/api/rooms', { token: owner.accessToken, json }))
        .body;
    privateRoom = await create({ name: 'Private' });
    lockedRoom = await create({ name: 'Locked', password: 'open sesame' });
    publicRoom = await create({ name: 'Public', visibility: 'public' });
    lockedPublicRoom = await create({
      name: 'Public, locked',
      visibility: 'public',
      password: 'open sesame',
    });
    const memberInvite = await api<RoomInvite>(
      server,
      'POST',
      `/api/rooms/${privateRoom.id}/invites`,
      { token: owner.accessToken, json: {} },
    );
    await api(server, 'POST', `/api/invites/${memberInvite.body.code}/accept`, {
      token: member.accessToken,
    });
    invite = (
      await api<RoomInvite>(server, 'POST', `/api/rooms/${privateRoom.id}/invites`, {
        token: owner.accessToken,
        json: {},
      })
    ).body;
    apiKey = await createApiKey(server, owner.accessToken);
  });
  afterEach(() => closeSockets());
  afterAll(() => server.close());

  const rest = async (
    session: { accessToken: string },
    [method, path, json]: (typeof REST_ROUTES)[number],
    roomId: string,
  ): Promise<Answer> => {
    const res = await api(
      server,
      method,
      path.replace('{id}', roomId).replace('{owner}', owner.user.id),
      { token: session.accessToken, ...(json !== undefined ? { json } : {}) },
    );
    return { status: res.status, body: res.body };
  };

  /** A socket answer with the room id in its message (a `not_in_room`) made neutral. */
  const ask = async (
    socket: ClientSocket,
    [event, payload]: (typeof SOCKET_REQUESTS)[number],
    roomId: string,
    extra: object = {},
  ): Promise<AckResult> => {
    const answer = await emitRaw(socket, event, [{ ...payload(roomId), ...extra }]);
    return JSON.parse(JSON.stringify(answer).replaceAll(roomId, '<room>')) as AckResult;
  };

  describe('over REST', () => {
    it.each(REST_ROUTES)(
      '%s %s answers a private room the caller may not see exactly as an unknown id',
      async (...route) => {
        const unknown = await rest(stranger, route, UNKNOWN_ID);
        expect(unknown).toEqual(NOT_FOUND_ANSWER);
        for (const hidden of [privateRoom, lockedRoom])
          expect(await rest(stranger, route, hidden.id)).toEqual(unknown);
      },
    );

    it('a room the caller sees answers forbidden where its role falls short, never not_found', async () => {
      // Expected statuses for a non-member of a public room, and for a plain member of a private one.
      const asStrangerInPublic = [200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403];
      const asMemberInPrivate = [200, 403, 403, 200, 403, 403, 403, 403, 403, 200, 201, 200];
      for (const [i, route] of REST_ROUTES.entries()) {
        const name = `${route[0]} ${route[1]}`;
        const seen = await rest(stranger, route, publicRoom.id);
        expect(seen.status, `${name} as a stranger in a public room`).toBe(asStrangerInPublic[i]);
        const asMember = await rest(member, route, privateRoom.id);
        expect(asMember.status, `${name} as a member`).toBe(asMemberInPrivate[i]);
        for (const answer of [seen, asMember])
          if (answer.status === 403)
            expect(answer.body).toMatchObject({ error: { code: 'forbidden' } });
      }
    });

    it('POST /api/rooms/:id/join answers by what it was given, never by whether a hidden room exists', async () => {
      const join = (roomId: string, json: object) =>
        api(server, 'POST', `/api/rooms/${roomId}/join`, { token: stranger.accessToken, json });
      for (const roomId of [UNKNOWN_ID, privateRoom.id, lockedRoom.id]) {
        const bare = await join(roomId, {});
        expect({ status: bare.status, body: bare.body }).toEqual(NOT_FOUND_ANSWER);
        const guessed = await join(roomId, { password: 'a guess' });
        expect({ status: guessed.status, body: guessed.body }).toEqual({
          status: 403,
          body: {
            error: {
              code: 'room_password_required',
              message: 'That password does not open this room.',
            },
          },
        });
      }
      // A public room is seen by all: it may say that it needs its password.
      const locked = await join(lockedPublicRoom.id, {});
      expect(locked.body).toEqual({
        error: { code: 'room_password_required', message: 'This room needs its password.' },
      });
      // The right password opens a private room.
      expect((await join(lockedRoom.id, { password: 'open sesame' })).status).toBe(200);
      await api(server, 'DELETE', `/api/rooms/${lockedRoom.id}/members/${stranger.user.id}`, {
        token: stranger.accessToken,
      });
    });
  });

  describe('over the socket', () => {
    it.each(SOCKET_REQUESTS)(
      '%s answers a private room the caller may not see exactly as an unknown id',
      async (...request) => {
        const socket = await connectSocket(server, stranger.accessToken);
        const unknown = await ask(socket, request, UNKNOWN_ID);
        if (ROOM_REQUESTS.has(request[0]))
          expect(unknown).toEqual({ ok: false, error: NO_SUCH_ROOM });
        for (const hidden of [privateRoom, lockedRoom])
          expect(await ask(socket, request, hidden.id)).toEqual(unknown);
      },
    );

    it('join_room answers by the credentials it was given, never by whether a hidden room exists', async () => {
      const socket = await connectSocket(server, stranger.accessToken);
      const join = SOCKET_REQUESTS[0];
      // An invite for this private room, offered for another id, is just an invalid invite.
      for (const roomId of [UNKNOWN_ID, privateRoom.id, lockedRoom.id]) {
        expect(await ask(socket, join, roomId, { inviteCode: 'not-an-invite' })).toEqual({
          ok: false,
          error: {
            code: 'invite_invalid',
            message: 'This invite is unknown, expired, revoked or used up.',
          },
        });
        expect(await ask(socket, join, roomId, { password: 'a guess' })).toEqual({
          ok: false,
          error: {
            code: 'room_password_required',
            message: 'That password does not open this room.',
          },
        });
      }
      expect(await ask(socket, join, lockedRoom.id, { inviteCode: invite.code })).toMatchObject({
        ok: false,
        error: { code: 'invite_invalid' },
      });
      expect(await ask(socket, join, lockedPublicRoom.id)).toEqual({
        ok: false,
        error: { code: 'room_password_required', message: 'This room needs its password.' },
      });
      // The real invite opens the room it is for.
      expect(await ask(socket, join, privateRoom.id, { inviteCode: invite.code })).toMatchObject({
        ok: true,
        room: { id: '<room>' },
      });
    });

    it('a room the caller sees answers forbidden where its role falls short', async () => {
      const socket = await connectSocket(server, stranger.accessToken);
      for (const request of SOCKET_REQUESTS.filter(
        ([e]) => ROOM_REQUESTS.has(e) && e !== 'join_room',
      )) {
        expect(await ask(socket, request, publicRoom.id), request[0]).toMatchObject({
          ok: false,
          error: { code: 'forbidden' },
        });
      }
    });

    it('a guest sees only the room its token names: any other is not found, whoever holds it', async () => {
      const token = await createJoinToken(apiKey, {
        identity: 'probe-guest',
        name: 'Guest',
        grants: { room: 'guest-room-1' },
      });
      const socket = await connectSocket(server, token);
      const others = [UNKNOWN_ID, privateRoom.id, publicRoom.id, 'guest-room-2'];
      for (const request of SOCKET_REQUESTS.filter(([e]) => ROOM_REQUESTS.has(e))) {
        for (const roomId of others)
          expect(await ask(socket, request, roomId), `${request[0]} ${roomId}`).toEqual({
            ok: false,
            error: NO_SUCH_ROOM,
          });
      }
      for (const roomId of others) {
        const res = await api(server, 'GET', `/api/search/messages?q=hello&roomId=${roomId}`, {
          token,
        });
        expect({ status: res.status, body: res.body }, roomId).toEqual(NOT_FOUND_ANSWER);
      }
      // Its own room, not created yet, is searched (and found empty) rather than not found.
      const own = await api(server, 'GET', '/api/search/messages?q=hello&roomId=guest-room-1', {
        token,
      });
      expect(own).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
    });
  });
});
