import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRepository } from '../auth/api-key.repository.js';
import { RefreshTokenEntity } from '../auth/refresh-token.entity.js';
import { RefreshTokenRepository } from '../auth/refresh-token.repository.js';
import { loadConfig } from '../config/config.js';
import { DATABASE_TARGETS, type TestDatabase } from '../test/databases.js';
import { DuplicateEmailError, UserRepository } from '../users/user.repository.js';
import { openDataSource } from './data-source.js';
import { MIGRATIONS } from './migrations/index.js';

describe.each(DATABASE_TARGETS)('repositories on $name', (target) => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let users: UserRepository;
  let refreshTokens: RefreshTokenRepository;
  let apiKeys: ApiKeyRepository;

  beforeAll(async () => {
    db = await target.create();
    dataSource = await openDataSource(loadConfig({ DATABASE_URL: db.url }).database);
    users = new UserRepository(dataSource);
    refreshTokens = new RefreshTokenRepository(dataSource);
    apiKeys = new ApiKeyRepository(dataSource);
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  const newUser = (email = `${randomUUID()}@example.test`) =>
    users.create({
      id: randomUUID(),
      email,
      passwordHash: '$argon2id$test',
      displayName: 'Zoë 🎥 测试',
      avatarUrl: null,
    });

  it('migrations leave the schema exactly as the entities describe it', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('migrations revert and apply again', async () => {
    const tables = ['users', 'rooms', 'room_members', 'room_invites'];
    const present = async () => {
      const runner = dataSource.createQueryRunner();
      try {
        return await Promise.all(tables.map((t) => runner.hasTable(t)));
      } finally {
        await runner.release();
      }
    };
    for (let i = 0; i < MIGRATIONS.length; i++)
      await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await present()).toEqual([false, false, false, false]);
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await present()).toEqual([true, true, true, true]);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('stores a user and finds it by id and email, keeping unicode intact', async () => {
    const created = await newUser();
    expect(created.createdAt).toBeInstanceOf(Date);
    expect((await users.findById(created.id))?.displayName).toBe('Zoë 🎥 测试');
    expect((await users.findByEmail(created.email))?.id).toBe(created.id);
    expect(await users.findByEmail('nobody@example.test')).toBeNull();
  });

  it('refuses a second user with the same email', async () => {
    const first = await newUser();
    await expect(newUser(first.email)).rejects.toBeInstanceOf(DuplicateEmailError);
  });

  it('updates profile fields', async () => {
    const user = await newUser();
    const updated = await users.update(user.id, {
      displayName: 'New name',
      avatarUrl: 'https://example.test/a.png',
    });
    expect(updated).toMatchObject({
      displayName: 'New name',
      avatarUrl: 'https://example.test/a.png',
    });
  });

  it('lets only one of two concurrent uses of a refresh token win', async () => {
    const user = await newUser();
    const id = randomUUID();
    const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    await refreshTokens.insert({
      id,
      userId: user.id,
      familyId: randomUUID(),
      tokenHash: randomUUID().replace(/-/g, ''),
      expiresAt,
    });
    const results = await Promise.all([
      refreshTokens.markUsed(id, new Date()),
      refreshTokens.markUsed(id, new Date()),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await dataSource.getRepository(RefreshTokenEntity).findOneByOrFail({ id });
    const row = await refreshTokens.findByHash(stored.tokenHash);
    expect(row?.usedAt).toBeInstanceOf(Date);
    expect(row?.expiresAt.getTime()).toBe(expiresAt.getTime());
  });

  it('revokes every token of one family and no other', async () => {
    const user = await newUser();
    const family = randomUUID();
    const other = randomUUID();
    const hashes = [randomUUID(), randomUUID(), randomUUID()].map((h) => h.replace(/-/g, ''));
    const expiresAt = new Date(Date.now() + 3_600_000);
    await refreshTokens.insert({
      id: randomUUID(),
      userId: user.id,
      familyId: family,
      tokenHash: hashes[0],
      expiresAt,
    });
    await refreshTokens.insert({
      id: randomUUID(),
      userId: user.id,
      familyId: family,
      tokenHash: hashes[1],
      expiresAt,
    });
    await refreshTokens.insert({
      id: randomUUID(),
      userId: user.id,
      familyId: other,
      tokenHash: hashes[2],
      expiresAt,
    });
    await refreshTokens.revokeFamily(family, new Date());
    expect((await refreshTokens.findByHash(hashes[0]))?.revokedAt).toBeInstanceOf(Date);
    expect((await refreshTokens.findByHash(hashes[1]))?.revokedAt).toBeInstanceOf(Date);
    expect((await refreshTokens.findByHash(hashes[2]))?.revokedAt).toBeNull();
  });

  it('lists the live sessions of a user, revokes all but one, and forgets the unused tokens of one', async () => {
    const user = await newUser();
    const stranger = await newUser();
    const [kept, ended, stale, revoked, foreign] = Array.from({ length: 5 }, () => randomUUID());
    const token = (userId: string, familyId: string, expiresInMs: number) => {
      const tokenHash = randomUUID().replace(/-/g, '');
      return refreshTokens
        .insert({
          id: randomUUID(),
          userId,
          familyId,
          tokenHash,
          expiresAt: new Date(Date.now() + expiresInMs),
        })
        .then(() => tokenHash);
    };
    const keptUsed = await token(user.id, kept, 3_600_000);
    const keptLive = await token(user.id, kept, 3_600_000);
    const endedLive = await token(user.id, ended, 3_600_000);
    await token(user.id, stale, -3_600_000);
    await token(user.id, revoked, 3_600_000);
    await refreshTokens.revokeFamily(revoked, new Date());
    await token(stranger.id, foreign, 3_600_000);
    await refreshTokens.markUsed((await refreshTokens.findByHash(keptUsed))!.id, new Date());

    const since = new Date(Date.now() - 60_000);
    expect((await refreshTokens.liveFamilies(user.id, since)).sort()).toEqual([kept, ended].sort());

    await refreshTokens.revokeAllForUser(user.id, new Date(), kept);
    expect(await refreshTokens.isFamilyRevoked(ended)).toBe(true);
    expect(await refreshTokens.isFamilyRevoked(kept)).toBe(false);
    expect((await refreshTokens.findByHash(endedLive))?.revokedAt).toBeInstanceOf(Date);
    expect(await refreshTokens.liveFamilies(user.id, since)).toEqual([kept]);
    expect(await refreshTokens.liveFamilies(stranger.id, since)).toEqual([foreign]);

    await refreshTokens.dropUnused(kept);
    expect(await refreshTokens.findByHash(keptLive)).toBeNull();
    expect((await refreshTokens.findByHash(keptUsed))?.usedAt).toBeInstanceOf(Date);
    expect(await refreshTokens.isFamilyRevoked(kept)).toBe(false);
  });

  it('disables an account once, enables it, and leaves updated_at alone', async () => {
    const user = await newUser();
    const first = new Date(Math.floor(Date.now() / 1000) * 1000 - 5000);
    const disabled = await users.setDisabled(user.id, first);
    expect(disabled?.disabledAt?.getTime()).toBe(first.getTime());
    expect(disabled?.updatedAt.getTime()).toBe(user.updatedAt.getTime());
    const again = await users.setDisabled(user.id, new Date());
    expect(again?.disabledAt?.getTime()).toBe(first.getTime());
    expect((await users.setDisabled(user.id, null))?.disabledAt).toBeNull();
    expect(await users.setDisabled(randomUUID(), new Date())).toBeNull();
  });

  it('lists, revokes and touches API keys of their owner only', async () => {
    const owner = await newUser();
    const stranger = await newUser();
    const key = await apiKeys.insert({
      id: `mk_${randomUUID().slice(0, 16)}`,
      userId: owner.id,
      name: 'backend',
      secretHash: 'a'.repeat(64),
      publicKey: 'b'.repeat(43),
    });
    expect((await apiKeys.listByUser(owner.id)).map((k) => k.id)).toEqual([key.id]);
    expect(await apiKeys.revoke(stranger.id, key.id, new Date())).toBe(false);
    await apiKeys.touch(key.id, new Date());
    expect((await apiKeys.findById(key.id))?.lastUsedAt).toBeInstanceOf(Date);
    expect(await apiKeys.revoke(owner.id, key.id, new Date())).toBe(true);
    expect(await apiKeys.revoke(owner.id, key.id, new Date())).toBe(false);
  });

  it('deletes a user’s tokens and keys with the user', async () => {
    const user = await newUser();
    const tokenHash = randomUUID().replace(/-/g, '');
    await refreshTokens.insert({
      id: randomUUID(),
      userId: user.id,
      familyId: randomUUID(),
      tokenHash,
      expiresAt: new Date(Date.now() + 60_000),
    });
    const key = await apiKeys.insert({
      id: `mk_${randomUUID().slice(0, 16)}`,
      userId: user.id,
      name: 'k',
      secretHash: 'c'.repeat(64),
      publicKey: 'd'.repeat(43),
    });
    await dataSource.getRepository('UserEntity').delete({ id: user.id });
    expect(await refreshTokens.findByHash(tokenHash)).toBeNull();
    expect(await apiKeys.findById(key.id)).toBeNull();
  });
});
