import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import type { RoomRole } from '@minimeet/protocol';
import { UserEntity } from '../users/user.entity.js';
import { RoomEntity } from './room.entity.js';

/** A user's membership of a room, with its role; the many-to-many of users and rooms. */
@Entity({ name: 'room_members' })
export class RoomMemberEntity {
  @PrimaryColumn({ name: 'room_id', type: 'varchar', length: 128 })
  roomId: string;

  @Index('idx_room_members_user')
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @ManyToOne(() => RoomEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id' })
  room?: Relation<RoomEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<UserEntity>;

  @Column({ type: 'varchar', length: 16 })
  role: RoomRole;

  /** Set by the repository with millisecond precision, so that it can serve as a page cursor. */
  @CreateDateColumn({ name: 'joined_at' })
  joinedAt: Date;
}
