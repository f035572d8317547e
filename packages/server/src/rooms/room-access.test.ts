import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinGrants, Principal } from '@minimeet/protocol';
import { PasswordHasher } from '../auth/password-hasher.js';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { loadConfig, type AppConfig } from '../config/config.js';
import { openDataSource } from '../database/data-source.js';
import { DATABASE_TARGETS, type TestDatabase } from '../test/databases.js';
import { UserRepository } from '../users/user.repository.js';
import { RoomAccessService } from './room-access.service.js';
import { RoomInviteRepository } from './room-invite.repository.js';
import { RoomMemberRepository } from './room-member.repository.js';
import { RoomMembershipService } from './room-membership.service.js';
import { InMemoryRoomOccupancy } from './room-occupancy.js';
import { RoomRepository, type NewRoom } from './room.repository.js';
import { generateInviteCode, generateRoomId, RoomsService } from './rooms.service.js';

describe.each(DATABASE_TARGETS)('rooms storage and admission on $name', (target) => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let config: AppConfig;
  let users: UserRepository;
  let rooms: RoomRepository;
  let members: RoomMemberRepository;
  let invites: RoomInviteRepository;
  let hasher: PasswordHasher;
  let access: RoomAccessService;
  let service: RoomsService;

  beforeAll(async () => {
    db = await target.create();
    config = loadConfig({
      DATABASE_URL: db.url,
      PASSWORD_HASH_MEMORY_KIB: '1024',
      PASSWORD_HASH_ITERATIONS: '1',
    });
    dataSource = await openDataSource(config.database);
    users = new UserRepository(dataSource);
    rooms = new RoomRepository(dataSource);
    members = new RoomMemberRepository(dataSource);
    invites = new RoomInviteRepository(dataSource);
    hasher = new PasswordHasher(config);
    const membership = new RoomMembershipService(rooms, members, invites, hasher);
    access = new RoomAccessService(config, rooms, members, membership);
    const bus = new EventBus();
    service = new RoomsService(
      config,
      rooms,
      members,
      invites,
      membership,
      hasher,
      new InMemoryRoomOccupancy(bus),
      bus,
    );
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  const newUser = async (displayName = 'Zoë 🎥') =>
    users.create({
      id: randomUUID(),
      email: `${randomUUID()}@example.test`,
      passwordHash: '$argon2id$test',
      displayName,
      avatarUrl: null,
    });

  const room = (ownerId: string, extra: Partial<NewRoom> = {}): NewRoom => ({
    id: generateRoomId(),
    name: 'Standup',
    visibility: 'private',
    passwordHash: null,
    capacity: 4,
    topology: 'auto',
    ownerId,
    ...extra,
  });

  const userPrincipal = (id: string): Principal => ({
    kind: 'user',
    id,
    displayName: 'U',
    avatarUrl: null,
  });

  const guest = (ownerId: string, grants: Partial<JoinGrants> & { room: string }): Principal => ({
    kind: 'guest',
    id: `guest:${ownerId}:${randomUUID()}`,
    identity: 'someone',
    displayName: 'Guest',
    avatarUrl: null,
    grants: { role: 'member', canPublish: true, canSubscribe: true, canChat: true, ...grants },
  });

  const codeOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
      return 'ok';
    } catch (err) {
      if (err instanceof AppError) return err.code;
      throw err;
    }
  };

  it('creates a room only once when two guests of the same account arrive at the same moment', async () => {
    const owner = await newUser();
    const roomId = `Team.${randomUUID()}:standup`;
    const [a, b] = await Promise.all([
      access.admit(guest(owner.id, { room: roomId }), roomId, {}),
      access.admit(guest(owner.id, { room: roomId, canPublish: false }), roomId, {}),
    ]);
    expect(a.room).toEqual({ id: roomId, name: roomId, capacity: 50, topology: 'auto' });
    expect(b.room.id).toBe(roomId);
    expect(b.permissions).toEqual({ canPublish: false, canSubscribe: true, canChat: true });
    expect(await rooms.findById(roomId)).toMatchObject({
      ownerId: owner.id,
      visibility: 'private',
    });
    expect((await members.find(roomId, owner.id))?.role).toBe('owner');
    const listed = await members.page(roomId, 10);
    expect(listed.map((m) => m.member.userId)).toEqual([owner.id]);
  });

  it('admits a guest with the role and permissions of its grants, to its own room only', async () => {
    const owner = await newUser();
    const other = await newUser();
    const roomId = generateRoomId();
    const verdict = await access.admit(
      guest(owner.id, { room: roomId, role: 'moderator', canChat: false }),
      roomId,
      {},
    );
    expect(verdict.role).toBe('moderator');
    expect(verdict.permissions).toEqual({ canPublish: true, canSubscribe: true, canChat: false });
    // Any other room is one the guest may not see: the answer of an unknown room.
    expect(await codeOf(access.admit(guest(owner.id, { room: 'elsewhere' }), roomId, {}))).toBe(
      'not_found',
    );
    // Another account's API key cannot open this account's room by naming it.
    expect(await codeOf(access.admit(guest(other.id, { room: roomId }), roomId, {}))).toBe(
      'forbidden',
    );
    expect(await access.roleOf(guest(owner.id, { room: roomId, role: 'moderator' }), roomId)).toBe(
      'moderator',
    );
    expect(await access.roleOf(guest(other.id, { room: roomId }), roomId)).toBeNull();
  });

  it('admits users by membership, invite, public room and password, and refuses the rest', async () => {
    const owner = await newUser();
    const stranger = await newUser();
    const priv = await rooms.insert(room(owner.id));
    await members.insertIfAbsent(priv.id, owner.id, 'owner');
    const pub = await rooms.insert(room(owner.id, { visibility: 'public' }));
    const locked = await rooms.insert(
      room(owner.id, { visibility: 'public', passwordHash: await hasher.hash('open sesame') }),
    );

    const ownerVerdict = await access.admit(userPrincipal(owner.id), priv.id, {});
    expect(ownerVerdict).toMatchObject({
      role: 'owner',
      permissions: { canPublish: true, canSubscribe: true, canChat: true },
    });
    // A private room the stranger may not see answers as an unknown one, whatever it brings.
    for (const roomId of [priv.id, 'no-such-room']) {
      expect(await codeOf(access.admit(userPrincipal(stranger.id), roomId, {}))).toBe('not_found');
      expect(
        await codeOf(access.admit(userPrincipal(stranger.id), roomId, { inviteCode: 'nope' })),
      ).toBe('invite_invalid');
      expect(
        await codeOf(access.admit(userPrincipal(stranger.id), roomId, { password: 'guess' })),
      ).toBe('room_password_required');
    }

    expect((await access.admit(userPrincipal(stranger.id), pub.id, {})).role).toBe('member');
    expect(await access.roleOf(userPrincipal(stranger.id), pub.id)).toBe('member');

    expect(await codeOf(access.admit(userPrincipal(stranger.id), locked.id, {}))).toBe(
      'room_password_required',
    );
    expect(
      await codeOf(access.admit(userPrincipal(stranger.id), locked.id, { password: 'wrong!' })),
    ).toBe('room_password_required');
    expect(
      (await access.admit(userPrincipal(stranger.id), locked.id, { password: 'open sesame' })).role,
    ).toBe('member');

    const code = generateInviteCode();
    await invites.insert({
      code,
      roomId: priv.id,
      role: 'moderator',
      expiresAt: new Date(Date.now() + 60_000),
      maxUses: 1,
      createdBy: owner.id,
    });
    expect(
      (await access.admit(userPrincipal(stranger.id), priv.id, { inviteCode: code })).role,
    ).toBe('moderator');
    expect((await invites.findByCode(code))?.uses).toBe(1);
    expect(await access.roleOf(userPrincipal(stranger.id), priv.id)).toBe('moderator');
    await members.remove(priv.id, stranger.id);
    expect(await access.roleOf(userPrincipal(stranger.id), priv.id)).toBeNull();
  });

  it('lets only one of two concurrent uses of the last seat of an invite count', async () => {
    const owner = await newUser();
    const r = await rooms.insert(room(owner.id));
    const code = generateInviteCode();
    await invites.insert({
      code,
      roomId: r.id,
      role: 'member',
      expiresAt: new Date(Date.now() + 60_000),
      maxUses: 1,
      createdBy: owner.id,
    });
    const results = await Promise.all([
      invites.consume(code, new Date()),
      invites.consume(code, new Date()),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await invites.consume(code, new Date())).toBe(false);
  });

  it('does not count a use of an expired invite', async () => {
    const owner = await newUser();
    const r = await rooms.insert(room(owner.id));
    const code = generateInviteCode();
    await invites.insert({
      code,
      roomId: r.id,
      role: 'member',
      expiresAt: new Date(Date.now() - 1000),
      maxUses: null,
      createdBy: owner.id,
    });
    expect(await invites.consume(code, new Date())).toBe(false);
    expect(await invites.listUnexpired(r.id, new Date())).toEqual([]);
  });

  it('pages through rooms created within the same millisecond without duplicates or gaps', async () => {
    const owner = await newUser();
    const created = await Promise.all(
      Array.from({ length: 23 }, () => rooms.insert(room(owner.id, { visibility: 'public' }))),
    );
    for (const r of created) await members.insertIfAbsent(r.id, owner.id, 'owner');
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await service.list(owner.id, { scope: 'mine', limit: 5, cursor });
      seen.push(...result.items.map((r) => r.id));
      expect(result.items.every((r) => r.myRole === 'owner')).toBe(true);
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toHaveLength(23);
    expect(new Set(seen)).toEqual(new Set(created.map((r) => r.id)));
    const times = await Promise.all(seen.map(async (id) => (await rooms.findById(id))!.createdAt));
    for (let i = 1; i < times.length; i++)
      expect(times[i - 1].getTime()).toBeGreaterThanOrEqual(times[i].getTime());
  });

  it('pages through members in the order they joined', async () => {
    const owner = await newUser();
    const r = await rooms.insert(room(owner.id));
    await members.insertIfAbsent(r.id, owner.id, 'owner');
    const joined = await Promise.all(Array.from({ length: 7 }, () => newUser('Member 测试')));
    await Promise.all(joined.map((u) => members.insertIfAbsent(r.id, u.id, 'member')));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await service.listMembers(owner.id, r.id, { limit: 3, cursor });
      seen.push(...result.items.map((m) => m.userId));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toHaveLength(8);
    expect(seen[0]).toBe(owner.id);
    expect(new Set(seen)).toEqual(new Set([owner.id, ...joined.map((u) => u.id)]));
  });

  it('keeps the higher role when a member is granted a lower one', async () => {
    const owner = await newUser();
    const user = await newUser();
    const r = await rooms.insert(room(owner.id));
    const membership = new RoomMembershipService(rooms, members, invites, hasher);
    expect(await membership.grant(r.id, user.id, 'moderator')).toBe('moderator');
    expect(await membership.grant(r.id, user.id, 'member')).toBe('moderator');
    const [x, y] = await Promise.all([
      membership.grant(r.id, owner.id, 'owner'),
      membership.grant(r.id, owner.id, 'owner'),
    ]);
    expect([x, y]).toEqual(['owner', 'owner']);
  });

  it('deletes members and invites with their room', async () => {
    const owner = await newUser();
    const r = await rooms.insert(room(owner.id));
    await members.insertIfAbsent(r.id, owner.id, 'owner');
    const code = generateInviteCode();
    await invites.insert({
      code,
      roomId: r.id,
      role: 'member',
      expiresAt: new Date(Date.now() + 60_000),
      maxUses: null,
      createdBy: owner.id,
    });
    expect(await rooms.delete(r.id)).toBe(true);
    expect(await members.find(r.id, owner.id)).toBeNull();
    expect(await invites.findByCode(code)).toBeNull();
    expect(await rooms.delete(r.id)).toBe(false);
  });

  it('treats room ids and invite codes as case-sensitive', async () => {
    const owner = await newUser();
    const r = await rooms.insert(room(owner.id, { id: `Case-${randomUUID()}` }));
    expect(await rooms.findById(r.id)).not.toBeNull();
    expect(await rooms.findById(r.id.toLowerCase())).toBeNull();
    const code = 'AbCdEfGhIjKlMnOpQrStUv';
    await invites.insert({
      code,
      roomId: r.id,
      role: 'member',
      expiresAt: new Date(Date.now() + 60_000),
      maxUses: null,
      createdBy: owner.id,
    });
    expect(await invites.findByCode(code.toLowerCase())).toBeNull();
    expect((await invites.findByCode(code))?.code).toBe(code);
  });

  it('keeps unicode room names and a null owner when the owner account is deleted', async () => {
    const owner = await newUser();
    const r = await rooms.insert(room(owner.id, { name: 'Zoë 🎥 测试 <b>' }));
    expect((await rooms.findById(r.id))?.name).toBe('Zoë 🎥 测试 <b>');
    await dataSource.getRepository('UserEntity').delete({ id: owner.id });
    expect((await rooms.findById(r.id))?.ownerId).toBeNull();
  });
});
