import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One quality sample of one leg: what its participant measured over one interval, reduced to a
 * row of whole numbers (`mos_x100` is the MOS times 100, `loss_bp` the inbound loss in basis
 * points, `fps_x10` frames per second times 10). Kept for `ANALYTICS_SAMPLE_RETENTION_DAYS`.
 */
@Entity({ name: 'call_quality_samples' })
@Index('idx_call_quality_samples_at', ['at'])
export class CallQualitySampleEntity {
  @PrimaryColumn({ name: 'leg_id', type: 'varchar', length: 40 })
  legId: string;

  /** End of the interval, epoch ms (the client's clock, checked against the server's). */
  @PrimaryColumn({ type: 'bigint' })
  at: string;

  @Column({ name: 'interval_ms', type: 'int' })
  intervalMs: number;

  /** The level the SDK showed: `excellent`, `good`, `poor`, `lost`. */
  @Column({ type: 'varchar', length: 10 })
  level: string;

  @Column({ name: 'mos_x100', type: 'int', nullable: true })
  mosX100: number | null;

  @Column({ name: 'rtt_ms', type: 'int', nullable: true })
  rttMs: number | null;

  @Column({ name: 'jitter_ms', type: 'int', nullable: true })
  jitterMs: number | null;

  @Column({ name: 'loss_bp', type: 'int', nullable: true })
  lossBp: number | null;

  /** Bits per second received, all inbound tracks. */
  @Column({ name: 'bitrate_in', type: 'int' })
  bitrateIn: number;

  /** Bits per second sent, all outbound tracks. */
  @Column({ name: 'bitrate_out', type: 'int' })
  bitrateOut: number;

  @Column({ name: 'fps_x10', type: 'int', nullable: true })
  fpsX10: number | null;

  @Column({ name: 'freeze_ms', type: 'int', nullable: true })
  freezeMs: number | null;

  /** 1 when any of its paths went through TURN, 0 when none did, null when unknown. */
  @Column({ type: 'int', nullable: true })
  relayed: number | null;
}
