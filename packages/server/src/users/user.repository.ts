import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, QueryFailedError, type Repository } from 'typeorm';
import { UserEntity } from './user.entity.js';

/** Thrown by {@link UserRepository.create} when the email is already registered. */
export class DuplicateEmailError extends Error {
  override name = 'DuplicateEmailError';
}

function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const e = err.driverError as { code?: string; errno?: number };
  return (
    e.code === 'ER_DUP_ENTRY' ||
    e.code === '23505' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** Users in the relational store. */
@Injectable()
export class UserRepository {
  private readonly repo: Repository<UserEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.repo = dataSource.getRepository(UserEntity);
  }

  /** Inserts a user; rejects with {@link DuplicateEmailError} when the email exists. */
  async create(
    user: Pick<UserEntity, 'id' | 'email' | 'passwordHash' | 'displayName' | 'avatarUrl'>,
  ): Promise<UserEntity> {
    try {
      await this.repo.insert(user);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateEmailError(user.email);
      throw err;
    }
    return this.repo.findOneByOrFail({ id: user.id });
  }

  /** The user with this id, or null. */
  findById(id: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** The user with this normalised email, or null. */
  findByEmail(email: string): Promise<UserEntity | null> {
    return this.repo.findOneBy({ email });
  }

  /** Replaces the password hash. */
  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.repo.update({ id }, { passwordHash });
  }

  /**
   * Disables the account (`at`) or enables it (null), without touching `updated_at` (it is not a
   * change of the profile). Returns the user as it is now, or null if it does not exist. Disabling
   * an account already disabled keeps the first time.
   */
  async setDisabled(id: string, at: Date | null): Promise<UserEntity | null> {
    await this.repo
      .createQueryBuilder()
      .update(UserEntity)
      .set({ disabledAt: at, updatedAt: () => 'updated_at' })
      .where(at === null ? 'id = :id' : 'id = :id AND disabled_at IS NULL', { id })
      .execute();
    return this.findById(id);
  }

  /** Changes profile fields and returns the updated user, or null if it does not exist. */
  async update(
    id: string,
    patch: Partial<Pick<UserEntity, 'displayName' | 'avatarUrl'>>,
  ): Promise<UserEntity | null> {
    await this.repo.update({ id }, patch);
    return this.findById(id);
  }

  /**
   * Makes the user with this (normalised) email an operator, or not; false when there is no such
   * user. `updated_at` stays: a role is not a profile change.
   */
  async setOperator(email: string, operator: boolean): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update(UserEntity)
      .set({ operator: operator ? 1 : 0, updatedAt: () => 'updated_at' })
      .where('email = :email', { email: email.trim().toLowerCase() })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Records when the user was last connected, without touching `updated_at` (seeing someone is
   * not a change of their profile).
   */
  async setLastSeen(id: string, at: Date): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update(UserEntity)
      .set({ lastSeenAt: at, updatedAt: () => 'updated_at' })
      .where('id = :id', { id })
      .execute();
  }

  /** When each of these users was last connected, for those who have been (absent otherwise). */
  async lastSeen(ids: readonly string[]): Promise<Map<string, Date>> {
    const seen = new Map<string, Date>();
    if (ids.length === 0) return seen;
    const rows = await this.repo.find({
      select: { id: true, lastSeenAt: true },
      where: { id: In([...ids]) },
    });
    for (const row of rows) if (row.lastSeenAt) seen.set(row.id, row.lastSeenAt);
    return seen;
  }
}
