import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { DataSource, In, QueryFailedError, type EntityManager, type Repository } from 'typeorm';
import { sqliteDateTime } from '../database/sqlite-datetime.js';
import { RoomEntity } from '../rooms/room.entity.js';
import { ChatMessageEntity } from './chat-message.entity.js';
import { ChatReactionEntity } from './chat-reaction.entity.js';
import { SqliteChatWriter } from './chat-writer.repository.js';

/** The fields a new message is stored with; the repository assigns its seq. */
export type NewChatMessage = Pick<
  ChatMessageEntity,
  'id' | 'roomId' | 'senderId' | 'senderName' | 'senderAvatar' | 'clientId' | 'text' | 'createdAt'
>;

/** What storing a message did: stored it now, or found the one stored earlier with its client id. */
export interface StoredMessage {
  message: ChatMessageEntity;
  /** False when a message with the same (room, sender, client id) already existed. */
  created: boolean;
}

/** True when a query failed on a primary-key or unique constraint, on any supported store. */
function isUniqueViolation(err: unknown): boolean {
  const e = (err instanceof QueryFailedError ? err.driverError : err) as
    { code?: unknown } | undefined;
  return (
    e?.code === 'ER_DUP_ENTRY' ||
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * Chat messages and reactions in the relational store. A message's seq comes from its room's
 * `chat_seq` counter, bumped in the same transaction as the insert: the bump locks the room's row
 * (MySQL/MariaDB, PostgreSQL), so concurrent senders on any number of server processes get 1, 2,
 * 3, … with no gap and no duplicate, and a failed insert gives its number back. On SQLite new
 * messages go through the group commit of {@link SqliteChatWriter}, which keeps the same promises.
 */
@Injectable()
export class ChatRepository implements OnApplicationShutdown {
  private readonly messages: Repository<ChatMessageEntity>;
  private readonly reactions: Repository<ChatReactionEntity>;
  private readonly rooms: Repository<RoomEntity>;
  /** On SQLite, the group commit that stores new messages; null on the other stores. */
  private readonly sqlite: SqliteChatWriter | null;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    this.messages = dataSource.getRepository(ChatMessageEntity);
    this.reactions = dataSource.getRepository(ChatReactionEntity);
    this.rooms = dataSource.getRepository(RoomEntity);
    if (dataSource.options.type === 'better-sqlite3') {
      this.sqlite = new SqliteChatWriter(
        (dataSource.driver as unknown as { databaseConnection: Database }).databaseConnection,
      );
    } else {
      this.sqlite = null;
    }
  }

  /** Stores the messages still waiting for their commit, and indexes what is not indexed yet. */
  async onApplicationShutdown(): Promise<void> {
    await this.sqlite?.close();
  }

  /**
   * Resolves once every message stored before the call can be found by search. The SQLite writer
   * indexes new messages a moment after it stores them; the other stores index in the insert's
   * transaction.
   */
  async searchable(): Promise<void> {
    await this.sqlite?.indexed();
  }

  /** The seq of the room's latest message (0 before the first), or null when there is no such room. */
  async lastSeq(roomId: string): Promise<number | null> {
    const room = await this.rooms.findOne({ where: { id: roomId }, select: ['id', 'chatSeq'] });
    return room && room.id === roomId ? room.chatSeq : null;
  }

  /** The message a sender stored in a room with this client id, or null. */
  async findByClientId(
    roomId: string,
    senderId: string,
    clientId: string,
  ): Promise<ChatMessageEntity | null> {
    const found = await this.messages.findOneBy({ roomId, senderId, clientId });
    return found && found.roomId === roomId ? found : null;
  }

  /**
   * Stores a message with the room's next seq. Resolves with the message stored earlier under the
   * same (room, sender, client id) instead when there is one (found inside the storing
   * transaction on SQLite, by the unique index elsewhere), and with null when the room does not
   * exist (any more).
   */
  async insertNext(message: NewChatMessage): Promise<StoredMessage | null> {
    let seq: number | null | 'duplicate';
    try {
      seq = this.sqlite
        ? await this.insertNextSqlite(this.sqlite, message)
        : await this.dataSource.transaction((em) => this.insertNextLocked(em, message));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      seq = 'duplicate';
    }
    if (seq === 'duplicate') {
      // Another request stored this client id first; its transaction won, ours gave the seq back.
      const winner = await this.findByClientId(message.roomId, message.senderId, message.clientId);
      if (!winner) throw new Error(`chat message ${message.clientId} collided but is not stored`);
      return { message: winner, created: false };
    }
    if (seq === null) return null;
    // Every store keeps the millisecond time as written, so the row is what was inserted.
    const stored: ChatMessageEntity = { ...message, seq, editedAt: null, deletedAt: null };
    return { message: stored, created: true };
  }

  /** MySQL/MariaDB and PostgreSQL: the room's row lock serialises the senders of one room. */
  private async insertNextLocked(
    em: EntityManager,
    message: NewChatMessage,
  ): Promise<number | null> {
    const bumped = await em
      .createQueryBuilder()
      .update(RoomEntity)
      // Naming updated_at keeps it (and MySQL's ON UPDATE) as it is: chat is not a room change.
      .set({ chatSeq: () => 'chat_seq + 1', updatedAt: () => 'updated_at' })
      .where('id = :id', { id: message.roomId })
      .execute();
    if (!bumped.affected) return null;
    const row = await em
      .createQueryBuilder(RoomEntity, 'r')
      .select('r.chatSeq', 'seq')
      .where('r.id = :id', { id: message.roomId })
      .getRawOne<{ seq: number | string }>();
    const seq = Number(row?.seq);
    await em.insert(ChatMessageEntity, { ...message, seq, editedAt: null, deletedAt: null });
    return seq;
  }

  /** SQLite: through the group commit of {@link SqliteChatWriter}. */
  private async insertNextSqlite(
    writer: SqliteChatWriter,
    message: NewChatMessage,
  ): Promise<number | null | 'duplicate'> {
    const outcome = await writer.insert({
      ...message,
      createdAt: sqliteDateTime(message.createdAt),
    });
    if (outcome === 'no_room') return null;
    return outcome === 'duplicate' ? outcome : outcome.seq;
  }

  /** The message with this id in this room, or null. */
  async findById(roomId: string, id: string): Promise<ChatMessageEntity | null> {
    const found = await this.messages.findOneBy({ id, roomId });
    return found && found.id === id && found.roomId === roomId ? found : null;
  }

  /** The messages with these ids (in no particular order); unknown ids are left out. */
  async findByIds(ids: readonly string[]): Promise<ChatMessageEntity[]> {
    if (ids.length === 0) return [];
    const wanted = new Set(ids);
    const found = await this.messages.findBy({ id: In([...wanted]) });
    return found.filter((m) => wanted.has(m.id));
  }

  /** The latest `limit` messages of a room with a seq below `beforeSeq` (if given), newest first. */
  async before(roomId: string, limit: number, beforeSeq?: number): Promise<ChatMessageEntity[]> {
    const qb = this.messages
      .createQueryBuilder('m')
      .where('m.roomId = :roomId', { roomId })
      .orderBy('m.seq', 'DESC')
      .limit(limit);
    if (beforeSeq !== undefined) qb.andWhere('m.seq < :beforeSeq', { beforeSeq });
    return exactRoom(roomId, await qb.getMany());
  }

  /** The first `limit` messages of a room with a seq above `afterSeq`, oldest first. */
  async after(roomId: string, limit: number, afterSeq: number): Promise<ChatMessageEntity[]> {
    const rows = await this.messages
      .createQueryBuilder('m')
      .where('m.roomId = :roomId', { roomId })
      .andWhere('m.seq > :afterSeq', { afterSeq })
      .orderBy('m.seq', 'ASC')
      .limit(limit)
      .getMany();
    return exactRoom(roomId, rows);
  }

  /** Replaces the text of a sender's message unless it was deleted; false when nothing changed. */
  async edit(id: string, senderId: string, text: string, at: Date): Promise<boolean> {
    const result = await this.messages
      .createQueryBuilder()
      .update()
      .set({ text, editedAt: at })
      .where('id = :id AND sender_id = :senderId AND deleted_at IS NULL', { id, senderId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Deletes a message: its text becomes "", its reactions go; false when it was already deleted. */
  async markDeleted(id: string, at: Date): Promise<boolean> {
    const result = await this.messages
      .createQueryBuilder()
      .update()
      .set({ text: '', deletedAt: at })
      .where('id = :id AND deleted_at IS NULL', { id })
      .execute();
    await this.reactions.delete({ messageId: id });
    return (result.affected ?? 0) > 0;
  }

  /** The reactions to these messages, oldest first. */
  async reactionsOf(messageIds: readonly string[]): Promise<ChatReactionEntity[]> {
    if (messageIds.length === 0) return [];
    return this.reactions.find({
      where: { messageId: In([...messageIds]) },
      order: { createdAt: 'ASC', emoji: 'ASC', principalId: 'ASC' },
    });
  }

  /** The distinct emoji a message has reactions with. */
  async emojiOf(messageId: string): Promise<string[]> {
    const rows = await this.reactions
      .createQueryBuilder('r')
      .select('DISTINCT r.emoji', 'emoji')
      .where('r.messageId = :messageId', { messageId })
      .getRawMany<{ emoji: string }>();
    return rows.map((r) => r.emoji);
  }

  /** Adds a reaction; false when the principal had already reacted with this emoji. */
  async addReaction(
    messageId: string,
    principalId: string,
    emoji: string,
    at: Date,
  ): Promise<boolean> {
    try {
      await this.reactions.insert({ messageId, principalId, emoji, createdAt: at });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** Takes a reaction back; false when there was none. */
  async removeReaction(messageId: string, principalId: string, emoji: string): Promise<boolean> {
    const result = await this.reactions.delete({ messageId, principalId, emoji });
    return (result.affected ?? 0) > 0;
  }
}

// MariaDB compares room ids without case; a room id is case-sensitive everywhere else.
function exactRoom(roomId: string, rows: ChatMessageEntity[]): ChatMessageEntity[] {
  return rows.filter((m) => m.roomId === roomId);
}
