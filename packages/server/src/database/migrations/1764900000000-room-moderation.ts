import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

/** A room's lock and lobby, kept with the room: they outlive calls, restarts and a flushed Redis. */
export class RoomModeration1764900000000 implements MigrationInterface {
  name = 'RoomModeration1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { driver } = queryRunner.connection;
    const type = driver.normalizeType({ type: Boolean });
    // `false` as each store writes it (0 on SQLite and MySQL), as the entity's default reads back.
    const off = driver.normalizeDefault({ default: false } as ColumnMetadata);
    await queryRunner.addColumns('rooms', [
      new TableColumn({ name: 'locked', type, isNullable: false, default: off }),
      new TableColumn({ name: 'lobby', type, isNullable: false, default: off }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('rooms', 'lobby');
    await queryRunner.dropColumn('rooms', 'locked');
  }
}
