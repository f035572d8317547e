import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One webhook event for one endpoint, and its attempt schedule: `next_attempt_at` is when the
 * next attempt is due, so a restart picks up where the last process stopped.
 */
@Entity({ name: 'webhook_deliveries' })
@Index('idx_webhook_deliveries_due', ['status', 'nextAttemptAt'])
@Index('idx_webhook_deliveries_endpoint', ['endpointId', 'createdAt'])
export class WebhookDeliveryEntity {
  /** The message id (`msg_…`), sent as `webhook-id` on every attempt. */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ name: 'endpoint_id', type: 'varchar', length: 36 })
  endpointId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 32 })
  eventType: string;

  @Column({ name: 'room_id', type: 'varchar', length: 128 })
  roomId: string;

  /** The event's place in its room's sequence. */
  @Column({ type: 'bigint' })
  sequence: string;

  /** The JSON body, exactly as signed and sent. */
  @Column({ type: 'text' })
  payload: string;

  /** `pending`, `succeeded` or `failed`. */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'last_status_code', type: 'int', nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 255, nullable: true })
  lastError: string | null;

  /** Epoch ms when the next attempt is due; null once it succeeded or failed for good. */
  @Column({ name: 'next_attempt_at', type: 'bigint', nullable: true })
  nextAttemptAt: string | null;

  /** Epoch ms. */
  @Column({ name: 'created_at', type: 'bigint' })
  createdAt: string;

  /** Epoch ms. */
  @Column({ name: 'updated_at', type: 'bigint' })
  updatedAt: string;
}
