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

/**
 * An invite link to a room. The code is stored as given (not hashed) so that owners and moderators
 * can list live invites and copy their links again; see docs/rooms.md.
 */
@Entity({ name: 'room_invites' })
export class RoomInviteEntity {
  /** 128 random bits, base64url (22 characters). */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Index('idx_room_invites_room')
  @Column({ name: 'room_id', type: 'varchar', length: 128 })
  roomId: string;

  @ManyToOne(() => RoomEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id' })
  room?: Relation<RoomEntity>;

  @Column({ type: 'varchar', length: 16 })
  role: Exclude<RoomRole, 'owner'>;

  @Column({ name: 'expires_at', type: Date })
  expiresAt: Date;

  @Column({ name: 'max_uses', type: 'int', nullable: true })
  maxUses: number | null;

  @Column({ type: 'int', default: 0 })
  uses: number;

  @Index('idx_room_invites_creator')
  @Column({ name: 'created_by', type: 'varchar', length: 36 })
  createdBy: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'created_by' })
  creator?: Relation<UserEntity>;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
