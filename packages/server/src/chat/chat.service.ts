import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type ChatHistoryPage,
  type ChatHistoryQuery,
  type ChatHistorySlice,
  type ChatMessage,
  type ChatMessageChange,
  type ChatSender,
  type Principal,
} from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { RATE_LIMITER, type RateLimiter } from '../common/rate-limiter.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { atLeast, noSuchRoom } from '../rooms/room-membership.service.js';
import { UsersService } from '../users/users.service.js';
import { ChatAccess } from './chat-access.js';
import { ChatFanout } from './chat-fanout.js';
import type { ChatMessageEntity } from './chat-message.entity.js';
import type { ChatReactionEntity } from './chat-reaction.entity.js';
import { ChatTyping } from './chat-typing.js';
import {
  decodeHistoryCursor,
  encodeHistoryCursor,
  toChatMessage,
  type HistoryDirection,
} from './chat.dto.js';
import { ChatRepository } from './chat.repository.js';

/** Most different emoji one message can carry in its reactions. */
export const MAX_REACTION_EMOJI = 20;
/** Messages in a history slice or page when the caller does not say. */
export const DEFAULT_HISTORY_LIMIT = 50;

/** What a chat request needs to know about where it came from. */
export interface ChatOrigin {
  /** Who asks. */
  principal: Principal;
  /** The socket it came on, or null for REST. A sender's own socket gets no copy of its message. */
  socketId: string | null;
}

/** The answer to a send: the stored message, and whether this send stored it. */
export interface SentMessage {
  message: ChatMessage;
  /** False when the client id was used before: nothing was stored or broadcast this time. */
  created: boolean;
}

const noMessage = () => new AppError(ErrorCode.NotFound, 'No such message in this room.');
const wasDeleted = () => new AppError(ErrorCode.Conflict, 'This message was deleted.');

/** 64 symbols in ascending byte order, so that ids compare as the numbers they encode. */
const ID_ALPHABET = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const ID_RANDOM_SYMBOLS = 12;
// Random bytes drawn a page at a time: one system call serves hundreds of message ids.
let idPool = Buffer.alloc(0);
let idPoolOffset = 0;

/**
 * A new server message id: `msg_`, the time in milliseconds (8 symbols), then 72 random bits
 * (12 symbols). Ids in time order land next to each other in the store's indexes, so a
 * transaction of new messages touches a few index pages instead of one page per message.
 */
export function generateMessageId(now = Date.now()): string {
  let id = 'msg_';
  for (let shift = 42; shift >= 0; shift -= 6) id += ID_ALPHABET[Math.floor(now / 2 ** shift) % 64];
  if (idPoolOffset + ID_RANDOM_SYMBOLS > idPool.length) {
    idPool = randomBytes(ID_RANDOM_SYMBOLS * 512);
    idPoolOffset = 0;
  }
  for (let i = 0; i < ID_RANDOM_SYMBOLS; i++) id += ID_ALPHABET[idPool[idPoolOffset++] & 63];
  return id;
}

/**
 * Persisted room chat: who may read and write a room's conversation, sending (idempotent by the
 * client's id, stored before it is broadcast), editing, deleting, reactions, typing, and history.
 * The gateway's {@link ChatRealtime} and the REST controller call it; it broadcasts through the
 * {@link ChatFanout} and announces stored and changed messages on the {@link EventBus}.
 */
