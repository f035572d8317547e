/**
 * Runs async work one piece after another, in the order asked, like mediasoup-client's
 * `AwaitQueue`: a piece starts once the one before it has settled, and a failure is its caller's
 * to handle, never a reason to skip what comes next.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after everything queued before it; settles as `task` does. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const next = this.tail.then(task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
