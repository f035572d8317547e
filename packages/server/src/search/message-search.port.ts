import type { ChatMessage, MessageSearchSort } from '@minimeet/protocol';
import type { SearchQuery } from './search-query.js';

/** DI token of the {@link MessageSearch} port. */
export const MESSAGE_SEARCH = Symbol('MESSAGE_SEARCH');

/** One search, as the service hands it to an engine. */
export interface MessageSearchRequest {
  /** The parsed query; never without terms. */
  query: SearchQuery;
  /** The rooms to look in: the caller's (or the one of them it asked for); never empty. */
  roomIds: string[];
  /** Only messages of this sender. */
  senderId?: string;
  /** Only messages stored at or after this time. */
  from?: Date;
  /** Only messages stored before this time. */
  to?: Date;
  /** `newest`: created_at descending (id descending on ties); `relevance`: the engine's score. */
  sort: MessageSearchSort;
  /** Most hits to return. */
  limit: number;
  /**
   * Where the previous page ended: the `next` an engine returned, as it came back inside a
   * client's cursor (so untrusted: an engine checks its shape and refuses anything else with
   * `validation_failed`).
   */
  after?: unknown;
}

/** One hit: a message id, and the engine's score when sorting by relevance. */
export interface MessageSearchHitRef {
  id: string;
  score?: number;
}

/** A page of hits from an engine. */
export interface MessageSearchResult {
  /** Hits in order: the ids of stored, not deleted messages of the requested rooms. */
  hits: MessageSearchHitRef[];
  /** The position after the last hit when there may be more (JSON-serialisable), else null. */
  next: unknown;
}

/** What an engine reports about itself. */
export interface MessageSearchHealth {
  engine: 'sqlite' | 'mysql' | 'postgres' | 'elasticsearch';
  ok: boolean;
  /** Why not, when not ok. */
  detail?: string;
}

/**
 * Full-text search of chat messages. Engines inside the relational store (SQLite FTS5, MySQL
 * FULLTEXT, PostgreSQL full text) index in the same transaction as the message, by trigger or
 * index, and ignore the hooks; an external engine (Elasticsearch) indexes through them.
 */
export interface MessageSearch {
  /** Which engine this is. */
  readonly engine: MessageSearchHealth['engine'];

  /**
   * True for an engine inside the relational store, which indexes a message in the transaction
   * that stores it: the hooks {@link indexed} and {@link removed} are then never needed.
   */
  readonly indexesItself: boolean;

  /**
   * Finds messages. Any query the parser produced is acceptable: an engine never fails on what a
   * user typed (it answers fewer or no hits instead).
   */
  search(request: MessageSearchRequest): Promise<MessageSearchResult>;

  /** A message was stored or edited: index it as it is now (a deleted one is removed). */
  indexed(message: ChatMessage): Promise<void>;

  /** A message is gone for good: forget it. */
  removed(messageId: string): Promise<void>;

  /** A room was deleted with its conversation: forget all of its messages. */
  roomDeleted(roomId: string): Promise<void>;

  /** Makes everything indexed so far searchable (tests; external engines refresh lazily). */
  flush(): Promise<void>;

  /** Whether the engine answers. */
  health(): Promise<MessageSearchHealth>;
}
