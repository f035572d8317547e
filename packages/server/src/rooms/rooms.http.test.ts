import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedInvite, Page, RoomDetails, RoomInvite, RoomMember } from '@minimeet/protocol';
import {
  roomDetailsSchema,
  roomInviteSchema,
  roomMemberPageSchema,
  roomPageSchema,
} from '@minimeet/protocol/schemas';
import { EventBus, type ServerEvents } from '../common/event-bus.js';
import type { RunningServer } from '../main.js';
import { api, expectError, registerUser, startTestServer } from '../test/harness.js';
import { RoomInviteEntity } from './room-invite.entity.js';

type Session = Awaited<ReturnType<typeof registerUser>>;

describe('rooms over HTTP', () => {
  let server: RunningServer;
  let bus: EventBus;
  const events: Array<{ name: keyof ServerEvents; payload: unknown }> = [];

  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: 'https://meet.example.test' });
    bus = server.app.get(EventBus);
    for (const name of ['room.updated', 'room.deleted', 'room.member_removed'] as const)
      bus.on(name, (payload) => void events.push({ name, payload }));
  });
  afterAll(() => server.close());

  const createRoom = async (owner: Session, json: Record<string, unknown> = {}) => {
    const res = await api<RoomDetails>(server, 'POST', '/api/rooms', {
      token: owner.accessToken,
      json: { name: 'Standup', ...json },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const get = (s: Session, id: string) =>
    api<RoomDetails>(server, 'GET', `/api/rooms/${id}`, { token: s.accessToken });
  const join = (s: Session, id: string, json: Record<string, unknown> = {}) =>
    api<RoomDetails>(server, 'POST', `/api/rooms/${id}/join`, { token: s.accessToken, json });
  const invite = (s: Session, id: string, json: Record<string, unknown> = {}) =>
    api<RoomInvite>(server, 'POST', `/api/rooms/${id}/invites`, { token: s.accessToken, json });
  const accept = (s: Session, code: string) =>
    api<AcceptedInvite>(server, 'POST', `/api/invites/${code}/accept`, { token: s.accessToken });
  const members = (s: Session, id: string, query = '') =>
    api<Page<RoomMember>>(server, 'GET', `/api/rooms/${id}/members${query}`, {
      token: s.accessToken,
    });

  /** A room with an owner, a moderator, a member and a stranger. */
  const cast = async () => {
    const [owner, moderator, member, stranger] = await Promise.all([
      registerUser(server, { displayName: 'Owner' }),
      registerUser(server, { displayName: 'Moderator' }),
      registerUser(server, { displayName: 'Member' }),
      registerUser(server, { displayName: 'Stranger' }),
    ]);
    const room = await createRoom(owner);
    const modInvite = (await invite(owner, room.id, { role: 'moderator' })).body;
    expect((await accept(moderator, modInvite.code)).status).toBe(200);
    const memberInvite = (await invite(owner, room.id)).body;
    expect((await accept(member, memberInvite.code)).status).toBe(200);
    return { owner, moderator, member, stranger, room };
  };

  it('POST /api/rooms creates a private auto room of SFU capacity owned by its creator', async () => {
    const owner = await registerUser(server);
    const room = await createRoom(owner, { name: 'Zoë 🎥 测试' });
    expect(roomDetailsSchema.parse(room)).toEqual(room);
    expect(room).toMatchObject({
      name: 'Zoë 🎥 测试',
      visibility: 'private',
      hasPassword: false,
      capacity: 50,
      topology: 'auto',
      ownerId: owner.user.id,
      myRole: 'owner',
      participantCount: 0,
    });
    expect(room.id).toMatch(/^[a-z2-7]{12}$/);
    expect((await get(owner, room.id)).body).toEqual(room);
    const list = await members(owner, room.id);
    expect(list.body.items).toEqual([
      expect.objectContaining({ userId: owner.user.id, role: 'owner' }) as unknown,
    ]);
  });

  it('POST /api/rooms never returns the password, only that there is one', async () => {
    const owner = await registerUser(server);
    const res = await api(server, 'POST', '/api/rooms', {
      token: owner.accessToken,
      json: { name: 'Locked', password: 'hunter22' },
    });
    expect(res.status).toBe(201);
    expect(JSON.stringify(res.body)).not.toMatch(/hunter22|argon2/);
    expect(res.body).toMatchObject({ hasPassword: true });
  });

  it('POST /api/rooms takes sfu rooms up to the SFU maximum and mesh rooms up to the mesh maximum', async () => {
    const owner = await registerUser(server);
    const sfu = await api<RoomDetails>(server, 'POST', '/api/rooms', {
      token: owner.accessToken,
      json: { name: 'Big', topology: 'sfu' },
    });
    expect(sfu.status).toBe(201);
    expect(sfu.body).toMatchObject({ topology: 'sfu', capacity: 50 });
    const tooBig = expectError(
      await api(server, 'POST', '/api/rooms', {
        token: owner.accessToken,
        json: { name: 'Huge', topology: 'sfu', capacity: 51 },
      }),
      501,
      'feature_unavailable',
    );
    expect(tooBig.message).toMatch(/50/);
    const big = expectError(
      await api(server, 'POST', '/api/rooms', {
        token: owner.accessToken,
        json: { name: 'Big mesh', topology: 'mesh', capacity: 5 },
      }),
      501,
      'feature_unavailable',
    );
    expect(big.message).toMatch(/4/);
    const mine = await api<Page<RoomDetails>>(server, 'GET', '/api/rooms?scope=mine', {
      token: owner.accessToken,
    });
    expect(mine.body.items.map((r) => r.name)).toEqual(['Big']);
  });

  it('POST /api/rooms answers validation_failed with one issue per problem', async () => {
    const owner = await registerUser(server);
    const err = expectError(
      await api(server, 'POST', '/api/rooms', {
        token: owner.accessToken,
        json: { name: '', capacity: 1, password: 'abc', color: 'red' },
      }),
      400,
      'validation_failed',
    );
    expect(err.details?.issues?.map((i) => i.path).sort()).toEqual([
      'capacity',
      'color',
      'name',
      'password',
    ]);
  });

  it('every room route refuses a request without an access token', async () => {
    expectError(await api(server, 'GET', '/api/rooms'), 401, 'unauthorized');
    expectError(
      await api(server, 'POST', '/api/rooms', { json: { name: 'x' } }),
      401,
      'unauthorized',
    );
    expectError(await api(server, 'POST', '/api/invites/abc/accept'), 401, 'unauthorized');
  });

  it('a private room is invisible to a stranger: 404 on every route, absent from listings', async () => {
    const { owner, stranger, room } = await cast();
    expectError(await get(stranger, room.id), 404, 'not_found');
    expectError(await members(stranger, room.id), 404, 'not_found');
    expectError(
      await api(server, 'PATCH', `/api/rooms/${room.id}`, {
        token: stranger.accessToken,
        json: { name: 'Mine now' },
      }),
      404,
      'not_found',
    );
    expectError(
      await api(server, 'DELETE', `/api/rooms/${room.id}`, { token: stranger.accessToken }),
      404,
      'not_found',
    );
    expectError(await join(stranger, room.id), 404, 'not_found');
    expectError(await invite(stranger, room.id), 404, 'not_found');
    const all = await api<Page<RoomDetails>>(server, 'GET', '/api/rooms?limit=100', {
      token: stranger.accessToken,
    });
    expect(all.body.items.map((r) => r.id)).not.toContain(room.id);
    expect((await get(owner, room.id)).status).toBe(200);
  });

  it('GET /api/rooms lists mine, public and all with the caller’s role', async () => {
    const me = await registerUser(server);
    const other = await registerUser(server);
    const mine = await createRoom(me, { name: 'Mine' });
    const theirsPublic = await createRoom(other, { name: 'Theirs', visibility: 'public' });
    const theirsPrivate = await createRoom(other, { name: 'Hidden' });
    const list = async (scope: string) => {
      const res = await api<Page<RoomDetails>>(
        server,
        'GET',
        `/api/rooms?scope=${scope}&limit=100`,
        {
          token: me.accessToken,
        },
      );
      expect(roomPageSchema.parse(res.body)).toEqual(res.body);
      return res.body.items;
    };
    expect((await list('mine')).map((r) => r.id)).toEqual([mine.id]);
    const pub = await list('public');
    expect(pub.map((r) => r.id)).toContain(theirsPublic.id);
    expect(pub.map((r) => r.id)).not.toContain(mine.id);
    expect(pub.find((r) => r.id === theirsPublic.id)?.myRole).toBeNull();
    const all = (await list('all')).map((r) => r.id);
    expect(all).toEqual(expect.arrayContaining([mine.id, theirsPublic.id]));
    expect(all).not.toContain(theirsPrivate.id);
    expect(all.indexOf(theirsPublic.id)).toBeLessThan(all.indexOf(mine.id));
  });

  it('GET /api/rooms pages through every room exactly once', async () => {
    const owner = await registerUser(server);
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++) ids.add((await createRoom(owner, { name: `Room ${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const query: string = `/api/rooms?scope=mine&limit=5${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await api<Page<RoomDetails>>(server, 'GET', query, { token: owner.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(5);
      seen.push(...res.body.items.map((r) => r.id));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen)).toEqual(ids);
  });

  it('GET /api/rooms refuses a bad scope, limit or cursor with validation_failed', async () => {
    const user = await registerUser(server);
    for (const [query, path] of [
      ['scope=everything', 'scope'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=ten', 'limit'],
      ['cursor=garbage', 'cursor'],
      ['sort=name', 'sort'],
    ]) {
      const err = expectError(
        await api(server, 'GET', `/api/rooms?${query}`, { token: user.accessToken }),
        400,
        'validation_failed',
      );
      expect(
        err.details?.issues?.map((i) => i.path),
        query,
      ).toEqual([path]);
    }
  });

  it('PATCH /api/rooms/:id is for the owner only, emits room.updated, and password null removes it', async () => {
    const { owner, moderator, member, room } = await cast();
    for (const who of [moderator, member]) {
      expectError(
        await api(server, 'PATCH', `/api/rooms/${room.id}`, {
          token: who.accessToken,
          json: { name: 'Nope' },
        }),
        403,
        'forbidden',
      );
    }
    events.length = 0;
    const res = await api<RoomDetails>(server, 'PATCH', `/api/rooms/${room.id}`, {
      token: owner.accessToken,
      json: { name: 'Retro', visibility: 'public', password: 'letmein', capacity: 3 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Retro',
      visibility: 'public',
      hasPassword: true,
      capacity: 3,
      myRole: 'owner',
    });
    expect(events).toEqual([{ name: 'room.updated', payload: { roomId: room.id } }]);
    const cleared = await api<RoomDetails>(server, 'PATCH', `/api/rooms/${room.id}`, {
      token: owner.accessToken,
      json: { password: null },
    });
    expect(cleared.body.hasPassword).toBe(false);
    expectError(
      await api(server, 'PATCH', `/api/rooms/${room.id}`, {
        token: owner.accessToken,
        json: { topology: 'mesh', capacity: 5 },
      }),
      501,
      'feature_unavailable',
    );
    expectError(
      await api(server, 'PATCH', `/api/rooms/${room.id}`, { token: owner.accessToken, json: {} }),
      400,
      'validation_failed',
    );
  });

  it('DELETE /api/rooms/:id is for the owner only, emits room.deleted, and takes members and invites along', async () => {
    const { owner, moderator, member, room } = await cast();
    const code = (await invite(owner, room.id)).body.code;
    for (const who of [moderator, member]) {
      expectError(
        await api(server, 'DELETE', `/api/rooms/${room.id}`, { token: who.accessToken }),
        403,
        'forbidden',
      );
    }
    events.length = 0;
    const res = await api(server, 'DELETE', `/api/rooms/${room.id}`, { token: owner.accessToken });
    expect(res.status).toBe(204);
    expect(events).toEqual([{ name: 'room.deleted', payload: { roomId: room.id } }]);
    expectError(await get(owner, room.id), 404, 'not_found');
    expectError(await get(member, room.id), 404, 'not_found');
    expectError(await accept(member, code), 404, 'invite_invalid');
    const mine = await api<Page<RoomDetails>>(server, 'GET', '/api/rooms?scope=mine', {
      token: member.accessToken,
    });
    expect(mine.body.items.map((r) => r.id)).not.toContain(room.id);
  });

  it('GET /api/rooms/:id/members lists members for members only, a page at a time', async () => {
    const { owner, moderator, member, room } = await cast();
    const page1 = await members(member, room.id, '?limit=2');
    expect(roomMemberPageSchema.parse(page1.body)).toEqual(page1.body);
    expect(page1.body.items.map((m) => [m.displayName, m.role])).toEqual([
      ['Owner', 'owner'],
      ['Moderator', 'moderator'],
    ]);
    const page2 = await members(member, room.id, `?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((m) => m.userId)).toEqual([member.user.id]);
    expect(page2.body.nextCursor).toBeNull();
    const pub = await createRoom(owner, { visibility: 'public' });
    expectError(await members(moderator, pub.id), 403, 'forbidden');
  });

  it('PATCH /api/rooms/:id/members/:userId changes roles, owner only, never the owner’s', async () => {
    const { owner, moderator, member, room } = await cast();
    const path = (u: Session) => `/api/rooms/${room.id}/members/${u.user.id}`;
    expectError(
      await api(server, 'PATCH', path(member), {
        token: moderator.accessToken,
        json: { role: 'moderator' },
      }),
      403,
      'forbidden',
    );
    const promoted = await api<RoomMember>(server, 'PATCH', path(member), {
      token: owner.accessToken,
      json: { role: 'moderator' },
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({
      userId: member.user.id,
      role: 'moderator',
      displayName: 'Member',
    });
    expectError(
      await api(server, 'PATCH', path(owner), {
        token: owner.accessToken,
        json: { role: 'member' },
      }),
      409,
      'conflict',
    );
    expectError(
      await api(server, 'PATCH', path(member), {
        token: owner.accessToken,
        json: { role: 'owner' },
      }),
      400,
      'validation_failed',
    );
    expectError(
      await api(server, 'PATCH', `/api/rooms/${room.id}/members/nobody`, {
        token: owner.accessToken,
        json: { role: 'member' },
      }),
      404,
      'not_found',
    );
  });

  it('DELETE /api/rooms/:id/members/:userId follows who may remove whom, and emits room.member_removed', async () => {
    const { owner, moderator, member, room } = await cast();
    const other = await registerUser(server);
    const mod2 = await registerUser(server);
    await accept(other, (await invite(owner, room.id)).body.code);
    await accept(mod2, (await invite(owner, room.id, { role: 'moderator' })).body.code);
    const remove = (by: Session, target: Session) =>
      api(server, 'DELETE', `/api/rooms/${room.id}/members/${target.user.id}`, {
        token: by.accessToken,
      });
    expectError(await remove(member, other), 403, 'forbidden');
    expectError(await remove(moderator, owner), 403, 'forbidden');
    expectError(await remove(moderator, mod2), 403, 'forbidden');
    expectError(await remove(owner, owner), 409, 'conflict');
    events.length = 0;
    expect((await remove(moderator, other)).status).toBe(204);
    expect((await remove(member, member)).status).toBe(204);
    expect((await remove(owner, mod2)).status).toBe(204);
    expect(events).toEqual([
      { name: 'room.member_removed', payload: { roomId: room.id, userId: other.user.id } },
      { name: 'room.member_removed', payload: { roomId: room.id, userId: member.user.id } },
      { name: 'room.member_removed', payload: { roomId: room.id, userId: mod2.user.id } },
    ]);
    expectError(await get(member, room.id), 404, 'not_found');
    expectError(await remove(owner, member), 404, 'not_found');
  });

  it('POST /api/rooms/:id/join admits to public rooms, and to any room with its password', async () => {
    const owner = await registerUser(server);
    const joiner = await registerUser(server);
    const pub = await createRoom(owner, { visibility: 'public' });
    const res = await join(joiner, pub.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: pub.id, myRole: 'member' });
    expect((await join(joiner, pub.id)).body.myRole).toBe('member');

    const lockedPublic = await createRoom(owner, { visibility: 'public', password: 'sesame!' });
    const missing = expectError(await join(joiner, lockedPublic.id), 403, 'room_password_required');
    expect(missing.message).toMatch(/password/);
    expectError(
      await join(joiner, lockedPublic.id, { password: 'wrong' }),
      403,
      'room_password_required',
    );
    expect((await join(joiner, lockedPublic.id, { password: 'sesame!' })).body.myRole).toBe(
      'member',
    );

    // A private room never says it exists: without a password it is an unknown room, and a wrong
    // password is wrong for an unknown room, a private room without one and a locked one alike.
    const lockedPrivate = await createRoom(owner, { password: 'quiet please' });
    const plainPrivate = await createRoom(owner);
    for (const id of [lockedPrivate.id, plainPrivate.id, 'no-such-room']) {
      expect(expectError(await join(joiner, id), 404, 'not_found')).toEqual({
        code: 'not_found',
        message: 'No such room.',
      });
      expect(
        expectError(await join(joiner, id, { password: 'loud' }), 403, 'room_password_required'),
      ).toEqual({
        code: 'room_password_required',
        message: 'That password does not open this room.',
      });
    }
    expect((await join(joiner, lockedPrivate.id, { password: 'quiet please' })).body.myRole).toBe(
      'member',
    );
    expect((await get(joiner, lockedPrivate.id)).status).toBe(200);
  });

  it('invites: create, list, accept with their role, keep a higher role, revoke', async () => {
    const owner = await registerUser(server);
    const guestA = await registerUser(server);
    const room = await createRoom(owner);
    const created = await invite(owner, room.id, { maxUses: 3, ttlSeconds: 3600 });
    expect(created.status).toBe(201);
    expect(roomInviteSchema.parse(created.body)).toEqual(created.body);
    expect(created.body).toMatchObject({
      roomId: room.id,
      role: 'member',
      maxUses: 3,
      uses: 0,
      createdBy: owner.user.id,
      url: `https://meet.example.test/?invite=${created.body.code}`,
    });
    expect(created.body.code).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const ttl = Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt);
    expect(ttl).toBeGreaterThan(3590_000);
    expect(ttl).toBeLessThan(3610_000);

    const accepted = await accept(guestA, created.body.code);
    expect(accepted.status).toBe(200);
    expect(accepted.body.room).toMatchObject({ id: room.id, myRole: 'member' });
    const listed = await api<RoomInvite[]>(server, 'GET', `/api/rooms/${room.id}/invites`, {
      token: owner.accessToken,
    });
    expect(listed.body).toEqual([{ ...created.body, uses: 1 }]);

    const promote = (await invite(owner, room.id, { role: 'moderator' })).body;
    expect((await accept(guestA, promote.code)).body.room.myRole).toBe('moderator');
    // A lower-role invite leaves a moderator a moderator.
    expect((await accept(guestA, created.body.code)).body.room.myRole).toBe('moderator');
    // The owner accepting its own invite stays the owner.
    expect((await accept(owner, created.body.code)).body.room.myRole).toBe('owner');

    expect(
      (
        await api(server, 'DELETE', `/api/rooms/${room.id}/invites/${created.body.code}`, {
          token: owner.accessToken,
        })
      ).status,
    ).toBe(204);
    const newcomer = await registerUser(server);
    expectError(await accept(newcomer, created.body.code), 404, 'invite_invalid');
    expectError(
      await api(server, 'DELETE', `/api/rooms/${room.id}/invites/${created.body.code}`, {
        token: owner.accessToken,
      }),
      404,
      'not_found',
    );
  });

  it('invites: only owners and moderators invite, and only the owner invites moderators', async () => {
    const { owner, moderator, member, room } = await cast();
    expectError(await invite(member, room.id), 403, 'forbidden');
    expectError(
      await api(server, 'GET', `/api/rooms/${room.id}/invites`, { token: member.accessToken }),
      403,
      'forbidden',
    );
    expect((await invite(moderator, room.id)).status).toBe(201);
    expectError(await invite(moderator, room.id, { role: 'moderator' }), 403, 'forbidden');
    expect((await invite(owner, room.id, { role: 'moderator' })).status).toBe(201);
    expectError(await invite(owner, room.id, { ttlSeconds: 5 }), 400, 'validation_failed');
  });

  it('invites: a used-up, expired or unknown invite answers invite_invalid and admits nobody', async () => {
    const owner = await registerUser(server);
    const [a, b, c] = await Promise.all([
      registerUser(server),
      registerUser(server),
      registerUser(server),
    ]);
    const room = await createRoom(owner);
    const once = (await invite(owner, room.id, { maxUses: 1 })).body;
    expect((await accept(a, once.code)).status).toBe(200);
    expectError(await accept(b, once.code), 404, 'invite_invalid');
    expectError(await get(b, room.id), 404, 'not_found');

    const soon = (await invite(owner, room.id)).body;
    await server.app
      .get(DataSource)
      .getRepository(RoomInviteEntity)
      .update({ code: soon.code }, { expiresAt: new Date(Date.now() - 1000) });
    expectError(await accept(c, soon.code), 404, 'invite_invalid');
    expectError(await accept(c, 'x'.repeat(22)), 404, 'invite_invalid');
    expectError(await get(c, room.id), 404, 'not_found');

    const listed = await api<RoomInvite[]>(server, 'GET', `/api/rooms/${room.id}/invites`, {
      token: owner.accessToken,
    });
    expect(listed.body.map((i) => i.code)).not.toContain(once.code);
    expect(listed.body.map((i) => i.code)).not.toContain(soon.code);
  });

  it('participantCount follows the call events of the room', async () => {
    const owner = await registerUser(server);
    const room = await createRoom(owner, { visibility: 'public' });
    const joined = (participantId: string, principalId: string) => ({
      roomId: room.id,
      participantId,
      principalId,
      principalKind: 'user' as const,
      sessionId: 'cs_test',
      sessionStarted: participantId === 'pa_1',
      socketId: 'socket-test',
      displayName: 'Test',
      client: null,
      topology: 'mesh' as const,
      latencyMs: 1,
    });
    bus.emit('call.joined', joined('pa_1', owner.user.id));
    bus.emit('call.joined', joined('pa_2', 'guest:x:y'));
    expect((await get(owner, room.id)).body.participantCount).toBe(2);
    bus.emit('call.left', {
      roomId: room.id,
      participantId: 'pa_1',
      principalId: owner.user.id,
      sessionId: 'cs_test',
      reason: 'left',
      durationMs: 10,
    });
    expect((await get(owner, room.id)).body.participantCount).toBe(1);
    const listed = await api<Page<RoomDetails>>(server, 'GET', '/api/rooms?scope=mine', {
      token: owner.accessToken,
    });
    expect(listed.body.items.find((r) => r.id === room.id)?.participantCount).toBe(1);
  });

  it('documents every room route in OpenAPI', async () => {
    const doc = await api<{ paths: Record<string, Record<string, unknown>> }>(
      server,
      'GET',
      '/api/docs/openapi.json',
    );
    const paths = doc.body.paths;
    expect(Object.keys(paths['/api/rooms'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/api/rooms/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
    expect(paths['/api/rooms/{id}/join']).toHaveProperty('post');
    expect(Object.keys(paths['/api/rooms/{id}/members/{userId}'] ?? {}).sort()).toEqual([
      'delete',
      'patch',
    ]);
    expect(paths['/api/invites/{code}/accept']).toHaveProperty('post');
    expect(JSON.stringify(paths['/api/rooms/{id}/join'])).toContain('room_password_required');
  });
});
