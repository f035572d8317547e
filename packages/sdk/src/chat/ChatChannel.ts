import type {
  ChatMessage,
  ChatMessageUpdatedEvent,
  ChatSender,
  ChatTypingEvent,
} from '@minimeet/protocol';
import { CHAT_DEFAULTS } from '../defaults.js';
import { InvalidStateError, MinimeetError, SdkErrorCode } from '../errors.js';
import { ChatEvent, type ChatEventCallbacks } from '../events.js';
import type { ConnectionChange, SignalChannel } from '../signaling/SignalChannel.js';
import { TypedEmitter } from '../utils/TypedEmitter.js';
import { ChatState } from './ChatState.js';
import { createClientId } from './clientId.js';
import { MessageLog } from './MessageLog.js';
import { TypingThrottle, TypingTracker } from './Typing.js';

/** A message handed to `send()` that the server has not acknowledged yet. */
export interface PendingChatMessage {
  /** The id this client gave the message; the stored message carries it as `clientId`. */
  readonly clientId: string;
  /** The text as given to `send()`. */
  readonly text: string;
}

interface PendingSend extends PendingChatMessage {
  settled: boolean;
  resolve(message: ChatMessage): void;
  reject(error: Error): void;
}

/** What a {@link ChatChannel} needs from the client that opened it. @internal */
export interface ChatChannelHost {
  /** The client's signalling seam. */
  readonly signal: SignalChannel;
  /** The principal id this client is connected as, to recognise its own messages and typing. */
  selfId(): string | undefined;
  /** The channel closed; the client forgets it. */
  onClosed(channel: ChatChannel): void;
}

// Errors that mean "the connection is gone or too slow", not "the server said no".
function isConnectionError(error: unknown): error is MinimeetError {
  return (
    error instanceof MinimeetError &&
    (error.code === SdkErrorCode.Disconnected ||
      error.code === SdkErrorCode.Timeout ||
      error.code === SdkErrorCode.InvalidState)
  );
}

function asError(error: unknown): MinimeetError {
  if (error instanceof MinimeetError) return error;
  return new MinimeetError(
    SdkErrorCode.InvalidResponse,
    error instanceof Error ? error.message : String(error),
    { cause: error },
  );
}

