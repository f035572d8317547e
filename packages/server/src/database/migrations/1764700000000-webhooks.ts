import {
  Table,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';

// Helpers are copied rather than imported: a migration is frozen once released.

const varchar = (
  name: string,
  length: number,
  extra: Partial<TableColumnOptions> = {},
): TableColumnOptions => ({ name, type: 'varchar', length: String(length), ...extra });

const int = (
  queryRunner: QueryRunner,
  name: string,
  extra: Partial<TableColumnOptions> = {},
): TableColumnOptions => ({
  name,
  type: queryRunner.connection.driver.normalizeType({ type: 'int' }),
  ...extra,
});

/** Epoch milliseconds, or a counter. */
const bigint = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
  name,
  type: 'bigint',
  ...extra,
});

const index = (table: string, name: string, columnNames: string[]) =>
  new TableIndex({ name: `idx_${table}_${name}`, columnNames });

/**
 * Webhooks: the endpoints accounts register, the deliveries with their attempt schedule, the
 * per-room sequence numbers, and the receipts that make the dispatcher idempotent.
 */
export class Webhooks1764700000000 implements MigrationInterface {
  name = 'Webhooks1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'webhook_endpoints',
        columns: [
          varchar('id', 36, { isPrimary: true }),
          varchar('owner_id', 36),
          varchar('url', 2000),
          varchar('description', 200),
          varchar('event_types', 200),
          varchar('secret', 64),
          varchar('previous_secret', 64, { isNullable: true }),
          bigint('previous_secret_expires_at', { isNullable: true }),
          varchar('status', 16),
          varchar('disabled_reason', 255, { isNullable: true }),
          int(queryRunner, 'consecutive_failures', { default: 0 }),
          bigint('created_at'),
          bigint('updated_at'),
        ],
        indices: [index('webhook_endpoints', 'owner', ['owner_id'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          varchar('id', 40, { isPrimary: true }),
          varchar('endpoint_id', 36),
          varchar('event_type', 32),
          varchar('room_id', 128),
          bigint('sequence'),
          { name: 'payload', type: 'text' },
          varchar('status', 16),
          int(queryRunner, 'attempts', { default: 0 }),
          int(queryRunner, 'last_status_code', { isNullable: true }),
          varchar('last_error', 255, { isNullable: true }),
          bigint('next_attempt_at', { isNullable: true }),
          bigint('created_at'),
          bigint('updated_at'),
        ],
        indices: [
          index('webhook_deliveries', 'due', ['status', 'next_attempt_at']),
          index('webhook_deliveries', 'endpoint', ['endpoint_id', 'created_at']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_rooms',
        columns: [
          varchar('room_id', 128, { isPrimary: true }),
          bigint('last_sequence', { default: 0 }),
          int(queryRunner, 'open_legs', { default: 0 }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_receipts',
        columns: [varchar('event_id', 40, { isPrimary: true }), bigint('received_at')],
        indices: [index('webhook_receipts', 'at', ['received_at'])],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_receipts');
    await queryRunner.dropTable('webhook_rooms');
    await queryRunner.dropTable('webhook_deliveries');
    await queryRunner.dropTable('webhook_endpoints');
  }
}
