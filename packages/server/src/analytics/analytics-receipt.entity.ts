import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An analytics event the recorder has applied, by id: written in the same transaction as the
 * event's effects, so a redelivered event is recognised and applied once.
 */
@Entity({ name: 'analytics_receipts' })
@Index('idx_analytics_receipts_at', ['receivedAt'])
export class AnalyticsReceiptEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 40 })
  eventId: string;

  /** Epoch ms; receipts older than the stream could redeliver are swept. */
  @Column({ name: 'received_at', type: 'bigint' })
  receivedAt: string;
}
