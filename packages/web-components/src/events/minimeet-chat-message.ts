import type { ChatMessage } from '@minimeet/sdk';

/** The `detail` of `minimeet-chat-message`: a message this element sent, or one that arrived. */
export interface ChatMessageDetail {
  /** The message as the server stored it. */
  readonly message: ChatMessage;
  /**
   * `sent` when this element sent it (once the server stored it); `received` for a new message
   * that arrived live: someone else's, or the user's own from another tab or device. Messages of
   * the history (on opening, paging back, after a reconnect) are not reported.
   */
  readonly direction: 'sent' | 'received';
}

/**
 * Dispatched by `<minimeet-chat>` (and so by `<minimeet-room>`, which holds one) for each message
 * sent or received live. It bubbles and is composed.
 */
export type MinimeetChatMessageEvent = CustomEvent<ChatMessageDetail>;

/** What a `<minimeet-chat>` was doing when something went wrong. */
export type ChatAction = 'open' | 'send' | 'edit' | 'delete' | 'react' | 'load' | 'search';

/** The `detail` of `minimeet-chat-error`. */
export interface ChatErrorDetail {
  /** What failed. */
  readonly action: ChatAction;
  /** The SDK's error: a `MinimeetError` with the server's code, or an `InvalidStateError`. */
  readonly error: Error;
}

/**
 * Dispatched by `<minimeet-chat>` when an action fails (the element also shows it). It bubbles
 * and is composed.
 */
export type MinimeetChatErrorEvent = CustomEvent<ChatErrorDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'minimeet-chat-message': MinimeetChatMessageEvent;
    'minimeet-chat-error': MinimeetChatErrorEvent;
  }
}
