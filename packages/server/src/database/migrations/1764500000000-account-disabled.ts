import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Accounts an operator disabled: such an account cannot sign in, refresh or connect. */
export class AccountDisabled1764500000000 implements MigrationInterface {
  name = 'AccountDisabled1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'users',
      new TableColumn({
        name: 'disabled_at',
        type: queryRunner.connection.driver.normalizeType({ type: Date }),
        isNullable: true,
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'disabled_at');
  }
}
