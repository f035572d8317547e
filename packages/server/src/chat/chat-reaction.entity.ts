import {
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { ChatMessageEntity } from './chat-message.entity.js';

/** One principal's reaction with one emoji to one message; the primary key makes it idempotent. */
@Entity({ name: 'chat_reactions' })
export class ChatReactionEntity {
  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 32 })
  messageId: string;

  @PrimaryColumn({ name: 'principal_id', type: 'varchar', length: 255 })
  principalId: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  emoji: string;

  @ManyToOne(() => ChatMessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: Relation<ChatMessageEntity>;

  /** Set by the repository with millisecond precision; orders emoji by first use. */
  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}
