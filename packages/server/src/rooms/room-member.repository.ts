import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import type { RoomRole } from '@minimeet/protocol';
import { UserEntity } from '../users/user.entity.js';
import { RoomMemberEntity } from './room-member.entity.js';
import { isUniqueViolation, storedNow } from './room.repository.js';

/** The position after which a page of members starts (the last member of the previous page). */
export interface MemberPosition {
  joinedAt: Date;
  userId: string;
}

/** A membership with the member's public profile. */
export interface MemberWithProfile {
  member: RoomMemberEntity;
  displayName: string;
  avatarUrl: string | null;
}

interface ProfileColumns {
  display_name: string;
  avatar_url: string | null;
}

/** Room memberships in the relational store. */
@Injectable()
export class RoomMemberRepository {
  private readonly repo: Repository<RoomMemberEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.repo = dataSource.getRepository(RoomMemberEntity);
  }

  /** Makes the user a member unless it already is one; true when this call added it. */
  async insertIfAbsent(roomId: string, userId: string, role: RoomRole): Promise<boolean> {
    try {
      await this.repo.insert({ roomId, userId, role, joinedAt: storedNow() });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** The user's membership of the room, or null. */
  async find(roomId: string, userId: string): Promise<RoomMemberEntity | null> {
    const member = await this.repo.findOneBy({ roomId, userId });
    return member && member.roomId === roomId ? member : null;
  }

  /**
   * Changes a member's role, only if it still holds `from`; false when it does not (someone else
   * changed or removed it first).
   */
  async changeRole(roomId: string, userId: string, from: RoomRole, to: RoomRole): Promise<boolean> {
    const result = await this.repo.update({ roomId, userId, role: from }, { role: to });
    return (result.affected ?? 0) > 0;
  }

  /** Ends a membership; false when there was none. */
  async remove(roomId: string, userId: string): Promise<boolean> {
    const result = await this.repo.delete({ roomId, userId });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Ids of the users who share at least one room with `userId` (never `userId` itself), at most
   * `limit`; with `among`, only those of its ids (compared exactly, whatever the store's collation).
   */
  async coMemberIds(userId: string, limit: number, among?: readonly string[]): Promise<string[]> {
    if (among?.length === 0) return [];
    const qb = this.repo
      .createQueryBuilder('a')
      .innerJoin(RoomMemberEntity, 'b', 'b.room_id = a.room_id')
      .select('DISTINCT b.user_id', 'userId')
      .where('a.user_id = :userId', { userId })
      .andWhere('b.user_id <> :userId', { userId });
    if (among) qb.andWhere('b.user_id IN (:...among)', { among: [...among] });
    const rows = await qb.limit(limit).getRawMany<{ userId: string }>();
    const wanted = among ? new Set(among) : null;
    return rows.map((r) => r.userId).filter((id) => id !== userId && (!wanted || wanted.has(id)));
  }

  /** Ids of the rooms the user is a member of (compared exactly, whatever the collation). */
  async roomIdsOfUser(userId: string): Promise<string[]> {
    const rows = await this.repo
      .createQueryBuilder('m')
      .select('m.room_id', 'roomId')
      .addSelect('m.user_id', 'userId')
      .where('m.user_id = :userId', { userId })
      .getRawMany<{ roomId: string; userId: string }>();
    return rows.filter((r) => r.userId === userId).map((r) => r.roomId);
  }

  /** Ids of a room's members, at most `limit`. */
  async memberIds(roomId: string, limit: number): Promise<string[]> {
    const rows = await this.repo.find({
      select: { roomId: true, userId: true },
      where: { roomId },
      take: limit,
    });
    return rows.filter((r) => r.roomId === roomId).map((r) => r.userId);
  }

  /** One membership with the member's profile, or null. */
  async findWithProfile(roomId: string, userId: string): Promise<MemberWithProfile | null> {
    const rows = await this.withProfile(roomId)
      .andWhere('m.userId = :userId', { userId })
      .getRawAndEntities<ProfileColumns>();
    return this.combine(rows).find((r) => r.member.roomId === roomId) ?? null;
  }

  /** One page of a room's members in the order they joined (ties broken by user id). */
  async page(roomId: string, limit: number, after?: MemberPosition): Promise<MemberWithProfile[]> {
    const qb = this.withProfile(roomId);
    if (after) {
      qb.andWhere('(m.joinedAt > :afterAt OR (m.joinedAt = :afterAt AND m.userId > :afterId))', {
        afterAt: after.joinedAt,
        afterId: after.userId,
      });
    }
    qb.orderBy('m.joinedAt', 'ASC').addOrderBy('m.userId', 'ASC').limit(limit);
    return this.combine(await qb.getRawAndEntities<ProfileColumns>());
  }

  private withProfile(roomId: string): SelectQueryBuilder<RoomMemberEntity> {
    return this.repo
      .createQueryBuilder('m')
      .innerJoin(UserEntity, 'u', 'u.id = m.user_id')
      .addSelect('u.display_name', 'display_name')
      .addSelect('u.avatar_url', 'avatar_url')
      .where('m.roomId = :roomId', { roomId });
  }

  private combine({
    entities,
    raw,
  }: {
    entities: RoomMemberEntity[];
    raw: ProfileColumns[];
  }): MemberWithProfile[] {
    return entities.map((member, i) => ({
      member,
      displayName: raw[i]?.display_name ?? '',
      avatarUrl: raw[i]?.avatar_url ?? null,
    }));
  }
}
