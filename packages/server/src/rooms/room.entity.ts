import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import type { RoomTopology, RoomVisibility } from '@minimeet/protocol';
import { UserEntity } from '../users/user.entity.js';

/** A room: a place with a call, members and invites. */
@Entity({ name: 'rooms' })
@Index('idx_rooms_created', ['createdAt', 'id'])
export class RoomEntity {
  /** Generated for REST rooms; chosen by the host app for rooms a join token creates. */
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  @Column({ type: 'varchar', length: 80 })
  name: string;

  @Index('idx_rooms_visibility')
  @Column({ type: 'varchar', length: 16 })
  visibility: RoomVisibility;

  /** argon2id PHC string of the room password, or null; never leaves the server. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash: string | null;

  @Column({ type: 'int' })
  capacity: number;

  @Column({ type: 'varchar', length: 16 })
  topology: RoomTopology;

  @Index('idx_rooms_owner')
  @Column({ name: 'owner_id', type: 'varchar', length: 36, nullable: true })
  ownerId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Relation<UserEntity>;

  /** A host locked the room: nobody new joins the call but its owners and moderators. */
  @Column({ type: 'boolean', default: false })
  locked: boolean;

  /** People who are not members (and guests whose token says so) wait for a host to admit them. */
  @Column({ type: 'boolean', default: false })
  lobby: boolean;

  /** The seq of the room's latest chat message (0 before the first); chat bumps it to assign one. */
  @Column({ name: 'chat_seq', type: 'int', default: 0 })
  chatSeq: number;

  /** Set by the repository with millisecond precision, so that it can serve as a page cursor. */
  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt: Date;
}
