import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What the webhook dispatcher knows of a room: the last sequence number it gave one of the room's
 * events. (`open_legs` is no longer kept: `room.ended` follows the stream's `session.ended`.)
 */
@Entity({ name: 'webhook_rooms' })
export class WebhookRoomEntity {
  @PrimaryColumn({ name: 'room_id', type: 'varchar', length: 128 })
  roomId: string;

  @Column({ name: 'last_sequence', type: 'bigint', default: 0 })
  lastSequence: string;

  /** Unused since `session.ended`; kept because a released migration created it. */
  @Column({ name: 'open_legs', type: 'int', default: 0 })
  openLegs: number;
}
