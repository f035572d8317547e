import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordHasher } from '../auth/password-hasher.js';
import { loadConfig } from '../config/config.js';
import { openDataSource } from '../database/data-source.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { RoomInviteRepository } from '../rooms/room-invite.repository.js';
import { RoomMemberRepository } from '../rooms/room-member.repository.js';
import { RoomMembershipService } from '../rooms/room-membership.service.js';
import { RoomRepository } from '../rooms/room.repository.js';
import { DATABASE_TARGETS, type TestDatabase } from '../test/databases.js';
import { UserRepository } from '../users/user.repository.js';

/** The reads presence makes of the relational store, on every store the server supports. */
describe.each(DATABASE_TARGETS)('what presence reads from $name', (target) => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let users: UserRepository;
  let rooms: RoomRepository;
  let members: RoomMemberRepository;
  let access: RoomAccessService;

  beforeAll(async () => {
    db = await target.create();
    const config = loadConfig({
      DATABASE_URL: db.url,
      PASSWORD_HASH_MEMORY_KIB: '1024',
      PASSWORD_HASH_ITERATIONS: '1',
    });
    dataSource = await openDataSource(config.database);
    users = new UserRepository(dataSource);
    rooms = new RoomRepository(dataSource);
    members = new RoomMemberRepository(dataSource);
    const invites = new RoomInviteRepository(dataSource);
    const membership = new RoomMembershipService(
      rooms,
      members,
      invites,
      new PasswordHasher(config),
    );
    access = new RoomAccessService(config, rooms, members, membership);
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  const newUser = async () =>
    (
      await users.create({
        id: randomUUID(),
        email: `${randomUUID()}@example.test`,
        passwordHash: '$argon2id$test',
        displayName: 'Someone',
        avatarUrl: null,
      })
    ).id;

  async function newRoom(ownerId: string, visibility: 'public' | 'private', memberIds: string[]) {
    const id = `room-${randomUUID().slice(0, 8)}`;
    await rooms.insert({
      id,
      name: 'Room',
      visibility,
      passwordHash: null,
      capacity: 4,
      topology: 'auto',
      ownerId,
    });
    await members.insertIfAbsent(id, ownerId, 'owner');
    for (const m of memberIds) await members.insertIfAbsent(id, m, 'member');
    return id;
  }

  it('finds who shares a room with a user, each once, never the user itself', async () => {
    const [me, a, b, stranger] = [
      await newUser(),
      await newUser(),
      await newUser(),
      await newUser(),
    ];
    await newRoom(me, 'public', [a, b]);
    await newRoom(a, 'private', [me]);
    await newRoom(stranger, 'private', []);
    expect((await access.usersSharingRoomWith(me, 100)).sort()).toEqual([a, b].sort());
    expect(await access.usersSharingRoomWith(stranger, 100)).toEqual([]);
    expect(await access.usersSharingRoomWith(me, 1)).toHaveLength(1);
    // Among given ids: only exact matches that share a room.
    expect(
      (await access.usersSharingRoomWith(me, 10, [a, stranger, me, a.toUpperCase()])).sort(),
    ).toEqual([a]);
    expect(await access.usersSharingRoomWith(me, 10, [])).toEqual([]);
  });

  it('lists a room’s members and tells a private room from a public one', async () => {
    const [owner, m] = [await newUser(), await newUser()];
    const open = await newRoom(owner, 'public', [m]);
    const closed = await newRoom(owner, 'private', []);
    expect((await access.memberIdsOf(open, 100)).sort()).toEqual([owner, m].sort());
    expect(await access.memberIdsOf('no-such-room', 100)).toEqual([]);
    expect(await access.isPrivate(open)).toBe(false);
    expect(await access.isPrivate(closed)).toBe(true);
    expect(await access.isPrivate('no-such-room')).toBe(true);
  });

  it('keeps last seen without touching the profile’s updatedAt', async () => {
    const id = await newUser();
    const before = await users.findById(id);
    expect(before?.lastSeenAt).toBeNull();
    expect((await users.lastSeen([id])).size).toBe(0);
    const at = new Date('2025-03-04T05:06:07.000Z');
    await users.setLastSeen(id, at);
    const seen = await users.lastSeen([id, randomUUID()]);
    expect([...seen]).toEqual([[id, at]]);
    const after = await users.findById(id);
    expect(after?.updatedAt.getTime()).toBe(before?.updatedAt.getTime());
    expect(await users.lastSeen([])).toEqual(new Map());
  });
});
