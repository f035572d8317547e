import { Inject, Injectable } from '@nestjs/common';
import { DataSource, IsNull, type Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity.js';

/** API keys in the relational store. */
@Injectable()
export class ApiKeyRepository {
  private readonly repo: Repository<ApiKeyEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.repo = dataSource.getRepository(ApiKeyEntity);
  }

  /** Stores a new key and returns it. */
  async insert(
    key: Pick<ApiKeyEntity, 'id' | 'userId' | 'name' | 'secretHash' | 'publicKey'>,
  ): Promise<ApiKeyEntity> {
    await this.repo.insert({ ...key, lastUsedAt: null, revokedAt: null });
    return this.repo.findOneByOrFail({ id: key.id });
  }

  /** The key with this id, or null. */
  findById(id: string): Promise<ApiKeyEntity | null> {
    return this.repo.findOneBy({ id });
  }

  /** A user's keys, newest first. */
  listByUser(userId: string): Promise<ApiKeyEntity[]> {
    return this.repo.find({ where: { userId }, order: { createdAt: 'DESC' } });
  }

  /** Revokes one of a user's keys; false if the user has no such live key. */
  async revoke(userId: string, id: string, at: Date): Promise<boolean> {
    const result = await this.repo.update({ id, userId, revokedAt: IsNull() }, { revokedAt: at });
    return (result.affected ?? 0) === 1;
  }

  /** Records a use of the key. */
  async touch(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
  }
}
