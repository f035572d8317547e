import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Presence: when each user was last connected, so that "last seen" survives a restart. */
export class Presence1764200000002 implements MigrationInterface {
  name = 'Presence1764200000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'users',
      new TableColumn({
        name: 'last_seen_at',
        type: queryRunner.connection.driver.normalizeType({ type: Date }),
        isNullable: true,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'last_seen_at');
  }
}
