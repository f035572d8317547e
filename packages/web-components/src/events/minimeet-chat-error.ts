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
 * Dispatched by `<minimeet-chat>` when an action fails (the element shows it too). It bubbles
 * and is composed.
 */
export type MinimeetChatErrorEvent = CustomEvent<ChatErrorDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'minimeet-chat-error': MinimeetChatErrorEvent;
  }
}
