import { Inject, Injectable } from '@nestjs/common';
import {
  type ChatMessage,
  type MessageSearchHit,
  type MessageSearchPage,
  type MessageSearchQuery,
  type MessageSearchSort,
  type Principal,
} from '@minimeet/protocol';
import { z } from 'zod';
import { unknownCursor } from './engine-support.js';
import { MESSAGE_SEARCH, type MessageSearch } from './message-search.port.js';
import { parseSearchQuery } from './search-query.js';
import { makeSnippet } from './snippet.js';

/** DI token of what search needs from chat: stored messages by id. */
export const CHAT_MESSAGES = Symbol('CHAT_MESSAGES');

/** Stored messages by id (chat's `ChatService` provides it). */
export interface ChatMessageSource {
  /**
   * Resolves once every message stored before the call is in the store's own search index (the
   * SQLite store indexes new messages a moment after it stores them).
   */
  searchable(): Promise<void>;
  /** The messages with these ids, with their reactions; unknown ids are left out. */
  messagesByIds(ids: string[]): Promise<ChatMessage[]>;
}

/** DI token of what search needs from rooms: which conversations a principal may read. */
export const READABLE_ROOMS = Symbol('READABLE_ROOMS');

/** The rooms a principal may read (rooms' `RoomAccessService` provides it). */
export interface ReadableRooms {
  /** Ids of the rooms whose conversation the principal may read. */
  roomIdsOf(principal: Principal): Promise<string[]>;
  /**
   * Resolves when the principal may read the room's conversation; throws `not_found` for a room it
   * may not see (exactly as for an unknown id) and `forbidden` for one it sees but may not read.
   */
  assertReadable(principal: Principal, roomId: string): Promise<void>;
}

/** Page size when the query gives none. */
export const DEFAULT_SEARCH_LIMIT = 20;

// The envelope of every cursor: the sort it belongs to and the engine's own position.
const cursorSchema = z.strictObject({
  s: z.enum(['newest', 'relevance']),
  k: z.unknown(),
});

function encodeCursor(sort: MessageSearchSort, position: unknown): string {
  return Buffer.from(JSON.stringify({ s: sort, k: position })).toString('base64url');
}

function decodeCursor(cursor: string, sort: MessageSearchSort): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw unknownCursor();
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success || result.data.s !== sort || result.data.k === undefined)
    throw unknownCursor();
  return result.data.k;
}

/**
 * Full-text search of chat messages, limited to the rooms the caller may read. Parses the query
 * once, asks the configured engine ({@link MESSAGE_SEARCH}) for ids, and answers with the stored
 * messages as they are now, each with a snippet made by one function for every engine.
 */
@Injectable()
export class SearchService {
  constructor(
    @Inject(MESSAGE_SEARCH) private readonly engine: MessageSearch,
    @Inject(CHAT_MESSAGES) private readonly messages: ChatMessageSource,
    @Inject(READABLE_ROOMS) private readonly rooms: ReadableRooms,
  ) {}

  /**
   * One page of hits for the principal. A `roomId` is answered as the room's chat history answers
   * it: `not_found` for a room the principal may not see (whether or not it exists), `forbidden`
   * for a public room it has not joined. A query without any usable word finds nothing.
   */
  async search(principal: Principal, query: MessageSearchQuery): Promise<MessageSearchPage> {
    const sort = query.sort ?? 'newest';
    const after = query.cursor !== undefined ? decodeCursor(query.cursor, sort) : undefined;
    if (query.roomId !== undefined) await this.rooms.assertReadable(principal, query.roomId);
    const roomIds =
      query.roomId !== undefined ? [query.roomId] : await this.rooms.roomIdsOf(principal);
    const parsed = parseSearchQuery(query.q);
    const from = query.from !== undefined ? new Date(query.from) : undefined;
    const to = query.to !== undefined ? new Date(query.to) : undefined;
    if (roomIds.length === 0 || parsed.terms.length === 0 || (from && to && from >= to))
      return { items: [], nextCursor: null };

    // A message its sender has seen stored is found: the index catches up first if it lags.
    await this.messages.searchable();
    const result = await this.engine.search({
      query: parsed,
      roomIds,
      ...(query.senderId !== undefined ? { senderId: query.senderId } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      sort,
      limit: query.limit ?? DEFAULT_SEARCH_LIMIT,
      after,
    });
    const allowed = new Set(roomIds);
    const found = new Map(
      (await this.messages.messagesByIds(result.hits.map((h) => h.id))).map((m) => [m.id, m]),
    );
    const items: MessageSearchHit[] = [];
    for (const hit of result.hits) {
      const message = found.get(hit.id);
      // The engine may lag behind the store (an external index): the store has the last word.
      if (!message || message.deletedAt !== null || !allowed.has(message.roomId)) continue;
      items.push({ message, ...makeSnippet(message.text, parsed) });
    }
    return {
      items,
      nextCursor: result.next === null ? null : encodeCursor(sort, result.next),
    };
  }
}
