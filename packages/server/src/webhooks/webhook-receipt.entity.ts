import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An analytics event the webhook dispatcher has turned into deliveries, by id: written in the same
 * transaction, so a redelivered event is dispatched once.
 */
@Entity({ name: 'webhook_receipts' })
@Index('idx_webhook_receipts_at', ['receivedAt'])
export class WebhookReceiptEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 40 })
  eventId: string;

  /** Epoch ms. */
  @Column({ name: 'received_at', type: 'bigint' })
  receivedAt: string;
}
