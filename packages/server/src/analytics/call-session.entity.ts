import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A call session: from the first participant of a room's call to the last one leaving (or timing
 * out). Times are epoch milliseconds. Derived from its legs every time one of them changes, so it
 * comes out the same whatever order the events arrive in.
 */
@Entity({ name: 'call_sessions' })
@Index('idx_call_sessions_started', ['startedAt'])
@Index('idx_call_sessions_owner', ['ownerId', 'startedAt'])
@Index('idx_call_sessions_room', ['roomId', 'startedAt'])
@Index('idx_call_sessions_ended', ['endedAt'])
export class CallSessionEntity {
  /** `cs_…`, minted by the call state when the call starts. */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'room_id', type: 'varchar', length: 128 })
  roomId: string;

  /** The account owning the room when the session started (whose owner and API keys see it). */
  @Column({ name: 'owner_id', type: 'varchar', length: 36, nullable: true })
  ownerId: string | null;

  @Column({ name: 'started_at', type: 'bigint' })
  startedAt: string;

  /** Null while anyone is in the call. */
  @Column({ name: 'ended_at', type: 'bigint', nullable: true })
  endedAt: string | null;

  @Column({ name: 'duration_ms', type: 'bigint', default: 0 })
  durationMs: string;

  /** Legs (participant presences) so far. */
  @Column({ type: 'int', default: 0 })
  legs: number;

  @Column({ name: 'peak_participants', type: 'int', default: 0 })
  peakParticipants: number;

  /** Sum of the ended legs' durations. */
  @Column({ name: 'participant_ms', type: 'bigint', default: 0 })
  participantMs: string;

  @Column({ type: 'varchar', length: 8 })
  topology: string;

  /** Legs whose quality was mostly `excellent` (and so on below): the quality distribution. */
  @Column({ name: 'quality_excellent', type: 'int', default: 0 })
  qualityExcellent: number;

  @Column({ name: 'quality_good', type: 'int', default: 0 })
  qualityGood: number;

  @Column({ name: 'quality_poor', type: 'int', default: 0 })
  qualityPoor: number;

  @Column({ name: 'quality_lost', type: 'int', default: 0 })
  qualityLost: number;
}
