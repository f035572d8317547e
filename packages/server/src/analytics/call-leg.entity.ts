import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A leg: one participant's presence in a call session, from its join to its leave. Times are
 * epoch milliseconds. Only ids unless the operator keeps names (`ANALYTICS_STORE_NAMES`).
 */
@Entity({ name: 'call_legs' })
@Index('idx_call_legs_session', ['sessionId', 'joinedAt'])
export class CallLegEntity {
  /** The participant id (`pa_…`). */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'session_id', type: 'varchar', length: 40 })
  sessionId: string;

  @Column({ name: 'room_id', type: 'varchar', length: 128 })
  roomId: string;

  /** A user id, or `guest:<owner>:<identity>` for a join-token guest. */
  @Column({ name: 'principal_id', type: 'varchar', length: 255 })
  principalId: string;

  @Column({ name: 'principal_kind', type: 'varchar', length: 8 })
  principalKind: string;

  /** Kept only when the operator enables it. */
  @Column({ name: 'display_name', type: 'varchar', length: 80, nullable: true })
  displayName: string | null;

  /** Null until the join event arrived (a leave seen first makes the row). */
  @Column({ name: 'joined_at', type: 'bigint', nullable: true })
  joinedAt: string | null;

  @Column({ name: 'left_at', type: 'bigint', nullable: true })
  leftAt: string | null;

  /** `left`, `timeout`, `removed`, `room_closed`, `token_expired`, `interrupted`; null while in the call. */
  @Column({ name: 'end_reason', type: 'varchar', length: 16, nullable: true })
  endReason: string | null;

  @Column({ type: 'int', default: 0 })
  reconnects: number;

  @Column({ name: 'reconnecting_ms', type: 'bigint', default: 0 })
  reconnectingMs: string;

  /** When its current reconnect began; null while connected. */
  @Column({ name: 'reconnecting_since', type: 'bigint', nullable: true })
  reconnectingSince: string | null;

  @Column({ type: 'varchar', length: 8 })
  topology: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  sdk: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  browser: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  os: string | null;

  @Column({ name: 'join_latency_ms', type: 'int', default: 0 })
  joinLatencyMs: number;

  /** The level its samples showed most often (ties go to the worse); null before any sample. */
  @Column({ name: 'quality_level', type: 'varchar', length: 10, nullable: true })
  qualityLevel: string | null;

  /** JSON: per metric `{ count, mean, p50, p95, p99, min, max }` over its samples. */
  @Column({ type: 'text', nullable: true })
  quality: string | null;
}
