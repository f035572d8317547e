import type { ChatMessage } from '@minimeet/protocol';

/** What adding messages to a {@link MessageLog} changed. */
export interface LogAppend {
  /** Messages that joined the end of the log, in seq order; each is reported once. */
  appended: ChatMessage[];
  /** Whether messages are held beyond a gap, so the missing ones must be fetched. */
  gap: boolean;
}

/** What {@link MessageLog.update} did with a changed message. */
export type LogUpdate =
  /** The message was in the log and changed: the caller reports the change. */
  | 'changed'
  /** The message was in the log, as it already was (an echo of a change already applied). */
  | 'unchanged'
  /** The message is newer than the log: it was taken in as a new message, see `append`. */
  | 'added'
  /** The message is older than the loaded history (or held beyond a gap): nothing to report. */
  | 'ignored';

function stateKey(m: ChatMessage): string {
  return JSON.stringify([m.text, m.editedAt, m.deletedAt, m.reactions]);
}

/**
 * A room's conversation as this client holds it: messages ordered by seq, each once, and with no
 * hole between the first and the last. Messages that arrive beyond a hole wait (`held`) until
 * the messages before them have been fetched, so that every message is reported once and in
 * order. Pure logic: no I/O, no timers.
 */
export class MessageLog {
  private readonly list: ChatMessage[] = [];
  private readonly held = new Map<number, ChatMessage>();
  // The seq up to which the log is complete; undefined until the first slice sets it.
  private complete: number | undefined;

  /** The messages, oldest first. */
  get messages(): readonly ChatMessage[] {
    return this.list;
  }

  /** The seq up to which nothing is missing, or undefined before the first slice. */
  get lastSeq(): number | undefined {
    return this.complete;
  }

  /** The seq of the oldest message held, or undefined when there is none. */
  get firstSeq(): number | undefined {
    return this.list[0]?.seq;
  }

  /** Whether messages are waiting beyond a gap. */
  get hasGap(): boolean {
    return this.held.size > 0;
  }

  /**
   * Takes the first slice of the conversation: its messages (the most recent ones, oldest first)
   * and the room's latest seq when it was made. Messages that arrived before it and follow it join
   * the end and are returned in `appended`.
   */
  start(messages: readonly ChatMessage[], lastSeq: number): LogAppend {
    const sorted = [...messages].sort((a, b) => a.seq - b.seq);
    this.list.splice(0, this.list.length, ...sorted);
    this.complete = sorted.at(-1)?.seq ?? lastSeq;
    return this.release();
  }

  /** Adds messages newer than the log (live or fetched); returns those that joined its end. */
  append(messages: readonly ChatMessage[]): LogAppend {
    for (const message of messages) {
      if (this.complete !== undefined && message.seq <= this.complete) continue;
      if (!this.held.has(message.seq)) this.held.set(message.seq, message);
    }
    return this.release();
  }

  /**
   * Adds messages older than the first one (a page of history); returns those added, oldest
   * first. Messages already held are skipped.
   */
  prepend(messages: readonly ChatMessage[]): ChatMessage[] {
    const limit = this.firstSeq ?? (this.complete ?? 0) + 1;
    const older = messages
      .filter((m) => m.seq < limit)
      .sort((a, b) => a.seq - b.seq)
      .filter((m, i, all) => i === 0 || all[i - 1].seq !== m.seq);
    this.list.unshift(...older);
    return older;
  }

  /** Applies a changed message (edited, deleted, reacted to). */
  update(message: ChatMessage): LogUpdate {
    const index = this.indexOf(message.seq);
    if (index !== -1) {
      const current = this.list[index];
      if (current.id !== message.id) return 'ignored';
      if (stateKey(current) === stateKey(message)) return 'unchanged';
      this.list[index] = message;
      return 'changed';
    }
    if (this.held.has(message.seq)) {
      this.held.set(message.seq, message);
      return 'ignored';
    }
    if (this.complete !== undefined && message.seq > this.complete) return 'added';
    return 'ignored';
  }

  /**
   * Gives up on the messages missing before those held (they could not be fetched) and lets the
   * held ones join the end; returns them.
   */
  skipGap(): ChatMessage[] {
    const held = [...this.held.values()].sort((a, b) => a.seq - b.seq);
    this.held.clear();
    this.list.push(...held);
    if (held.length > 0) this.complete = held.at(-1)!.seq;
    return held;
  }

  /** Finds a message by its server id. */
  find(id: string): ChatMessage | undefined {
    return this.list.find((m) => m.id === id);
  }

  private release(): LogAppend {
    const appended: ChatMessage[] = [];
    if (this.complete !== undefined) {
      for (const seq of [...this.held.keys()]) if (seq <= this.complete) this.held.delete(seq);
      let next = this.held.get(this.complete + 1);
      while (next) {
        this.held.delete(next.seq);
        this.list.push(next);
        appended.push(next);
        this.complete = next.seq;
        next = this.held.get(this.complete + 1);
      }
    }
    return { appended, gap: this.held.size > 0 };
  }

  // Binary search: the list is ordered by seq.
  private indexOf(seq: number): number {
    let lo = 0;
    let hi = this.list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = this.list[mid].seq;
      if (at === seq) return mid;
      if (at < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
