import {
  ChatEvent,
  ChatState,
  type ChatChannel,
  type ChatEventCallbacks,
  type ChatMessage,
  type ChatSender,
  type MinimeetError,
} from '@minimeet/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** What a {@link ChatChannelController} tells its host, besides asking it to re-render. */
export interface ChatChannelControllerOptions {
  /**
   * A message joined the end of the conversation. `live` is true when it arrived while the
   * conversation was up to date (a new message), false for one fetched on opening or after a
   * reconnect.
   */
  onMessage?: (message: ChatMessage, live: boolean) => void;
  /** Older messages were put at the start (the first page, or a `loadOlder()` page). */
  onHistory?: (messages: readonly ChatMessage[], hasMoreOlder: boolean) => void;
  /** A message was edited, deleted or reacted to. */
  onUpdate?: (message: ChatMessage, change: 'edited' | 'deleted' | 'reactions') => void;
  /** The others typing changed. */
  onTyping?: (typing: readonly ChatSender[]) => void;
  /** The conversation closed for good (with the server's error when it refused it). */
  onClosed?: (error: MinimeetError | undefined) => void;
}

/**
 * A Lit reactive controller that binds a {@link ChatChannel} to an element: it listens to the
 * channel's events while the host is in the document and asks the host to re-render on each. The
 * channel itself (`messages`, `pendingMessages`, `typing`, `hasMoreOlder`, `state`) stays the one
 * source of truth; the controller never opens or closes it.
 */
export class ChatChannelController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly options: ChatChannelControllerOptions;
  private bound: ChatChannel | undefined;
  private attached = false;

  /** Creates the controller and adds it to `host`. */
  constructor(host: ReactiveControllerHost, options: ChatChannelControllerOptions = {}) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  /** The bound conversation, if any. */
  get channel(): ChatChannel | undefined {
    return this.bound;
  }

  /** Binds another conversation (or none); listeners move with it and the host re-renders. */
  setChannel(channel: ChatChannel | undefined): void {
    if (channel === this.bound) return;
    this.unsubscribe();
    this.bound = channel;
    if (this.attached) this.subscribe();
    this.host.requestUpdate();
  }

  /** Subscribes when the host enters the document. */
  hostConnected(): void {
    this.attached = true;
    this.subscribe();
    this.host.requestUpdate();
  }

  /** Unsubscribes when the host leaves it, so a detached element holds no listeners. */
  hostDisconnected(): void {
    this.attached = false;
    this.unsubscribe();
  }

  private readonly handlers: { [E in ChatEvent]: ChatEventCallbacks[E] } = {
    [ChatEvent.MessageReceived]: (message) => {
      this.options.onMessage?.(message, this.bound?.state === ChatState.Synced);
      this.host.requestUpdate();
    },
    [ChatEvent.MessageEdited]: (message) => this.updated(message, 'edited'),
    [ChatEvent.MessageDeleted]: (message) => this.updated(message, 'deleted'),
    [ChatEvent.ReactionsChanged]: (message) => this.updated(message, 'reactions'),
    [ChatEvent.TypingChanged]: (typing) => {
      this.options.onTyping?.(typing);
      this.host.requestUpdate();
    },
    [ChatEvent.HistoryLoaded]: (messages, hasMoreOlder) => {
      this.options.onHistory?.(messages, hasMoreOlder);
      this.host.requestUpdate();
    },
    [ChatEvent.Synced]: () => this.host.requestUpdate(),
    [ChatEvent.StateChanged]: () => this.host.requestUpdate(),
    [ChatEvent.Closed]: (error) => {
      this.options.onClosed?.(error);
      this.host.requestUpdate();
    },
  };

  private updated(message: ChatMessage, change: 'edited' | 'deleted' | 'reactions'): void {
    this.options.onUpdate?.(message, change);
    this.host.requestUpdate();
  }

  private subscribe(): void {
    const channel = this.bound;
    if (!channel) return;
    for (const event of Object.values(ChatEvent)) channel.on(event, this.handlers[event]);
  }

  private unsubscribe(): void {
    const channel = this.bound;
    if (!channel) return;
    for (const event of Object.values(ChatEvent)) channel.off(event, this.handlers[event]);
  }
}
