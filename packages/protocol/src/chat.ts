/** Chat: socket payloads and REST bodies of persisted room chat, history and search. */
import type { Page } from './rooms.js';

/** Who sent a chat message, as it was when the message was stored. */
export interface ChatSender {
  /** The principal id: a user id, or `guest:<owner>:<identity>` for a join-token guest. */
  id: string;
  /** Display name at the time of sending. */
  displayName: string;
  /** Avatar URL or null. */
  avatarUrl: string | null;
}

/** One emoji's reactions on a message. */
export interface ChatReaction {
  /** The emoji, as sent. */
  emoji: string;
  /** How many people reacted with it. */
  count: number;
  /** The principal ids of those who reacted (at most the first 50). */
  principalIds: string[];
}

/** A stored chat message. */
export interface ChatMessage {
  /** Server id (`msg_…`). */
  id: string;
  /** The id the sender's client gave it; a retry with the same id returns this message. */
  clientId: string;
  /** The room whose conversation it belongs to. */
  roomId: string;
  /** Position in the room's conversation: 1, 2, 3, … with no gaps, assigned at storage. */
  seq: number;
  /** Who sent it. */
  sender: ChatSender;
  /** The text exactly as sent ("" once deleted). Render it as text, never as HTML. */
  text: string;
  /** ISO 8601 time the server stored it. */
  createdAt: string;
  /** ISO 8601 time of the last edit, or null. */
  editedAt: string | null;
  /** ISO 8601 time it was deleted, or null. A deleted message keeps its place and seq. */
  deletedAt: string | null;
  /** Reactions, by emoji, in the order each emoji was first used. */
  reactions: ChatReaction[];
}

/** `chat_message` (client → server): send a message to a room's conversation. */
export interface SendChatMessagePayload {
  /** The room. The sender must be a member of it (or a guest whose token names it). */
  roomId: string;
  /**
   * An id the client makes for this message (8 to 64 of `A-Z a-z 0-9 _ -`). Sending again with
   * the same id (a retry after a timeout or a reconnect) stores nothing new and answers with the
   * message stored the first time.
   */
  clientId: string;
  /** The text: not blank, at most the server's `CHAT_MAX_LENGTH` characters (4,000 by default). */
  text: string;
}

/** `chat_edit`: replace the text of one's own message. */
export interface EditChatMessagePayload {
  /** The room. */
  roomId: string;
  /** The message id (`msg_…`). */
  messageId: string;
  /** The new text, with the same limits as a new message. */
  text: string;
}

/** `chat_delete`: delete one's own message, or any message as a moderator or owner. */
export interface DeleteChatMessagePayload {
  /** The room. */
  roomId: string;
  /** The message id (`msg_…`). */
  messageId: string;
}

/** `chat_react`: add or remove one's reaction to a message. */
export interface ReactChatMessagePayload {
  /** The room. */
  roomId: string;
  /** The message id (`msg_…`). */
  messageId: string;
  /** One emoji (a single grapheme such as 👍 or 👩🏽‍💻). */
  emoji: string;
  /** True to add the reaction, false to take it back. */
  add: boolean;
}

/** `chat_typing`: the sender started or stopped typing (ephemeral, never stored). */
export interface ChatTypingPayload {
  /** The room. */
  roomId: string;
  /** True while typing; the server forgets it after a few seconds without a new `true`. */
  typing: boolean;
}

/** `chat_subscribe`: receive a room's chat events live, and catch up on what was missed. */
export interface ChatSubscribePayload {
  /** The room. */
  roomId: string;
  /**
   * The last seq the client has. Absent: the answer holds the most recent messages (a late
   * joiner's history). Present: the answer holds the messages after it, oldest first.
   */
  afterSeq?: number;
  /** At most this many messages in the answer (1–200, default 50). */
  limit?: number;
}

/** Answer to `chat_subscribe` and `chat_history`: a slice of the conversation, oldest first. */
export interface ChatHistorySlice {
  /** The room. */
  roomId: string;
  /** Messages in seq order. */
  messages: ChatMessage[];
  /** True when more messages exist beyond this slice in the direction asked for. */
  hasMore: boolean;
  /** The room's latest seq when the answer was made (0 for an empty conversation). */
  lastSeq: number;
}

/** `chat_unsubscribe`: stop receiving a room's chat events. */
export interface ChatUnsubscribePayload {
  /** The room. */
  roomId: string;
}

/** `chat_history`: page through a room's conversation over the socket. */
export interface ChatHistoryPayload {
  /** The room. */
  roomId: string;
  /** Messages before this seq (newest of them first in the search, returned oldest first). */
  beforeSeq?: number;
  /** Messages after this seq, oldest first. Not together with `beforeSeq`. */
  afterSeq?: number;
  /** At most this many (1–200, default 50). */
  limit?: number;
}

/** Server → client `chat_message`: a new message in a subscribed room. */
export interface ChatMessageEvent {
  /** The stored message. */
  message: ChatMessage;
}

/** What changed in a `chat_message_updated` event. */
export type ChatMessageChange = 'edited' | 'deleted' | 'reactions';

/** Server → client `chat_message_updated`: a message was edited, deleted or reacted to. */
export interface ChatMessageUpdatedEvent {
  /** The message as it is now. */
  message: ChatMessage;
  /** What changed. */
  change: ChatMessageChange;
}

/** Server → client `chat_typing`: someone in a subscribed room started or stopped typing. */
export interface ChatTypingEvent {
  /** The room. */
  roomId: string;
  /** Who. */
  sender: ChatSender;
  /** True while typing; false when they stopped, sent, or went away. */
  typing: boolean;
}

/** Query of `GET /api/rooms/{roomId}/messages`. */
export interface ChatHistoryQuery {
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string;
  /** Page size (1–200, default 50). */
  limit?: number;
  /** Only messages after this seq, oldest first (catching up); otherwise newest first. */
  afterSeq?: number;
}

/** Order of search results. */
export type MessageSearchSort = 'newest' | 'relevance';

/** Query of `GET /api/search/messages`. */
export interface MessageSearchQuery {
  /**
   * What to find: words (all must match), `"quoted phrases"`, and prefixes (`meet*`). Any text is
   * accepted; what the engine cannot use is ignored.
   */
  q: string;
  /** Only this room. */
  roomId?: string;
  /** Only messages from this principal. */
  senderId?: string;
  /** Only messages stored at or after this ISO 8601 time. */
  from?: string;
  /** Only messages stored before this ISO 8601 time. */
  to?: string;
  /** `newest` (default) or `relevance`. */
  sort?: MessageSearchSort;
  /** Page size (1–100, default 20). */
  limit?: number;
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string;
}

/** One search result. */
export interface MessageSearchHit {
  /** The message. */
  message: ChatMessage;
  /** A short excerpt of the text around the matches. Plain text: render it as text. */
  snippet: string;
  /** `[start, end)` offsets (UTF-16 code units) of the matched terms inside `snippet`. */
  highlights: Array<[number, number]>;
}

/** Answer of `GET /api/search/messages`. */
export type MessageSearchPage = Page<MessageSearchHit>;

/** Answer of `GET /api/rooms/{roomId}/messages`. */
export type ChatHistoryPage = Page<ChatMessage>;