@Injectable()
export class ChatService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ChatRepository) private readonly repo: ChatRepository,
    @Inject(ChatAccess) private readonly access: ChatAccess,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(ChatFanout) private readonly fanout: ChatFanout,
    @Inject(ChatTyping) private readonly typing: ChatTyping,
  ) {}

  /**
   * Stores a message and broadcasts it to the room's subscribers (not to the sending socket). A
   * second send with the same client id answers with the message stored the first time, and
   * neither stores nor broadcasts anything. It counts against the rate limit like any send, but a
   * retry over the limit is still answered with the stored message.
   */
  async send(
    origin: ChatOrigin,
    roomId: string,
    input: { clientId: string; text: string },
  ): Promise<SentMessage> {
    const { principal } = origin;
    this.assertLength(input.text);
    await this.access.roleIn(principal, roomId, 'write');
    const refused = await this.overLimit(principal);
    if (refused) {
      // A retry of a message stored before is answered all the same (the store finds it otherwise).
      const earlier = await this.repo.findByClientId(roomId, principal.id, input.clientId);
      if (earlier) return { message: await this.present(earlier), created: false };
      throw refused;
    }
    const sender = senderOf(principal);
    const stored = await this.repo.insertNext({
      id: generateMessageId(),
      roomId,
      senderId: sender.id,
      senderName: sender.displayName,
      senderAvatar: sender.avatarUrl,
      clientId: input.clientId,
      text: input.text,
      createdAt: new Date(),
    });
    if (!stored) throw noSuchRoom();
    if (!stored.created) return { message: await this.present(stored.message), created: false };
    const message = toChatMessage(stored.message, []);
    await this.typing.stop(roomId, principal.id);
    this.events.emit('chat.message_created', { message });
    this.fanout.created(message, origin.socketId);
    return { message, created: true };
  }

  /** {@link send} for a signed-in user over REST. */
  async sendAsUser(
    userId: string,
    roomId: string,
    input: { clientId: string; text: string },
  ): Promise<SentMessage> {
    const profile = await this.users.getProfile(userId);
    const principal: Principal = {
      kind: 'user',
      id: userId,
      displayName: profile.displayName,
      avatarUrl: profile.avatarUrl,
    };
    return this.send({ principal, socketId: null }, roomId, input);
  }

  /** Replaces the text of one's own message (not of a deleted one). */
  async edit(
    origin: ChatOrigin,
    roomId: string,
    messageId: string,
    text: string,
  ): Promise<ChatMessage> {
    const { principal } = origin;
    this.assertLength(text);
    await this.access.roleIn(principal, roomId, 'write');
    const found = await this.repo.findById(roomId, messageId);
    if (!found) throw noMessage();
    if (found.senderId !== principal.id)
      throw new AppError(ErrorCode.Forbidden, 'You can edit only your own messages.');
    if (found.deletedAt) throw wasDeleted();
    await this.spend(principal);
    if (!(await this.repo.edit(messageId, principal.id, text, new Date()))) throw wasDeleted();
    return this.changed(roomId, messageId, 'edited');
  }

  /** Deletes one's own message, or anyone's as a moderator or the owner. Deleting twice is fine. */
  async delete(origin: ChatOrigin, roomId: string, messageId: string): Promise<ChatMessage> {
    const { principal } = origin;
    const role = await this.access.roleIn(principal, roomId, 'write');
    const found = await this.repo.findById(roomId, messageId);
    if (!found) throw noMessage();
    if (found.senderId !== principal.id && !atLeast(role, 'moderator'))
      throw new AppError(
        ErrorCode.Forbidden,
        'Only moderators and the owner can delete the messages of others.',
      );
    if (found.deletedAt) return this.present(found);
    if (!(await this.repo.markDeleted(messageId, new Date()))) {
      const now = await this.repo.findById(roomId, messageId);
      if (!now) throw noMessage();
      return this.present(now);
    }
    return this.changed(roomId, messageId, 'deleted');
  }

  /** Adds or takes back one's reaction; doing what is already done changes (and sends) nothing. */
  async react(
    origin: ChatOrigin,
    roomId: string,
    input: { messageId: string; emoji: string; add: boolean },
  ): Promise<ChatMessage> {
    const { principal } = origin;
    await this.access.roleIn(principal, roomId, 'write');
    const found = await this.repo.findById(roomId, input.messageId);
    if (!found) throw noMessage();
    if (found.deletedAt) throw wasDeleted();
    let changed: boolean;
    if (input.add) {
      const emoji = await this.repo.emojiOf(found.id);
      if (!emoji.includes(input.emoji) && emoji.length >= MAX_REACTION_EMOJI)
        throw new AppError(
          ErrorCode.Conflict,
          `A message can carry reactions with at most ${MAX_REACTION_EMOJI} different emoji.`,
        );
      changed = await this.repo.addReaction(found.id, principal.id, input.emoji, new Date());
    } else {
      changed = await this.repo.removeReaction(found.id, principal.id, input.emoji);
    }
    if (!changed) return this.present(found);
    const message = await this.changed(roomId, found.id, 'reactions');
    // A deletion that overtook the reaction leaves no reaction behind.
    if (message.deletedAt !== null) {
      await this.repo.removeReaction(found.id, principal.id, input.emoji);
      throw wasDeleted();
    }
    return message;
  }

  /** `typing` from a socket: announced (throttled) to the room's other subscribers. */
  async setTyping(origin: ChatOrigin & { socketId: string }, roomId: string, typing: boolean) {
    const { principal } = origin;
    if (!typing) {
      await this.typing.stop(roomId, principal.id);
      return;
    }
    // Someone already typing was let in a moment ago; a refresh costs no database round trip.
    if (!(await this.typing.isTyping(roomId, principal.id)))
      await this.access.roleIn(principal, roomId, 'write');
    await this.typing.start(roomId, senderOf(principal), origin.socketId);
  }

  /**
   * Subscribes a socket to a room's chat and answers with what it needs to catch up: the latest
   * messages, or those after `afterSeq`.
   */
  async subscribe(
    origin: ChatOrigin & { socketId: string },
    roomId: string,
    options: { afterSeq?: number; limit?: number },
  ): Promise<ChatHistorySlice> {
    await this.access.roleIn(origin.principal, roomId, 'read');
    this.fanout.enter(origin.socketId, roomId);
    // A removal that landed between the check and the subscription must not be outlived by it.
    try {
      await this.access.roleIn(origin.principal, roomId, 'read');
    } catch (err) {
      this.fanout.exit(origin.socketId, roomId);
      throw err;
    }
    return this.slice(roomId, options.afterSeq, undefined, options.limit);
  }

  /** Unsubscribes a socket from a room's chat; unsubscribing twice is fine. */
  unsubscribe(socketId: string, roomId: string): void {
    this.fanout.exit(socketId, roomId);
  }

  /** A slice of a room's history for a socket: before `beforeSeq`, after `afterSeq`, or the latest. */
  async history(
    origin: ChatOrigin,
    roomId: string,
    options: { beforeSeq?: number; afterSeq?: number; limit?: number },
  ): Promise<ChatHistorySlice> {
    await this.access.roleIn(origin.principal, roomId, 'read');
    return this.slice(roomId, options.afterSeq, options.beforeSeq, options.limit);
  }

  /**
   * A page of a room's history over REST: newest first, or with `afterSeq` oldest first from
   * there. The cursor goes on in the same direction.
   */
  async page(userId: string, roomId: string, query: ChatHistoryQuery): Promise<ChatHistoryPage> {
    // Only the id decides a user's role; the name is not needed to read.
    await this.access.roleIn(
      { kind: 'user', id: userId, displayName: '', avatarUrl: null },
      roomId,
      'read',
    );
    const limit = query.limit ?? DEFAULT_HISTORY_LIMIT;
    let direction: HistoryDirection = query.afterSeq === undefined ? 'before' : 'after';
    let from = query.afterSeq;
    if (query.cursor !== undefined) ({ direction, seq: from } = decodeHistoryCursor(query.cursor));
    const rows =
      direction === 'after'
        ? await this.repo.after(roomId, limit + 1, from ?? 0)
        : await this.repo.before(roomId, limit + 1, from);
    const items = await this.presentAll(rows.slice(0, limit));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeHistoryCursor(direction, last.seq) : null,
    };
  }

  /** Resolves once every message stored before the call can be found by search. */
  searchable(): Promise<void> {
    return this.repo.searchable();
  }

  /** Messages by id, with their reactions, in the order asked; unknown ids are left out. */
  async messagesByIds(ids: string[]): Promise<ChatMessage[]> {
    const rows = await this.repo.findByIds(ids);
    const byId = new Map((await this.presentAll(rows)).map((m) => [m.id, m]));
    const out: ChatMessage[] = [];
    for (const id of new Set(ids)) {
      const message = byId.get(id);
      if (message) out.push(message);
    }
    return out;
  }

  /** A member left or was removed: its sockets stop receiving the room's chat. */
  memberRemoved(roomId: string, userId: string): void {
    this.fanout.dropMember(userId, roomId);
    void this.typing.stop(roomId, userId);
  }

  /** A room was deleted: nobody receives its chat any more. */
  roomDeleted(roomId: string): void {
    void this.typing.forgetRoom(roomId);
    this.fanout.dropRoom(roomId);
  }

  /** A socket closed: typing through it stops. */
  socketGone(socketId: string): void {
    void this.typing.socketGone(socketId);
  }

  private async slice(
    roomId: string,
    afterSeq: number | undefined,
    beforeSeq: number | undefined,
    limit = DEFAULT_HISTORY_LIMIT,
  ): Promise<ChatHistorySlice> {
    const lastSeq = (await this.repo.lastSeq(roomId)) ?? 0;
    // One row more than asked tells whether more exist beyond the slice.
    let rows: ChatMessageEntity[];
    let hasMore: boolean;
    if (afterSeq !== undefined) {
      rows = await this.repo.after(roomId, limit + 1, afterSeq);
      hasMore = rows.length > limit;
      rows = rows.slice(0, limit);
    } else {
      rows = await this.repo.before(roomId, limit + 1, beforeSeq);
      hasMore = rows.length > limit;
      rows = rows.slice(0, limit).reverse();
    }
    const messages = await this.presentAll(rows);
    return {
      roomId,
      messages,
      hasMore,
      lastSeq: Math.max(lastSeq, messages.at(-1)?.seq ?? 0),
    };
  }

  private assertLength(text: string): void {
    const max = this.config.chat.maxLength;
    if (text.length <= max) return;
    const message = `Message text must be at most ${max} characters.`;
    throw new AppError(ErrorCode.ValidationFailed, `Payload is invalid: text: ${message}`, {
      issues: [{ path: 'text', message }],
    });
  }

  private async spend(principal: Principal): Promise<void> {
    const refused = await this.overLimit(principal);
    if (refused) throw refused;
  }

  /** Spends one of the principal's chat requests; the error to answer with when none is left. */
  private async overLimit(principal: Principal): Promise<AppError | null> {
    const result = await this.limiter.consume(`chat:${principal.id}`, this.config.rateLimits.chat);
    if (result.allowed) return null;
    const retryAfterSeconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    return new AppError(
      ErrorCode.RateLimited,
      `Too many chat messages; try again in ${retryAfterSeconds} s.`,
      { retryAfterSeconds },
    );
  }

  /** Reads a message back after a change, announces it, and answers with it. */
  private async changed(
    roomId: string,
    messageId: string,
    change: ChatMessageChange,
  ): Promise<ChatMessage> {
    const row = await this.repo.findById(roomId, messageId);
    if (!row) throw noMessage();
    const message = await this.present(row);
    this.events.emit('chat.message_updated', { message, change });
    this.fanout.updated(message, change);
    return message;
  }

  private async present(row: ChatMessageEntity): Promise<ChatMessage> {
    return toChatMessage(row, await this.repo.reactionsOf([row.id]));
  }

  private async presentAll(rows: readonly ChatMessageEntity[]): Promise<ChatMessage[]> {
    const byMessage = new Map<string, ChatReactionEntity[]>();
    for (const reaction of await this.repo.reactionsOf(rows.map((r) => r.id))) {
      const list = byMessage.get(reaction.messageId);
      if (list) list.push(reaction);
      else byMessage.set(reaction.messageId, [reaction]);
    }
    return rows.map((row) => toChatMessage(row, byMessage.get(row.id) ?? []));
  }
}

/** The sender a principal appears as, within the stored columns' limits. */
function senderOf(principal: Principal): ChatSender {
  return {
    id: principal.id,
    displayName: clip(principal.displayName, 80),
    avatarUrl:
      principal.avatarUrl !== null && principal.avatarUrl.length <= 2048
        ? principal.avatarUrl
        : null,
  };
}

/** At most `max` UTF-16 units, never splitting a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
