import { Inject, Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type Repository } from 'typeorm';
import type { RoomRole } from '@minimeet/protocol';
import { RoomMemberEntity } from './room-member.entity.js';
import { RoomEntity } from './room.entity.js';

/** True when a query failed on a primary-key or unique constraint, on any supported store. */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const e = err.driverError as { code?: string };
  return (
    e.code === 'ER_DUP_ENTRY' ||
    e.code === '23505' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** A time truncated to whole milliseconds, so that what is stored reads back exactly as written. */
export function storedNow(): Date {
  return new Date(Date.now());
}

/** The fields a new room is stored with. */
export type NewRoom = Pick<
  RoomEntity,
  'id' | 'name' | 'visibility' | 'passwordHash' | 'capacity' | 'topology' | 'ownerId'
>;

/** Which rooms a listing covers: the caller's, the public ones, or both. */
export type RoomScope = 'mine' | 'public' | 'all';

/** The position after which a page of rooms starts (the last room of the previous page). */
export interface RoomPosition {
  createdAt: Date;
  id: string;
}

/** A room with the role of the user who asked, or null when that user is not a member. */
export interface RoomWithRole {
  room: RoomEntity;
  role: RoomRole | null;
}

/** Rooms in the relational store. */
@Injectable()
export class RoomRepository {
  private readonly repo: Repository<RoomEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.repo = dataSource.getRepository(RoomEntity);
  }

  /** Stores a new room; rejects with a unique violation when the id is taken. */
  async insert(room: NewRoom): Promise<RoomEntity> {
    const now = storedNow();
    await this.repo.insert({ ...room, createdAt: now, updatedAt: now });
    return this.repo.findOneByOrFail({ id: room.id });
  }

  /**
   * Stores the room unless one with its id exists. True when this call created it; two callers
   * racing for the same id both succeed, and exactly one of them gets true.
   */
  async insertIfAbsent(room: NewRoom): Promise<boolean> {
    try {
      await this.insert(room);
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** The room with this id, or null. */
  async findById(id: string): Promise<RoomEntity | null> {
    const room = await this.repo.findOneBy({ id });
    // MariaDB compares ids case-insensitively; a room id is case-sensitive everywhere else.
    return room && room.id === id ? room : null;
  }

  /** Changes a room's settings and returns it as it is now, or null if it does not exist. */
  async update(
    id: string,
    patch: Partial<
      Pick<
        RoomEntity,
        'name' | 'visibility' | 'passwordHash' | 'capacity' | 'topology' | 'locked' | 'lobby'
      >
    >,
  ): Promise<RoomEntity | null> {
    await this.repo.update({ id }, patch);
    return this.findById(id);
  }

  /** Deletes a room with its members and invites (cascade); false when there was no such room. */
  async delete(id: string): Promise<boolean> {
    const result = await this.repo.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /**
   * One page of the rooms a user sees in a scope, newest first (ties broken by id), starting after
   * `after`. Each comes with the user's role in it.
   */
  async page(
    userId: string,
    scope: RoomScope,
    limit: number,
    after?: RoomPosition,
  ): Promise<RoomWithRole[]> {
    const qb = this.repo
      .createQueryBuilder('r')
      .leftJoin(RoomMemberEntity, 'm', 'm.room_id = r.id AND m.user_id = :userId', { userId })
      .addSelect('m.role', 'my_role');
    if (scope === 'mine') qb.where('m.user_id IS NOT NULL');
    else if (scope === 'public') qb.where('r.visibility = :public', { public: 'public' });
    else qb.where('(m.user_id IS NOT NULL OR r.visibility = :public)', { public: 'public' });
    if (after) {
      qb.andWhere('(r.createdAt < :afterAt OR (r.createdAt = :afterAt AND r.id < :afterId))', {
        afterAt: after.createdAt,
        afterId: after.id,
      });
    }
    qb.orderBy('r.createdAt', 'DESC').addOrderBy('r.id', 'DESC').limit(limit);
    const { entities, raw } = await qb.getRawAndEntities<{ my_role: RoomRole | null }>();
    return entities.map((room, i) => ({ room, role: raw[i]?.my_role ?? null }));
  }
}
