import type { ChatSender } from '@minimeet/protocol';
import {
  DEFAULT_TYPING_TIMING,
  type TypingChange,
  type TypingStore,
  type TypingTiming,
} from './typing-store.js';

interface Typist {
  roomId: string;
  sender: ChatSender;
  /** The socket the latest `typing: true` came from. */
  socketId: string;
  announcedAt: number;
  timer: NodeJS.Timeout;
}

/** The embedded {@link TypingStore}: one entry and one stop timer per typist in this process. */
export class InMemoryTypingStore implements TypingStore {
  private readonly typists = new Map<string, Typist>();
  private readonly timing: TypingTiming;
  private announce: (change: TypingChange) => void = () => {};

  constructor(timing: Partial<TypingTiming> = {}) {
    this.timing = { ...DEFAULT_TYPING_TIMING, ...timing };
  }

  isTyping(roomId: string, principalId: string): Promise<boolean> {
    return Promise.resolve(this.typists.has(keyOf(roomId, principalId)));
  }

  start(roomId: string, sender: ChatSender, socketId: string): Promise<void> {
    const k = keyOf(roomId, sender.id);
    const now = Date.now();
    const typist = this.typists.get(k);
    if (typist) {
      clearTimeout(typist.timer);
      typist.timer = this.expiry(k);
      typist.socketId = socketId;
      typist.sender = sender;
      if (now - typist.announcedAt < this.timing.throttleMs) return Promise.resolve();
      typist.announcedAt = now;
    } else {
      this.typists.set(k, { roomId, sender, socketId, announcedAt: now, timer: this.expiry(k) });
    }
    this.announce({ roomId, sender, typing: true, exceptSocketId: socketId });
    return Promise.resolve();
  }

  stop(roomId: string, principalId: string): Promise<void> {
    this.end(keyOf(roomId, principalId));
    return Promise.resolve();
  }

  socketGone(socketId: string): Promise<void> {
    for (const [k, typist] of this.typists) if (typist.socketId === socketId) this.end(k);
    return Promise.resolve();
  }

  forgetRoom(roomId: string): Promise<void> {
    for (const [k, typist] of this.typists) {
      if (typist.roomId !== roomId) continue;
      clearTimeout(typist.timer);
      this.typists.delete(k);
    }
    return Promise.resolve();
  }

  watch(announce: (change: TypingChange) => void): void {
    this.announce = announce;
  }

  close(): void {
    for (const typist of this.typists.values()) clearTimeout(typist.timer);
    this.typists.clear();
    this.announce = () => {};
  }

  private expiry(k: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.end(k), this.timing.timeoutMs);
    timer.unref();
    return timer;
  }

  private end(k: string): void {
    const typist = this.typists.get(k);
    if (!typist) return;
    clearTimeout(typist.timer);
    this.typists.delete(k);
    this.announce({
      roomId: typist.roomId,
      sender: typist.sender,
      typing: false,
      exceptSocketId: typist.socketId,
    });
  }
}

// A NUL cannot occur in a room id or a principal id, so the key is unambiguous.
const keyOf = (roomId: string, principalId: string): string => `${roomId}\u0000${principalId}`;
