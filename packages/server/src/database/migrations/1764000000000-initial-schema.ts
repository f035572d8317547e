import {
  Table,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';

/** Column options for a date column of the running driver, matching what the entities declare. */
function dateColumn(
  queryRunner: QueryRunner,
  name: string,
  kind: 'create' | 'update' | 'plain',
  nullable = false,
): TableColumnOptions {
  const types = queryRunner.connection.driver.mappedDataTypes;
  if (kind === 'create') {
    return {
      name,
      type: String(types.createDate),
      precision: types.createDatePrecision,
      default: types.createDateDefault,
    };
  }
  if (kind === 'update') {
    const type = queryRunner.connection.driver.options.type;
    const onUpdate =
      type === 'mysql' || type === 'mariadb' ? String(types.updateDateDefault) : undefined;
    return {
      name,
      type: String(types.updateDate),
      precision: types.updateDatePrecision,
      default: types.updateDateDefault,
      onUpdate,
    };
  }
  return {
    name,
    type: queryRunner.connection.driver.normalizeType({ type: Date }),
    isNullable: nullable,
  };
}

const id = (length = 36): TableColumnOptions => ({
  name: 'id',
  type: 'varchar',
  length: String(length),
  isPrimary: true,
});
const varchar = (
  name: string,
  length: number,
  extra: Partial<TableColumnOptions> = {},
): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  ...extra,
});
const userFk = () =>
  new TableForeignKey({
    columnNames: ['user_id'],
    referencedTableName: 'users',
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
    onUpdate: 'NO ACTION',
  });

/** Users, rotating refresh tokens and API keys. Written with TypeORM's portable schema API. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id(),
          varchar('email', 254),
          varchar('password_hash', 255),
          varchar('display_name', 80),
          varchar('avatar_url', 2048, { isNullable: true }),
          dateColumn(queryRunner, 'created_at', 'create'),
          dateColumn(queryRunner, 'updated_at', 'update'),
        ],
        indices: [
          new TableIndex({ name: 'uq_users_email', columnNames: ['email'], isUnique: true }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: [
          id(),
          varchar('user_id', 36),
          varchar('family_id', 36),
          varchar('token_hash', 64),
          dateColumn(queryRunner, 'expires_at', 'plain'),
          dateColumn(queryRunner, 'used_at', 'plain', true),
          dateColumn(queryRunner, 'revoked_at', 'plain', true),
          dateColumn(queryRunner, 'created_at', 'create'),
        ],
        foreignKeys: [userFk()],
        indices: [
          new TableIndex({ name: 'idx_refresh_tokens_user', columnNames: ['user_id'] }),
          new TableIndex({ name: 'idx_refresh_tokens_family', columnNames: ['family_id'] }),
          new TableIndex({
            name: 'uq_refresh_tokens_hash',
            columnNames: ['token_hash'],
            isUnique: true,
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          id(40),
          varchar('user_id', 36),
          varchar('name', 80),
          varchar('secret_hash', 64),
          varchar('public_key', 64),
          dateColumn(queryRunner, 'created_at', 'create'),
          dateColumn(queryRunner, 'last_used_at', 'plain', true),
          dateColumn(queryRunner, 'revoked_at', 'plain', true),
        ],
        foreignKeys: [userFk()],
        indices: [new TableIndex({ name: 'idx_api_keys_user', columnNames: ['user_id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('api_keys');
    await queryRunner.dropTable('refresh_tokens');
    await queryRunner.dropTable('users');
  }
}
