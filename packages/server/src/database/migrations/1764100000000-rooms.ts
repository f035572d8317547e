import {
  Table,
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
  kind: 'create' | 'update' | 'plain',
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
  return { name, type: queryRunner.connection.driver.normalizeType({ type: Date }) };
}

const varchar = (
  name: string,
  length: number,
  extra: Partial<TableColumnOptions> = {},
): TableColumnOptions => ({ name, type: 'varchar', length: String(length), ...extra });

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

const fk = (column: string, table: string, onDelete: 'CASCADE' | 'SET NULL') =>
  new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: ['id'],
    onDelete,
    onUpdate: 'NO ACTION',
  });

/** Rooms, their members (users ↔ rooms with a role) and invite links. Portable schema API only. */
export class Rooms1764100000000 implements MigrationInterface {
  name = 'Rooms1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'rooms',
        columns: [
          varchar('id', 128, { isPrimary: true }),
          varchar('name', 80),
          varchar('visibility', 16),
          varchar('password_hash', 255, { isNullable: true }),
          int(queryRunner, 'capacity'),
          varchar('topology', 16),
          varchar('owner_id', 36, { isNullable: true }),
          dateColumn(queryRunner, 'created_at', 'create'),
          dateColumn(queryRunner, 'updated_at', 'update'),
        ],
        foreignKeys: [fk('owner_id', 'users', 'SET NULL')],
        indices: [
          new TableIndex({ name: 'idx_rooms_created', columnNames: ['created_at', 'id'] }),
          new TableIndex({ name: 'idx_rooms_visibility', columnNames: ['visibility'] }),
          new TableIndex({ name: 'idx_rooms_owner', columnNames: ['owner_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'room_members',
        columns: [
          varchar('room_id', 128, { isPrimary: true }),
          varchar('user_id', 36, { isPrimary: true }),
          varchar('role', 16),
          dateColumn(queryRunner, 'joined_at', 'create'),
        ],
        foreignKeys: [fk('room_id', 'rooms', 'CASCADE'), fk('user_id', 'users', 'CASCADE')],
        indices: [new TableIndex({ name: 'idx_room_members_user', columnNames: ['user_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'room_invites',
        columns: [
          varchar('code', 32, { isPrimary: true }),
          varchar('room_id', 128),
          varchar('role', 16),
          dateColumn(queryRunner, 'expires_at', 'plain'),
          int(queryRunner, 'max_uses', { isNullable: true }),
          int(queryRunner, 'uses', { default: 0 }),
          varchar('created_by', 36),
          dateColumn(queryRunner, 'created_at', 'create'),
        ],
        foreignKeys: [fk('room_id', 'rooms', 'CASCADE'), fk('created_by', 'users', 'CASCADE')],
        indices: [
          new TableIndex({ name: 'idx_room_invites_room', columnNames: ['room_id'] }),
          new TableIndex({ name: 'idx_room_invites_creator', columnNames: ['created_by'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('room_invites');
    await queryRunner.dropTable('room_members');
    await queryRunner.dropTable('rooms');
  }
}
