export type {
  ConnectionStateChangedDetail,
  MinimeetConnectionStateChangedEvent,
} from './minimeet-connection-state-changed.js';
export type {
  ChatAction,
  ChatErrorDetail,
  ChatMessageDetail,
  MinimeetChatErrorEvent,
  MinimeetChatMessageEvent,
} from './minimeet-chat-message.js';
export type {
  MinimeetPresenceChangedEvent,
  PresenceChangedDetail,
} from './minimeet-presence-changed.js';
