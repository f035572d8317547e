import type { ChatSender } from '@minimeet/protocol';

/** A `typing: true` is announced again at most this often while it is refreshed. */
export const TYPING_THROTTLE_MS = 2000;
/** Someone who said `typing: true` and then nothing for this long has stopped typing. */
export const TYPING_TIMEOUT_MS = 6000;

/** Someone started or stopped typing in a room: what the room's subscribers are told. */
export interface TypingChange {
  roomId: string;
  sender: ChatSender;
  typing: boolean;
  /** The socket the typist's latest `typing: true` came from, which is not told. */
  exceptSocketId: string;
}

/** How long typing lasts; {@link TYPING_THROTTLE_MS} and {@link TYPING_TIMEOUT_MS} by default. */
export interface TypingTiming {
  /** A `true` is announced again at most this often. */
  throttleMs: number;
  /** A `true` not refreshed for this long ends in a `false`. */
  timeoutMs: number;
}

/** The rules' own timing. */
export const DEFAULT_TYPING_TIMING: Readonly<TypingTiming> = {
  throttleMs: TYPING_THROTTLE_MS,
  timeoutMs: TYPING_TIMEOUT_MS,
};

/**
 * Who is typing where: ephemeral, never in the database. One entry per (room, principal) that
 * remembers the socket of its latest `typing: true`; the store decides what is announced and
 * hands it to the listener given to {@link watch}: a `true` at most once per throttle window, a
 * `false` once when typing ends (said so, timed out, or its socket closed). The in-process adapter
 * serves one node; the Redis adapter lets every node see the same typists, so a `true` on one node
 * and a `false` on another are one typist, and a node that dies leaves no typist behind for good.
 */
export interface TypingStore {
  /** Whether the principal is typing in the room now. */
  isTyping(roomId: string, principalId: string): Promise<boolean>;
  /** A `typing: true` from a socket: refreshes the typist and announces it unless throttled. */
  start(roomId: string, sender: ChatSender, socketId: string): Promise<void>;
  /** The principal stopped typing (said so, sent its message, or was removed): announced once. */
  stop(roomId: string, principalId: string): Promise<void>;
  /** A socket of this node closed: whoever's latest `true` came through it stopped. */
  socketGone(socketId: string): Promise<void>;
  /** A room is gone: its typists are forgotten without a word (nobody is left to hear it). */
  forgetRoom(roomId: string): Promise<void>;
  /** Where announcements go from now on. */
  watch(announce: (change: TypingChange) => void): void;
  /** Stops this node's timers; nothing more is announced. */
  close(): void;
}

/** DI token of the {@link TypingStore} port. */
export const TYPING_STORE = Symbol('TYPING_STORE');
