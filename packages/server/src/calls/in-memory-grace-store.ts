import { randomBytes } from 'node:crypto';
import {
  MAX_QUEUED_CHARS,
  MAX_QUEUED_SIGNALS,
  signalWeight,
  type GraceStore,
  type RelayedSignal,
} from './grace-store.js';

interface Grace {
  timer: NodeJS.Timeout;
  queue: RelayedSignal[];
  chars: number;
}

/** The embedded {@link GraceStore}: one timer per participant in this process. */
export class InMemoryGraceStore implements GraceStore {
  private readonly graces = new Map<string, Grace>();
  private readonly resumes = new Map<string, { token: string; until: number }>();
  private onExpired: (roomId: string, participantId: string) => void = () => {};

  start(roomId: string, participantId: string, ms: number): Promise<void> {
    const key = keyOf(roomId, participantId);
    const previous = this.graces.get(key);
    if (previous) clearTimeout(previous.timer);
    this.graces.set(key, {
      timer: this.timer(roomId, participantId, ms),
      queue: previous?.queue ?? [],
      chars: previous?.chars ?? 0,
    });
    return Promise.resolve();
  }

  ensure(roomId: string, participantId: string, ms: number): Promise<void> {
    return this.graces.has(keyOf(roomId, participantId))
      ? Promise.resolve()
      : this.start(roomId, participantId, ms);
  }

  enqueue(roomId: string, participantId: string, signal: RelayedSignal): Promise<void> {
    const grace = this.graces.get(keyOf(roomId, participantId));
    if (!grace) return Promise.resolve();
    grace.queue.push(signal);
    grace.chars += signalWeight(signal);
    while (
      grace.queue.length > MAX_QUEUED_SIGNALS ||
      (grace.chars > MAX_QUEUED_CHARS && grace.queue.length > 1)
    ) {
      grace.chars -= signalWeight(grace.queue.shift()!);
    }
    return Promise.resolve();
  }

  hold(roomId: string, participantId: string, ms: number): Promise<void> {
    const grace = this.graces.get(keyOf(roomId, participantId));
    if (grace) {
      clearTimeout(grace.timer);
      grace.timer = this.timer(roomId, participantId, ms);
    }
    return Promise.resolve();
  }

  end(roomId: string, participantId: string): Promise<RelayedSignal[]> {
    const key = keyOf(roomId, participantId);
    const grace = this.graces.get(key);
    if (!grace) return Promise.resolve([]);
    clearTimeout(grace.timer);
    this.graces.delete(key);
    return Promise.resolve(grace.queue);
  }

  claimResume(roomId: string, participantId: string, ms: number): Promise<string | null> {
    const key = keyOf(roomId, participantId);
    const now = Date.now();
    const held = this.resumes.get(key);
    if (held && held.until > now) return Promise.resolve(null);
    const token = randomBytes(9).toString('base64url');
    this.resumes.set(key, { token, until: now + ms });
    return Promise.resolve(token);
  }

  releaseResume(roomId: string, participantId: string, token: string): Promise<void> {
    const key = keyOf(roomId, participantId);
    if (this.resumes.get(key)?.token === token) this.resumes.delete(key);
    return Promise.resolve();
  }

  watch(onExpired: (roomId: string, participantId: string) => void): void {
    this.onExpired = onExpired;
  }

  close(): void {
    for (const grace of this.graces.values()) clearTimeout(grace.timer);
    this.graces.clear();
    this.resumes.clear();
    this.onExpired = () => {};
  }

  private timer(roomId: string, participantId: string, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.graces.delete(keyOf(roomId, participantId));
      this.onExpired(roomId, participantId);
    }, ms);
    timer.unref();
    return timer;
  }
}

function keyOf(roomId: string, participantId: string): string {
  return `${roomId}\n${participantId}`;
}
