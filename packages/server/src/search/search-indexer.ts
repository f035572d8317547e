import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ChatMessage } from '@minimeet/protocol';
import { EventBus } from '../common/event-bus.js';
import { MESSAGE_SEARCH, type MessageSearch } from './message-search.port.js';

/**
 * Feeds the search engine from the event bus: a stored or edited or deleted message is indexed as
 * it is now, a deleted room is forgotten. The engines inside the relational store ignore this;
 * an external one depends on it. Changes of one message are handed over in the order they were
 * published, so an edit never overtakes the message it edits.
 */
@Injectable()
export class SearchIndexer implements OnModuleDestroy {
  private readonly logger = new Logger('SearchIndexer');
  private readonly unsubscribe: Array<() => void>;
  // Per message: the last change handed over, so that the next waits for it.
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    @Inject(EventBus) bus: EventBus,
    @Inject(MESSAGE_SEARCH) private readonly engine: MessageSearch,
  ) {
    this.unsubscribe = [
      bus.on('room.deleted', ({ roomId }) =>
        this.engine.roomDeleted(roomId).catch((err: unknown) => this.report('room', roomId, err)),
      ),
    ];
    // An engine inside the store has indexed each message already; the hot path skips the hooks.
    if (!engine.indexesItself)
      this.unsubscribe.push(
        bus.on('chat.message_created', ({ message }) => this.index(message)),
        bus.on('chat.message_updated', ({ message, change }) =>
          change === 'reactions' ? undefined : this.index(message),
        ),
      );
  }

  /** Waits until every change handed over so far is done (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()]);
  }

  private index(message: ChatMessage): Promise<void> {
    const previous = this.inFlight.get(message.id) ?? Promise.resolve();
    const next = previous
      .then(() => this.engine.indexed(message))
      .catch((err: unknown) => this.report('message', message.id, err))
      .finally(() => {
        if (this.inFlight.get(message.id) === next) this.inFlight.delete(message.id);
      });
    this.inFlight.set(message.id, next);
    return next;
  }

  private report(what: string, id: string, err: unknown): void {
    this.logger.error(
      `indexing ${what} ${id} failed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    for (const off of this.unsubscribe) off();
    await this.idle();
  }
}