function checkId(value: unknown, name: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string.`);
  }
}

function checkText(text: unknown): void {
  if (typeof text !== 'string' || text.trim().length === 0) {
    throw new TypeError('text must be a string that is not blank.');
  }
}

/**
 * The conversation of one room: its messages in order, sending, editing, deleting, reactions,
 * typing and history. It works without being in the room's call; `room.chat` is the same object
 * for the call's room. It keeps itself up to date across dropped connections: a message sent while
 * the connection is down is sent again with the same id until the server has it (so it is stored
 * once), and what others sent meanwhile is fetched after the reconnect, without gap or duplicate.
 *
 * @example
 * ```ts
 * const chat = client.chat('standup');
 * chat.on(ChatEvent.MessageReceived, (m) => render(m));
 * await chat.synced();
 * await chat.send('Hello!');
 * ```
 */
export class ChatChannel extends TypedEmitter<ChatEventCallbacks> {
  private chatState = ChatState.Connecting;
  private readonly log = new MessageLog();
  private readonly queue: PendingSend[] = [];
  private pumping = false;
  private filling = false;
  private moreOlder = false;
  private olderLoad: Promise<ChatMessage[]> | undefined;
  // Bumped when the connection drops or the channel closes: answers to older requests are stale.
  private run = 0;
  private closeError: MinimeetError | undefined;
  private readonly waiters: { resolve(): void; reject(error: Error): void }[] = [];
  private readonly typingOut: TypingThrottle;
  private readonly typists: TypingTracker;

  /** Opens the conversation of `roomId`; `client.chat(roomId)` is the public way in. @internal */
  constructor(
    /** The room whose conversation this is. */
    readonly roomId: string,
    private readonly host: ChatChannelHost,
  ) {
    super();
    this.typingOut = new TypingThrottle(
      (typing) => {
        if (this.host.signal.isConnected && this.chatState !== ChatState.Closed) {
          void this.host.signal
            .request('chat_typing', { roomId: this.roomId, typing })
            .catch(() => undefined);
        }
      },
      { refreshMs: CHAT_DEFAULTS.typingRefreshMs, idleMs: CHAT_DEFAULTS.typingIdleMs },
    );
    this.typists = new TypingTracker(CHAT_DEFAULTS.typingExpireMs, () =>
      this.emit(ChatEvent.TypingChanged, this.typists.typing),
    );
    void this.sync();
  }

  /** Where the subscription stands. */
  get state(): ChatState {
    return this.chatState;
  }

  /** The messages this client holds, oldest first, ordered by seq, each once. */
  get messages(): readonly ChatMessage[] {
    return this.log.messages;
  }

  /** Messages given to `send()` that the server has not acknowledged yet, in the order sent. */
  get pendingMessages(): readonly PendingChatMessage[] {
    return this.queue.filter((p) => !p.settled).map(({ clientId, text }) => ({ clientId, text }));
  }

  /** The others typing now, in the order they started. */
  get typing(): ChatSender[] {
    return this.typists.typing;
  }

  /** Whether older messages than the first one held remain on the server. */
  get hasMoreOlder(): boolean {
    return this.moreOlder;
  }

  /**
   * Resolves once the conversation is up to date with the server (at once if it is); rejects
   * with the server's error (`forbidden`, `not_found`, …) or {@link InvalidStateError} if it
   * closes first.
   */
  synced(): Promise<void> {
    if (this.chatState === ChatState.Synced) return Promise.resolve();
    if (this.chatState === ChatState.Closed) return Promise.reject(this.closedError());
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /**
   * Sends a message and resolves with it as stored (with its `id`, `seq` and server time). Until
   * then it is in {@link pendingMessages}; if the connection drops first, it is sent again with the
   * same `clientId` once the client has reconnected, so the server stores it once.
   *
   * Rejects with TypeError on blank text, {@link InvalidStateError} when the conversation is (or
   * gets) closed, and {@link MinimeetError} with the server's code when the server refuses it
   * (`validation_failed` for text over the server's limit, `rate_limited`, `forbidden`).
   */
  async send(text: string): Promise<ChatMessage> {
    checkText(text);
    this.assertOpen('send()');
    this.typingOut.reset();
    const sent = new Promise<ChatMessage>((resolve, reject) => {
      this.queue.push({ clientId: createClientId(), text, settled: false, resolve, reject });
    });
    void this.pump();
    return sent;
  }

  /**
   * Replaces the text of one's own message and resolves with the message as it is now; rejects
   * with `forbidden` for someone else's message and `not_found` for an unknown one.
   */
  async edit(messageId: string, text: string): Promise<ChatMessage> {
    checkId(messageId, 'messageId');
    checkText(text);
    this.assertOpen('edit()');
    const { message } = await this.host.signal.request('chat_edit', {
      roomId: this.roomId,
      messageId,
      text,
    });
    this.applyUpdate({ message, change: 'edited' });
    return message;
  }

  /**
   * Deletes a message (one's own; moderators and owners: anyone's) and resolves with it as it is
   * now: empty text, `deletedAt` set, still in its place.
   */
  async delete(messageId: string): Promise<ChatMessage> {
    checkId(messageId, 'messageId');
    this.assertOpen('delete()');
    const { message } = await this.host.signal.request('chat_delete', {
      roomId: this.roomId,
      messageId,
    });
    this.applyUpdate({ message, change: 'deleted' });
    return message;
  }

  /** Adds one's reaction `emoji` (a single emoji, such as 👍) to a message. */
  react(messageId: string, emoji: string): Promise<ChatMessage> {
    return this.setReaction(messageId, emoji, true);
  }

  /** Takes one's reaction `emoji` back from a message. */
  unreact(messageId: string, emoji: string): Promise<ChatMessage> {
    return this.setReaction(messageId, emoji, false);
  }

  /**
   * Tells the others that this user types. Call it with `true` on every keystroke: at most one
   * notice is sent every 2 seconds, and "stopped" follows after 4 seconds without a keystroke, or
   * at once with `false`. Sending a message ends it too.
   */
  setTyping(typing: boolean): void {
    if (typeof typing !== 'boolean') throw new TypeError('typing must be a boolean.');
    if (this.chatState === ChatState.Closed) return;
    this.typingOut.set(typing);
  }

  /**
   * Loads the page of messages before the first one held (`limit`, 1 to 200, default 50) and
   * resolves with them, oldest first; they are at the start of {@link messages} and reported with
   * `HistoryLoaded`. Resolves with none when the first message of the room is already held.
   */
  async loadOlder(limit: number = CHAT_DEFAULTS.historyPageSize): Promise<ChatMessage[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new TypeError('limit must be an integer from 1 to 200.');
    }
    this.assertOpen('loadOlder()');
    await this.synced();
    this.olderLoad ??= this.fetchOlder(limit).finally(() => {
      this.olderLoad = undefined;
    });
    return this.olderLoad;
  }

  /**
   * Stops following the conversation: the server stops sending its events here, messages still
   * pending are given up (their `send()` rejects with {@link InvalidStateError}), and `Closed` is
   * emitted. Safe to call more than once.
   */
  async close(): Promise<void> {
    if (this.chatState === ChatState.Closed) return;
    const { signal } = this.host;
    const connected = signal.isConnected;
    if (connected && this.typingOut.isTyping) {
      void signal.request('chat_typing', { roomId: this.roomId, typing: false }).catch(() => {});
    }
    this.shutdown(undefined, new InvalidStateError('The conversation was closed.'));
    if (connected) {
      await signal.request('chat_unsubscribe', { roomId: this.roomId }).catch(() => undefined);
    }
  }

  /** A new message of this room arrived live. @internal */
  handleMessage(message: ChatMessage): void {
    if (this.chatState === ChatState.Closed) return;
    const { appended, gap } = this.log.append([message]);
    this.received(appended);
    if (gap && this.chatState === ChatState.Synced) void this.fillGap();
  }

  /** A message of this room was edited, deleted or reacted to. @internal */
  handleUpdate(event: ChatMessageUpdatedEvent): void {
    if (this.chatState !== ChatState.Closed) this.applyUpdate(event);
  }

  /** Someone in this room started or stopped typing. @internal */
  handleTyping(event: ChatTypingEvent): void {
    if (this.chatState === ChatState.Closed || event.sender.id === this.host.selfId()) return;
    if (this.typists.handle(event.sender, event.typing)) {
      this.emit(ChatEvent.TypingChanged, this.typists.typing);
    }
  }

  /** The client's connection changed. @internal */
  handleConnectionChange(change: ConnectionChange): void {
    if (this.chatState === ChatState.Closed) return;
    switch (change.type) {
      case 'dropped':
        this.run += 1;
        this.typingOut.reset();
        if (this.typists.clear()) this.emit(ChatEvent.TypingChanged, []);
        this.setState(
          this.log.lastSeq === undefined ? ChatState.Connecting : ChatState.Reconnecting,
        );
        return;
      case 'network_changed':
        // The connection itself is checked by the client; a channel waits for dropped/restored.
        return;
      case 'restored':
        // After a call in the room has asked for its place back: the call is the more urgent.
        queueMicrotask(() => void this.sync());
        return;
      case 'closed':
        this.shutdown(
          undefined,
          new MinimeetError(
            SdkErrorCode.Disconnected,
            'The client disconnected before the message was sent.',
          ),
        );
        return;
    }
  }

  // Subscribes (again) and fetches everything after the last seq held, page by page.
  private async sync(): Promise<void> {
    if (this.chatState === ChatState.Closed) return;
    const run = ++this.run;
    const { signal } = this.host;
    if (!signal.isConnected) return;
    try {
      const first = this.log.lastSeq === undefined;
      const slice = await signal.request(
        'chat_subscribe',
        first
          ? { roomId: this.roomId, limit: CHAT_DEFAULTS.historyPageSize }
          : {
              roomId: this.roomId,
              afterSeq: this.log.lastSeq,
              limit: CHAT_DEFAULTS.historyPageSize,
            },
      );
      if (run !== this.run) return;
      let more = slice.hasMore;
      if (first) {
        const { appended } = this.log.start(slice.messages, slice.lastSeq);
        this.moreOlder = slice.hasMore;
        more = false;
        this.emit(ChatEvent.HistoryLoaded, [...this.log.messages], this.moreOlder);
        this.received(appended);
      } else {
        this.received(this.log.append(slice.messages).appended);
      }
      if (more || this.log.hasGap) await this.fetchAfter(run, more);
      if (run !== this.run) return;
      this.setState(ChatState.Synced);
      for (const waiter of this.waiters.splice(0)) waiter.resolve();
      this.emit(ChatEvent.Synced);
      void this.pump();
    } catch (error) {
      if (run !== this.run) return;
      if (!isConnectionError(error)) {
        this.shutdown(asError(error), asError(error));
      } else if (error.code === SdkErrorCode.Timeout && signal.isConnected) {
        void this.sync();
      }
      // Otherwise the connection is down: the next `restored` subscribes again.
    }
  }

  // Pages forward from the last seq held until the server has nothing more and no gap is left.
  private async fetchAfter(run: number, more: boolean): Promise<void> {
    let misses = 0;
    while (more || this.log.hasGap) {
      const slice = await this.host.signal.request('chat_history', {
        roomId: this.roomId,
        afterSeq: this.log.lastSeq ?? 0,
        limit: CHAT_DEFAULTS.historyPageSize,
      });
      if (run !== this.run) return;
      const { appended, gap } = this.log.append(slice.messages);
      this.received(appended);
      more = slice.hasMore;
      if (more || !gap || appended.length > 0) {
        misses = 0;
        continue;
      }
      // The server has nothing yet between the last seq held and the ones waiting (a message
      // stored but not yet visible): ask again shortly, and after a few tries let them through.
      misses += 1;
      if (misses > CHAT_DEFAULTS.gapRetries) {
        this.received(this.log.skipGap());
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, CHAT_DEFAULTS.gapRetryDelayMs * misses));
      if (run !== this.run) return;
    }
  }

  // A live message arrived past a gap: fetch what is missing in between.
  private async fillGap(): Promise<void> {
    if (this.filling) return;
    this.filling = true;
    const run = this.run;
    try {
      await this.fetchAfter(run, false);
    } catch (error) {
      if (run === this.run && !isConnectionError(error)) this.received(this.log.skipGap());
    } finally {
      this.filling = false;
    }
  }

  private async fetchOlder(limit: number): Promise<ChatMessage[]> {
    const before = this.log.firstSeq;
    if (!this.moreOlder || before === undefined) {
      this.moreOlder = false;
      return [];
    }
    const slice = await this.host.signal.request('chat_history', {
      roomId: this.roomId,
      beforeSeq: before,
      limit,
    });
    const added = this.log.prepend(slice.messages);
    this.moreOlder = slice.hasMore && added.length > 0;
    this.emit(ChatEvent.HistoryLoaded, added, this.moreOlder);
    return added;
  }

  // Sends the queue one message at a time, so that the server stores them in the order sent.
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    const { signal } = this.host;
    try {
      while (this.chatState !== ChatState.Closed && signal.isConnected) {
        const item = this.queue[0];
        if (!item) break;
        if (item.settled) {
          this.queue.shift();
          continue;
        }
        try {
          const { message } = await signal.request('chat_message', {
            roomId: this.roomId,
            clientId: item.clientId,
            text: item.text,
          });
          this.handleMessage(message);
          this.settle(item, message);
        } catch (error) {
          // No answer on a live connection: send again, the server recognises the clientId.
          if (isConnectionError(error) && error.code === SdkErrorCode.Timeout) continue;
          // The connection is gone: the next `restored` sends again.
          if (isConnectionError(error)) break;
          const index = this.queue.indexOf(item);
          if (index !== -1) this.queue.splice(index, 1);
          if (!item.settled) {
            item.settled = true;
            item.reject(asError(error));
          }
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private settle(item: PendingSend, message: ChatMessage): void {
    const index = this.queue.indexOf(item);
    if (index !== -1) this.queue.splice(index, 1);
    if (item.settled) return;
    item.settled = true;
    item.resolve(this.log.find(message.id) ?? message);
  }

  // Messages joined the end of the log: report them, and settle own messages still pending.
  private received(messages: readonly ChatMessage[]): void {
    const self = this.host.selfId();
    for (const message of messages) {
      if (message.sender.id === self) {
        const item = this.queue.find((p) => p.clientId === message.clientId && !p.settled);
        if (item) {
          item.settled = true;
          item.resolve(message);
        }
      }
      if (this.typists.handle(message.sender, false)) {
        this.emit(ChatEvent.TypingChanged, this.typists.typing);
      }
      this.emit(ChatEvent.MessageReceived, message);
    }
  }

  private applyUpdate({ message, change }: ChatMessageUpdatedEvent): void {
    switch (this.log.update(message)) {
      case 'changed':
        break;
      case 'added':
        this.handleMessage(message);
        return;
      case 'unchanged':
      case 'ignored':
        return;
    }
    switch (change) {
      case 'edited':
        this.emit(ChatEvent.MessageEdited, message);
        return;
      case 'deleted':
        this.emit(ChatEvent.MessageDeleted, message);
        return;
      case 'reactions':
        this.emit(ChatEvent.ReactionsChanged, message);
        return;
    }
  }

  private async setReaction(messageId: string, emoji: string, add: boolean): Promise<ChatMessage> {
    checkId(messageId, 'messageId');
    if (typeof emoji !== 'string' || emoji.length === 0) {
      throw new TypeError('emoji must be a non-empty string.');
    }
    this.assertOpen(add ? 'react()' : 'unreact()');
    const { message } = await this.host.signal.request('chat_react', {
      roomId: this.roomId,
      messageId,
      emoji,
      add,
    });
    this.applyUpdate({ message, change: 'reactions' });
    return message;
  }

  private assertOpen(method: string): void {
    if (this.chatState === ChatState.Closed) {
      throw new InvalidStateError(
        `${method} needs an open conversation; open it again with client.chat(roomId).`,
      );
    }
  }

  private closedError(): Error {
    return this.closeError ?? new InvalidStateError('The conversation is closed.');
  }

  // The one way into Closed: `error` is what the server said, `pendingError` what `send()`s get.
  private shutdown(error: MinimeetError | undefined, pendingError: Error): void {
    if (this.chatState === ChatState.Closed) return;
    this.run += 1;
    this.closeError = error;
    this.typingOut.reset();
    this.typists.clear();
    this.setState(ChatState.Closed);
    for (const item of this.queue.splice(0)) {
      if (item.settled) continue;
      item.settled = true;
      item.reject(pendingError);
    }
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.closedError());
    this.host.onClosed(this);
    this.emit(ChatEvent.Closed, error);
  }

  private setState(state: ChatState): void {
    if (state === this.chatState) return;
    this.chatState = state;
    this.emit(ChatEvent.StateChanged, state);
  }
}
