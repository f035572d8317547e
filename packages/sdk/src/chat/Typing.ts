import type { ChatSender } from '@minimeet/protocol';

type Timer = ReturnType<typeof setTimeout>;

/** Timings of the typing indicator, in milliseconds. */
export interface TypingTimings {
  /** At most one `true` is sent per this interval while the user keeps typing. */
  refreshMs: number;
  /** A `false` is sent after this long without a keystroke. */
  idleMs: number;
  /** Someone else counts as typing for this long after their last `true`, unless a `false` comes. */
  expireMs: number;
}

/**
 * Decides when to tell the server that this user types: called on every keystroke with `true`,
 * it sends at most one `true` per `refreshMs`, and `false` once the keys have been still for
 * `idleMs` (or at once on `set(false)`).
 */
export class TypingThrottle {
  private active = false;
  private lastSentAt = 0;
  private idleTimer: Timer | undefined;

  /** Creates a throttle that reports through `send`. */
  constructor(
    private readonly send: (typing: boolean) => void,
    private readonly timings: Pick<TypingTimings, 'refreshMs' | 'idleMs'>,
  ) {}

  /** Whether the server was last told that this user types. */
  get isTyping(): boolean {
    return this.active;
  }

  /** Reports a keystroke (`true`) or that the user stopped typing (`false`). */
  set(typing: boolean): void {
    if (!typing) {
      this.clearTimer();
      if (this.active) {
        this.active = false;
        this.send(false);
      }
      return;
    }
    const now = Date.now();
    if (!this.active || now - this.lastSentAt >= this.timings.refreshMs) {
      this.active = true;
      this.lastSentAt = now;
      this.send(true);
    }
    this.clearTimer();
    this.idleTimer = setTimeout(() => this.set(false), this.timings.idleMs);
  }

  /** Forgets the state without sending anything (the message was sent: the server said so). */
  reset(): void {
    this.clearTimer();
    this.active = false;
  }

  private clearTimer(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

/**
 * Who else is typing in a conversation, from the server's `chat_typing` events. Someone whose
 * `false` never arrives stops counting after `expireMs`.
 */
export class TypingTracker {
  private readonly typists = new Map<string, { sender: ChatSender; timer: Timer }>();

  /** Creates a tracker that calls `onChange` when someone stops counting by expiry. */
  constructor(
    private readonly expireMs: number,
    private readonly onChange: () => void,
  ) {}

  /** Those typing now, in the order they started. */
  get typing(): ChatSender[] {
    return [...this.typists.values()].map((t) => t.sender);
  }

  /** Applies a `chat_typing` event; returns whether the list changed. */
  handle(sender: ChatSender, typing: boolean): boolean {
    const current = this.typists.get(sender.id);
    if (current) clearTimeout(current.timer);
    if (!typing) {
      this.typists.delete(sender.id);
      return current !== undefined;
    }
    const timer = setTimeout(() => {
      this.typists.delete(sender.id);
      this.onChange();
    }, this.expireMs);
    this.typists.set(sender.id, { sender, timer });
    return current === undefined;
  }

  /** Forgets everyone (the connection dropped or the conversation closed); returns whether anyone was typing. */
  clear(): boolean {
    for (const { timer } of this.typists.values()) clearTimeout(timer);
    const had = this.typists.size > 0;
    this.typists.clear();
    return had;
  }
}
