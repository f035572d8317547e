export type {
  ConnectionStateChangedDetail,
  MinimeetConnectionStateChangedEvent,
} from './minimeet-connection-state-changed.js';
export type * from './room-events.js';
export type { ChatAction, ChatErrorDetail, MinimeetChatErrorEvent } from './minimeet-chat-error.js';
export type {
  MinimeetPresenceChangedEvent,
  PresenceChangedDetail,
} from './minimeet-presence-changed.js';
