import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What the webhook dispatcher knows of a room: the last sequence number it gave one of the room's
 * events, and how many participants it counts in the call (the call ends when that reaches 0).
 */
@Entity({ name: 'webhook_rooms' })
export class WebhookRoomEntity {
  @PrimaryColumn({ name: 'room_id', type: 'varchar', length: 128 })
  roomId: string;

  @Column({ name: 'last_sequence', type: 'bigint', default: 0 })
  lastSequence: string;

  @Column({ name: 'open_legs', type: 'int', default: 0 })
  openLegs: number;
}
