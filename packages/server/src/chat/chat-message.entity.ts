import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { RoomEntity } from '../rooms/room.entity.js';

/**
 * One stored chat message of a room's conversation. Identifier columns compare byte for byte on
 * every store (the migration gives them a binary collation on MySQL/MariaDB), so that two client
 * ids or emoji that differ only in case or in a supplementary character never collide.
 */
@Entity({ name: 'chat_messages' })
@Index('uq_chat_messages_room_seq', ['roomId', 'seq'], { unique: true })
@Index('uq_chat_messages_client', ['roomId', 'senderId', 'clientId'], { unique: true })
// The MySQL/MariaDB FULLTEXT index of the search migration (1764200000001-chat-search): declared so
// that the schema builder knows it, never created or dropped by it (other stores have none).
@Index('ft_chat_messages_text', { synchronize: false })
export class ChatMessageEntity {
  /** `msg_`, the time (8 symbols) and 72 random bits (12 symbols); see `generateMessageId`. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ name: 'room_id', type: 'varchar', length: 128 })
  roomId: string;

  @ManyToOne(() => RoomEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id' })
  room?: Relation<RoomEntity>;

  /** Position in the room's conversation: 1, 2, 3, … with no gaps (see `rooms.chat_seq`). */
  @Column({ type: 'int' })
  seq: number;

  /**
   * Principal id of the sender (a user id, or `guest:<owner>:<identity>`). Indexed on MySQL/MariaDB
   * and PostgreSQL, whose search filters the messages themselves; not on SQLite, whose search has
   * a table of its own (migration 1764400000000), so the schema builder leaves the index alone.
   */
  @Index('idx_chat_messages_sender', { synchronize: false })
  @Column({ name: 'sender_id', type: 'varchar', length: 255 })
  senderId: string;

  /** Display name of the sender when the message was stored. */
  @Column({ name: 'sender_name', type: 'varchar', length: 80 })
  senderName: string;

  @Column({ name: 'sender_avatar', type: 'varchar', length: 2048, nullable: true })
  senderAvatar: string | null;

  /** The id the sender's client gave the message; unique per sender in a room (idempotency). */
  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId: string;

  /** The text exactly as sent; "" once deleted. */
  @Column({ type: 'text' })
  text: string;

  /** Set by the repository with millisecond precision. Indexed as `sender_id` is (see there). */
  @Index('idx_chat_messages_created', { synchronize: false })
  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'edited_at', type: Date, nullable: true })
  editedAt: Date | null;

  @Column({ name: 'deleted_at', type: Date, nullable: true })
  deletedAt: Date | null;
}
