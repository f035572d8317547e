// Bounds for signalling from participants the room has not heard of yet.
const MAX_HELD_PEERS = 16;
const MAX_HELD_PER_PEER = 128;

/**
 * Orders the signalling of each remote participant: its descriptions and candidates are applied
 * one after another, and those that arrive before the participant is announced wait for it.
 */
export class SignalBuffer {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly held = new Map<string, (() => Promise<void>)[]>();

  /** Applies `task` for `peer` after its earlier tasks; a failing task does not stop the next. */
  run(peer: string, task: () => Promise<void>): void {
    const previous = this.chains.get(peer) ?? Promise.resolve();
    this.chains.set(
      peer,
      previous.then(task).catch(() => undefined),
    );
  }

  /** Keeps `task` until `release(peer)`; drops it beyond the bounds. */
  hold(peer: string, task: () => Promise<void>): void {
    const tasks = this.held.get(peer);
    if (tasks) {
      if (tasks.length < MAX_HELD_PER_PEER) tasks.push(task);
    } else if (this.held.size < MAX_HELD_PEERS) {
      this.held.set(peer, [task]);
    }
  }

  /** Runs what was held for `peer`, in order. */
  release(peer: string): void {
    const tasks = this.held.get(peer) ?? [];
    this.held.delete(peer);
    for (const task of tasks) this.run(peer, task);
  }

  /** Drops everything of `peer`, which left. */
  forget(peer: string): void {
    this.held.delete(peer);
    this.chains.delete(peer);
  }

  /** Drops everything. */
  clear(): void {
    this.held.clear();
    this.chains.clear();
  }
}
