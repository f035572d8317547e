import {
  Table,
  TableColumn,
  TableForeignKey,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';

// Helpers are copied rather than imported: a migration is frozen once released, whatever later
// migrations do to theirs.

/** Column options for a date column of the running driver, matching what the entities declare. */
function dateColumn(
  queryRunner: QueryRunner,
  name: string,
  kind: 'create' | 'plain',
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
  return {
    name,
    type: queryRunner.connection.driver.normalizeType({ type: Date }),
    isNullable: nullable,
  };
}

const isMysql = (queryRunner: QueryRunner): boolean => {
  const type = queryRunner.connection.driver.options.type;
  return type === 'mysql' || type === 'mariadb';
};

const varchar = (
  name: string,
  length: number,
  extra: Partial<TableColumnOptions> = {},
): TableColumnOptions => ({ name, type: 'varchar', length: String(length), ...extra });

/**
 * An identifier column that compares byte for byte. SQLite and PostgreSQL do so already; MySQL and
 * MariaDB would otherwise fold case and, under utf8mb4_unicode_ci, treat every emoji as equal.
 */
const exactVarchar = (
  queryRunner: QueryRunner,
  name: string,
  length: number,
  extra: Partial<TableColumnOptions> = {},
): TableColumnOptions =>
  varchar(name, length, {
    ...(isMysql(queryRunner) ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}),
    ...extra,
  });

/** An integer column, in the spelling the running driver gives `int` (SQLite says `integer`). */
const int = (
  queryRunner: QueryRunner,
  name: string,
  extra: Partial<TableColumnOptions> = {},
): TableColumnOptions => ({
  name,
  type: queryRunner.connection.driver.normalizeType({ type: 'int' }),
  ...extra,
});

const fk = (column: string, table: string) =>
  new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete: 'CASCADE',
    onUpdate: 'NO ACTION',
  });

/**
 * Chat: messages with a gap-free per-room seq (allocated from `rooms.chat_seq`) and reactions.
 * Portable schema API only.
 */
export class Chat1764200000000 implements MigrationInterface {
  name = 'Chat1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'rooms',
      new TableColumn(int(queryRunner, 'chat_seq', { default: 0 })),
    );
    await queryRunner.createTable(
      new Table({
        name: 'chat_messages',
        columns: [
          exactVarchar(queryRunner, 'id', 32, { isPrimary: true }),
          varchar('room_id', 128),
          int(queryRunner, 'seq'),
          exactVarchar(queryRunner, 'sender_id', 255),
          varchar('sender_name', 80),
          varchar('sender_avatar', 2048, { isNullable: true }),
          exactVarchar(queryRunner, 'client_id', 64),
          // 16,000 characters (the protocol's ceiling) of 4-byte UTF-8 are 64,000 bytes: within
          // MySQL's TEXT (65,535 bytes), so one portable type serves every store.
          { name: 'text', type: 'text' },
          dateColumn(queryRunner, 'created_at', 'create'),
          dateColumn(queryRunner, 'edited_at', 'plain', true),
          dateColumn(queryRunner, 'deleted_at', 'plain', true),
        ],
        foreignKeys: [fk('room_id', 'rooms')],
        indices: [
          new TableIndex({
            name: 'uq_chat_messages_room_seq',
            columnNames: ['room_id', 'seq'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'uq_chat_messages_client',
            columnNames: ['room_id', 'sender_id', 'client_id'],
            isUnique: true,
          }),
          new TableIndex({ name: 'idx_chat_messages_sender', columnNames: ['sender_id'] }),
          new TableIndex({ name: 'idx_chat_messages_created', columnNames: ['created_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'chat_reactions',
        columns: [
          exactVarchar(queryRunner, 'message_id', 32, { isPrimary: true }),
          exactVarchar(queryRunner, 'principal_id', 255, { isPrimary: true }),
          exactVarchar(queryRunner, 'emoji', 64, { isPrimary: true }),
          dateColumn(queryRunner, 'created_at', 'create'),
        ],
        foreignKeys: [fk('message_id', 'chat_messages')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('chat_reactions');
    await queryRunner.dropTable('chat_messages');
    await queryRunner.dropColumn('rooms', 'chat_seq');
  }
}
