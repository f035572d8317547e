import { Inject, Injectable } from '@nestjs/common';
import { DataSource, MoreThan, type Repository } from 'typeorm';
import { RoomInviteEntity } from './room-invite.entity.js';
import { storedNow } from './room.repository.js';

/** Room invites in the relational store. */
@Injectable()
export class RoomInviteRepository {
  private readonly repo: Repository<RoomInviteEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.repo = dataSource.getRepository(RoomInviteEntity);
  }

  /** Stores a new invite and returns it. */
  async insert(
    invite: Pick<
      RoomInviteEntity,
      'code' | 'roomId' | 'role' | 'expiresAt' | 'maxUses' | 'createdBy'
    >,
  ): Promise<RoomInviteEntity> {
    await this.repo.insert({ ...invite, uses: 0, createdAt: storedNow() });
    return this.repo.findOneByOrFail({ code: invite.code });
  }

  /** The invite with exactly this code (codes are case-sensitive on every store), or null. */
  async findByCode(code: string): Promise<RoomInviteEntity | null> {
    const invite = await this.repo.findOneBy({ code });
    return invite && invite.code === code ? invite : null;
  }

  /** A room's invites that have not expired, newest first; used-up ones are left out by the caller. */
  listUnexpired(roomId: string, now: Date): Promise<RoomInviteEntity[]> {
    return this.repo.find({
      where: { roomId, expiresAt: MoreThan(now) },
      order: { createdAt: 'DESC', code: 'ASC' },
    });
  }

  /** Deletes one invite of a room; false when the room has no such invite. */
  async delete(roomId: string, code: string): Promise<boolean> {
    const invite = await this.findByCode(code);
    if (!invite || invite.roomId !== roomId) return false;
    const result = await this.repo.delete({ code: invite.code, roomId });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Counts one use of the invite, only if it is still live: not expired and not used up. Atomic,
   * so that concurrent uses of the last seat cannot both win. True when the use counted.
   */
  async consume(code: string, now: Date): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update(RoomInviteEntity)
      .set({ uses: () => 'uses + 1' })
      .where('code = :code', { code })
      .andWhere('expires_at > :now', { now })
      .andWhere('(max_uses IS NULL OR uses < max_uses)')
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
