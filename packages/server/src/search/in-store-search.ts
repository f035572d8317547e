import type { ChatMessage } from '@minimeet/protocol';
import type {
  MessageSearch,
  MessageSearchHealth,
  MessageSearchRequest,
  MessageSearchResult,
} from './message-search.port.js';

/**
 * An engine inside the relational store (SQLite FTS5, MySQL/MariaDB FULLTEXT, PostgreSQL full
 * text): the store indexes its messages itself (MySQL and PostgreSQL in the transaction that writes
 * a message; SQLite a moment later, and before any search, see `SqliteChatWriter`), so the
 * indexing hooks of {@link MessageSearch} have nothing to do.
 */
export abstract class InStoreMessageSearch implements MessageSearch {
  abstract readonly engine: MessageSearchHealth['engine'];
  readonly indexesItself = true;

  abstract search(request: MessageSearchRequest): Promise<MessageSearchResult>;
  abstract health(): Promise<MessageSearchHealth>;

  indexed(_message: ChatMessage): Promise<void> {
    return Promise.resolve();
  }

  removed(_messageId: string): Promise<void> {
    return Promise.resolve();
  }

  roomDeleted(_roomId: string): Promise<void> {
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}
