import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An account's webhook endpoint: where to POST which events, and the secrets that sign them. */
@Entity({ name: 'webhook_endpoints' })
@Index('idx_webhook_endpoints_owner', ['ownerId'])
export class WebhookEndpointEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The user (account) that owns it; it receives the events of that account's rooms. */
  @Column({ name: 'owner_id', type: 'varchar', length: 36 })
  ownerId: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  @Column({ type: 'varchar', length: 200 })
  description: string;

  /** Comma-separated event types. */
  @Column({ name: 'event_types', type: 'varchar', length: 200 })
  eventTypes: string;

  /** The signing secret (`whsec_…`). */
  @Column({ type: 'varchar', length: 64 })
  secret: string;

  /** The secret before the last rotation, still signing until `previousSecretExpiresAt`. */
  @Column({ name: 'previous_secret', type: 'varchar', length: 64, nullable: true })
  previousSecret: string | null;

  /** Epoch ms. */
  @Column({ name: 'previous_secret_expires_at', type: 'bigint', nullable: true })
  previousSecretExpiresAt: string | null;

  /** `active`, `paused` (by its owner) or `disabled` (by the server, after repeated failures). */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ name: 'disabled_reason', type: 'varchar', length: 255, nullable: true })
  disabledReason: string | null;

  @Column({ name: 'consecutive_failures', type: 'int', default: 0 })
  consecutiveFailures: number;

  /** Epoch ms. */
  @Column({ name: 'created_at', type: 'bigint' })
  createdAt: string;

  /** Epoch ms. */
  @Column({ name: 'updated_at', type: 'bigint' })
  updatedAt: string;
}
