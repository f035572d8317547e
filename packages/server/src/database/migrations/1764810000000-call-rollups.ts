import {
  Table,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';

// Helpers are copied rather than imported: a migration is frozen once released.

const DAY_MS = 86_400_000;

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

const bigint = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
  name,
  type: 'bigint',
  ...extra,
});

/** The UTC day number (days since the epoch) of an epoch-ms column, in the store's SQL. */
function dayOf(queryRunner: QueryRunner, column: string): string {
  const type = queryRunner.connection.options.type;
  return type === 'mysql' || type === 'mariadb'
    ? `${column} DIV ${DAY_MS}`
    : `${column} / ${DAY_MS}`;
}

/**
 * Daily rollups of call analytics, per account (the room owner; '' for rooms without one, '*' for
 * every account added up) and UTC day: the sessions that started that day and the failed joins by
 * reason. The recorder keeps them
 * in the transaction that changes a session, so the summary reads whole days from here. Filled
 * from the sessions and failures already stored.
 */
export class CallRollups1764810000000 implements MigrationInterface {
  name = 'CallRollups1764810000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const count = (name: string) => int(queryRunner, name, { default: 0 });
    await queryRunner.createTable(
      new Table({
        name: 'call_daily_rollups',
        columns: [
          int(queryRunner, 'day', { isPrimary: true }),
          varchar('owner_id', 36, { isPrimary: true }),
          count('calls'),
          count('ended'),
          bigint('ended_ms', { default: 0 }),
          bigint('participant_ms', { default: 0 }),
          count('peak_sum'),
          count('peak_max'),
          count('quality_excellent'),
          count('quality_good'),
          count('quality_poor'),
          count('quality_lost'),
        ],
        indices: [
          new TableIndex({
            name: 'idx_call_daily_rollups_owner',
            columnNames: ['owner_id', 'day'],
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'call_daily_failures',
        columns: [
          int(queryRunner, 'day', { isPrimary: true }),
          varchar('owner_id', 36, { isPrimary: true }),
          varchar('reason', 32, { isPrimary: true }),
          count('failures'),
        ],
        indices: [
          new TableIndex({
            name: 'idx_call_daily_failures_owner',
            columnNames: ['owner_id', 'day'],
          }),
        ],
      }),
    );
    const sessionDay = dayOf(queryRunner, 'started_at');
    await queryRunner.query(
      `INSERT INTO call_daily_rollups (day, owner_id, calls, ended, ended_ms, participant_ms, peak_sum, peak_max,
         quality_excellent, quality_good, quality_poor, quality_lost)
       SELECT ${sessionDay}, COALESCE(owner_id, ''), COUNT(*), COUNT(ended_at),
         SUM(CASE WHEN ended_at IS NOT NULL THEN duration_ms ELSE 0 END), SUM(participant_ms),
         SUM(peak_participants), MAX(peak_participants), SUM(quality_excellent), SUM(quality_good),
         SUM(quality_poor), SUM(quality_lost)
       FROM call_sessions GROUP BY ${sessionDay}, COALESCE(owner_id, '')`,
    );
    // Every account's rows of a day added up, under the owner '*' (an operator's view).
    await queryRunner.query(
      `INSERT INTO call_daily_rollups (day, owner_id, calls, ended, ended_ms, participant_ms, peak_sum, peak_max,
         quality_excellent, quality_good, quality_poor, quality_lost)
       SELECT day, '*', SUM(calls), SUM(ended), SUM(ended_ms), SUM(participant_ms), SUM(peak_sum),
         MAX(peak_max), SUM(quality_excellent), SUM(quality_good), SUM(quality_poor), SUM(quality_lost)
       FROM call_daily_rollups WHERE owner_id <> '*' GROUP BY day`,
    );
    const failureDay = dayOf(queryRunner, 'occurred_at');
    await queryRunner.query(
      `INSERT INTO call_daily_failures (day, owner_id, reason, failures)
       SELECT ${failureDay}, COALESCE(owner_id, ''), reason, COUNT(*)
       FROM call_join_failures GROUP BY ${failureDay}, COALESCE(owner_id, ''), reason`,
    );
    await queryRunner.query(
      `INSERT INTO call_daily_failures (day, owner_id, reason, failures)
       SELECT day, '*', reason, SUM(failures) FROM call_daily_failures
       WHERE owner_id <> '*' GROUP BY day, reason`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('call_daily_failures');
    await queryRunner.dropTable('call_daily_rollups');
  }
}
