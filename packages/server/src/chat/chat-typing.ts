import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ChatSender } from '@minimeet/protocol';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../common/logger.js';
import { ChatFanout } from './chat-fanout.js';
import { TYPING_STORE, type TypingStore } from './typing-store.js';

/**
 * Who is typing where, for {@link ChatService}: the {@link TypingStore} keeps the typists (in this
 * process, or in Redis for every node) and decides what is announced; the announcements go out
 * through the {@link ChatFanout}. Ending typing never fails its caller: a store that cannot be
 * reached is logged, and the typist then runs out on its own.
 */
@Injectable()
export class ChatTyping implements OnApplicationShutdown {
  constructor(
    @Inject(TYPING_STORE) private readonly store: TypingStore,
    @Inject(ChatFanout) fanout: ChatFanout,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    store.watch(({ roomId, sender, typing, exceptSocketId }) =>
      fanout.typing(roomId, sender, typing, exceptSocketId),
    );
  }

  /** True when the principal is known to be typing in the room. */
  isTyping(roomId: string, principalId: string): Promise<boolean> {
    return this.store.isTyping(roomId, principalId);
  }

  /** `typing: true` from a socket: announced unless it was announced in the last 2 s. */
  start(roomId: string, sender: ChatSender, socketId: string): Promise<void> {
    return this.store.start(roomId, sender, socketId);
  }

  /** The principal stopped typing (said so, sent its message, or went away): announced once. */
  stop(roomId: string, principalId: string): Promise<void> {
    return this.quietly(this.store.stop(roomId, principalId), 'ending a typist failed', roomId);
  }

  /** A socket closed: whoever was typing through it stopped. */
  socketGone(socketId: string): Promise<void> {
    return this.quietly(
      this.store.socketGone(socketId),
      'ending the typing of a closed socket failed',
    );
  }

  /** A room is gone: its typists are forgotten without a word (nobody is left to hear it). */
  forgetRoom(roomId: string): Promise<void> {
    return this.quietly(
      this.store.forgetRoom(roomId),
      'forgetting the typists of a deleted room failed',
      roomId,
    );
  }

  onApplicationShutdown(): void {
    this.store.close();
  }

  private async quietly(work: Promise<void>, what: string, roomId?: string): Promise<void> {
    try {
      await work;
    } catch (err) {
      this.logger.warn({ err, roomId }, what);
    }
  }
}
