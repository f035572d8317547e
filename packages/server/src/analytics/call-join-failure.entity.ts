import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A refused `join_room`: who (by kind only), which room, why, when (epoch ms). */
@Entity({ name: 'call_join_failures' })
@Index('idx_call_join_failures_at', ['occurredAt'])
@Index('idx_call_join_failures_owner', ['ownerId', 'occurredAt'])
export class CallJoinFailureEntity {
  /** The analytics event id. */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  /** The room the caller asked for (it may not exist). */
  @Column({ name: 'room_id', type: 'varchar', length: 128 })
  roomId: string;

  /** The room's owner when the failure was recorded, or null for a room that does not exist. */
  @Column({ name: 'owner_id', type: 'varchar', length: 36, nullable: true })
  ownerId: string | null;

  @Column({ name: 'principal_kind', type: 'varchar', length: 8 })
  principalKind: string;

  /** The error code the caller got (`room_full`, `forbidden`, …). */
  @Column({ type: 'varchar', length: 32 })
  reason: string;

  @Column({ name: 'occurred_at', type: 'bigint' })
  occurredAt: string;
}
