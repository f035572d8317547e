import {
  Table,
  TableColumn,
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

/** Epoch milliseconds, or a duration in ms. */
const bigint = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
  name,
  type: 'bigint',
  ...extra,
});

const index = (table: string, name: string, columnNames: string[]) =>
  new TableIndex({ name: `idx_${table}_${name}`, columnNames });

/**
 * Call analytics: sessions, their legs, quality samples, failed joins, the receipts that make the recorder
 * idempotent, and the operator flag on users. Times are epoch milliseconds in `bigint` columns.
 */
export class CallAnalytics1764600000000 implements MigrationInterface {
  name = 'CallAnalytics1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'call_sessions',
        columns: [
          varchar('id', 40, { isPrimary: true }),
          varchar('room_id', 128),
          varchar('owner_id', 36, { isNullable: true }),
          bigint('started_at'),
          bigint('ended_at', { isNullable: true }),
          bigint('duration_ms', { default: 0 }),
          int(queryRunner, 'legs', { default: 0 }),
          int(queryRunner, 'peak_participants', { default: 0 }),
          bigint('participant_ms', { default: 0 }),
          varchar('topology', 8),
          int(queryRunner, 'quality_excellent', { default: 0 }),
          int(queryRunner, 'quality_good', { default: 0 }),
          int(queryRunner, 'quality_poor', { default: 0 }),
          int(queryRunner, 'quality_lost', { default: 0 }),
        ],
        indices: [
          index('call_sessions', 'started', ['started_at']),
          index('call_sessions', 'owner', ['owner_id', 'started_at']),
          index('call_sessions', 'room', ['room_id', 'started_at']),
          index('call_sessions', 'ended', ['ended_at']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'call_legs',
        columns: [
          varchar('id', 40, { isPrimary: true }),
          varchar('session_id', 40),
          varchar('room_id', 128),
          varchar('principal_id', 255),
          varchar('principal_kind', 8),
          varchar('display_name', 80, { isNullable: true }),
          bigint('joined_at', { isNullable: true }),
          bigint('left_at', { isNullable: true }),
          varchar('end_reason', 16, { isNullable: true }),
          int(queryRunner, 'reconnects', { default: 0 }),
          bigint('reconnecting_ms', { default: 0 }),
          bigint('reconnecting_since', { isNullable: true }),
          varchar('topology', 8),
          varchar('sdk', 64, { isNullable: true }),
          varchar('browser', 16, { isNullable: true }),
          varchar('os', 16, { isNullable: true }),
          int(queryRunner, 'join_latency_ms', { default: 0 }),
          varchar('quality_level', 10, { isNullable: true }),
          { name: 'quality', type: 'text', isNullable: true },
        ],
        indices: [index('call_legs', 'session', ['session_id', 'joined_at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'call_quality_samples',
        columns: [
          varchar('leg_id', 40, { isPrimary: true }),
          bigint('at', { isPrimary: true }),
          int(queryRunner, 'interval_ms'),
          varchar('level', 10),
          int(queryRunner, 'mos_x100', { isNullable: true }),
          int(queryRunner, 'rtt_ms', { isNullable: true }),
          int(queryRunner, 'jitter_ms', { isNullable: true }),
          int(queryRunner, 'loss_bp', { isNullable: true }),
          int(queryRunner, 'bitrate_in'),
          int(queryRunner, 'bitrate_out'),
          int(queryRunner, 'fps_x10', { isNullable: true }),
          int(queryRunner, 'freeze_ms', { isNullable: true }),
          int(queryRunner, 'relayed', { isNullable: true }),
        ],
        indices: [index('call_quality_samples', 'at', ['at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'call_join_failures',
        columns: [
          varchar('id', 40, { isPrimary: true }),
          varchar('room_id', 128),
          varchar('owner_id', 36, { isNullable: true }),
          varchar('principal_kind', 8),
          varchar('reason', 32),
          bigint('occurred_at'),
        ],
        indices: [
          index('call_join_failures', 'at', ['occurred_at']),
          index('call_join_failures', 'owner', ['owner_id', 'occurred_at']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'analytics_receipts',
        columns: [varchar('event_id', 40, { isPrimary: true }), bigint('received_at')],
        indices: [index('analytics_receipts', 'at', ['received_at'])],
      }),
    );
    await queryRunner.addColumn(
      'users',
      new TableColumn(int(queryRunner, 'operator', { default: 0 })),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'operator');
    for (const table of [
      'analytics_receipts',
      'call_join_failures',
      'call_quality_samples',
      'call_legs',
      'call_sessions',
    ])
      await queryRunner.dropTable(table);
  }
}
