import { Inject, Injectable } from '@nestjs/common';
import { DataSource, IsNull, MoreThan, Not, type Repository } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity.js';

/** Refresh tokens in the relational store, looked up by the SHA-256 of the token. */
@Injectable()
export class RefreshTokenRepository {
  private readonly repo: Repository<RefreshTokenEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.repo = dataSource.getRepository(RefreshTokenEntity);
  }

  /** Stores a new token of a family. */
  async insert(
    token: Pick<RefreshTokenEntity, 'id' | 'userId' | 'familyId' | 'tokenHash' | 'expiresAt'>,
  ): Promise<void> {
    await this.repo.insert({ ...token, usedAt: null, revokedAt: null });
  }

  /** The token with this hash, or null. */
  findByHash(tokenHash: string): Promise<RefreshTokenEntity | null> {
    return this.repo.findOneBy({ tokenHash });
  }

  /**
   * Marks a token used, only if nobody used it first. Returns false when another request won the
   * race: that second use is a reuse.
   */
  async markUsed(id: string, at: Date): Promise<boolean> {
    const result = await this.repo.update(
      { id, usedAt: IsNull(), revokedAt: IsNull() },
      { usedAt: at },
    );
    return (result.affected ?? 0) === 1;
  }

  /**
   * True when any token of the family has been revoked. Revocation is of whole families, so one
   * revoked member means the family is dead, even for a token stored while it was being revoked.
   */
  isFamilyRevoked(familyId: string): Promise<boolean> {
    return this.repo.exists({ where: { familyId, revokedAt: Not(IsNull()) } });
  }

  /**
   * The families (sessions) of a user that are not revoked and whose newest token expires after
   * `since`: every session that may still hold an access token issued after `since`, and more.
   */
  async liveFamilies(userId: string, since: Date): Promise<string[]> {
    const rows = await this.repo
      .createQueryBuilder('t')
      .select('DISTINCT t.family_id', 'familyId')
      .where({ userId, revokedAt: IsNull(), expiresAt: MoreThan(since) })
      .getRawMany<{ familyId: string }>();
    return rows.map((r) => r.familyId);
  }

  /**
   * Revokes every live token of every family of a user (a sign-out everywhere), except those of
   * the family `keep` when given.
   */
  async revokeAllForUser(userId: string, at: Date, keep?: string): Promise<void> {
    await this.repo.update(
      keep === undefined
        ? { userId, revokedAt: IsNull() }
        : { userId, revokedAt: IsNull(), familyId: Not(keep) },
      { revokedAt: at },
    );
  }

  /**
   * Forgets the unused tokens of a family, so that the family goes on with a token issued after
   * this: the forgotten ones are then unknown (`token_invalid`), and presenting one is not a reuse
   * that would end the family.
   */
  async dropUnused(familyId: string): Promise<void> {
    await this.repo.delete({ familyId, usedAt: IsNull(), revokedAt: IsNull() });
  }

  /** Revokes every live token of a family. */
  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.repo.update({ familyId, revokedAt: IsNull() }, { revokedAt: at });
  }
}
