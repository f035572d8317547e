import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The sessions of one account (the room owner; '' for rooms without one) that started on one UTC
 * day, added up. The recorder recomputes a row from its sessions in the transaction that changes
 * one of them, so a summary reads whole days here instead of every session.
 */
@Entity({ name: 'call_daily_rollups' })
@Index('idx_call_daily_rollups_owner', ['ownerId', 'day'])
export class CallDailyRollupEntity {
  /** Days since the epoch (UTC). */
  @PrimaryColumn({ type: 'int' })
  day: number;

  @PrimaryColumn({ name: 'owner_id', type: 'varchar', length: 36 })
  ownerId: string;

  /** Sessions that started that day. */
  @Column({ type: 'int', default: 0 })
  calls: number;

  /** Of those, the ones that have ended. */
  @Column({ type: 'int', default: 0 })
  ended: number;

  /** Sum of the ended sessions' durations. */
  @Column({ name: 'ended_ms', type: 'bigint', default: 0 })
  endedMs: string;

  @Column({ name: 'participant_ms', type: 'bigint', default: 0 })
  participantMs: string;

  /** Sum of the sessions' peak participants (for the mean). */
  @Column({ name: 'peak_sum', type: 'int', default: 0 })
  peakSum: number;

  @Column({ name: 'peak_max', type: 'int', default: 0 })
  peakMax: number;

  @Column({ name: 'quality_excellent', type: 'int', default: 0 })
  qualityExcellent: number;

  @Column({ name: 'quality_good', type: 'int', default: 0 })
  qualityGood: number;

  @Column({ name: 'quality_poor', type: 'int', default: 0 })
  qualityPoor: number;

  @Column({ name: 'quality_lost', type: 'int', default: 0 })
  qualityLost: number;
}

/** Failed joins of one account on one UTC day with one reason, counted. */
@Entity({ name: 'call_daily_failures' })
@Index('idx_call_daily_failures_owner', ['ownerId', 'day'])
export class CallDailyFailuresEntity {
  /** Days since the epoch (UTC). */
  @PrimaryColumn({ type: 'int' })
  day: number;

  @PrimaryColumn({ name: 'owner_id', type: 'varchar', length: 36 })
  ownerId: string;

  /** The error code (`room_full`, `forbidden`, …). */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  reason: string;

  @Column({ type: 'int', default: 0 })
  failures: number;
}
