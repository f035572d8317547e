/** Timings of a move between topologies. */
export interface MediaMoveTimings {
  /** How long the old topology runs at most once the move began. */
  moveTimeoutMs: number;
  /**
   * How long the old topology keeps running once this side plays everything over the new one and
   * every other participant said it does too: their elements switch a moment after they say so.
   */
  closeDelayMs: number;
}

/** Defaults of {@link MediaMoveTimings}. */
export const MEDIA_MOVE_DEFAULTS: Readonly<MediaMoveTimings> = Object.freeze({
  moveTimeoutMs: 8_000,
  closeDelayMs: 500,
});

/** What a {@link MediaMove} needs from the transport that runs both topologies. */
export interface MediaMoveHost {
  /** The other participants in the call now. */
  peers(): Iterable<string>;
  /** How many live remote tracks the old topology plays now, per participant still there. */
  oldTracks(): ReadonlyMap<string, number>;
  /**
   * The participants the old topology exchanges media with now: each must say it plays this
   * side's media over the new topology (`media_moved`) before the old one may close.
   */
  oldPeers(): Iterable<string>;
  /** Whether participant `id` said it plays this side's media over the new topology. */
  acked(id: string): boolean;
  /** Tells participant `id` that this side plays its media over the new topology. */
  tell(id: string): void;
  /** The move is over: both sides of every connection play the new topology; the old may close. */
  finish(): void;
}

/**
 * One move of a call between mesh and SFU, seen from this side. It counts the remote tracks that
 * play over the new topology (once they carry media), tells each participant when all of its
 * tracks have moved, and finishes once every participant's tracks have moved here and every
 * participant of the old topology said it plays this side's over the new one, so that nobody stops
 * sending the old way while someone still plays it. A participant that never answers (it left, or
 * runs an SDK without `media_moved`) holds the move up to a timeout.
 */
export class MediaMove {
  private readonly moved = new Map<string, number>();
  private readonly told = new Set<string>();
  private readonly awaited: Set<string>;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly stops = new Set<() => void>();
  private closing: ReturnType<typeof setTimeout> | undefined;
  private done = false;

  /** Starts the move's clock. */
  constructor(
    private readonly host: MediaMoveHost,
    private readonly timings: MediaMoveTimings = MEDIA_MOVE_DEFAULTS,
  ) {
    this.awaited = new Set(host.oldPeers());
    this.later(() => this.finish(), timings.moveTimeoutMs);
  }

  /**
   * A track of participant `from` arrived over the new topology; it counts once `flowing` settles
   * (the track carries media, or waiting for it timed out). `stop` ends the wait on cancel.
   */
  arrived(from: string, media: { flowing: Promise<unknown>; stop: () => void }): void {
    if (this.done) {
      media.stop();
      return;
    }
    this.stops.add(media.stop);
    void media.flowing.then(() => {
      this.stops.delete(media.stop);
      if (this.done) return;
      this.moved.set(from, (this.moved.get(from) ?? 0) + 1);
      this.check();
    });
  }

  /**
   * Looks again at where the move stands: tells those whose tracks have all moved (at once those
   * that send this side nothing), and finishes soon when nothing is left to wait for (also after
   * someone left, or said it moved).
   */
  check(): void {
    if (this.done) return;
    const old = this.host.oldTracks();
    const present = new Set(this.host.peers());
    for (const id of present) {
      if (!this.told.has(id) && (this.moved.get(id) ?? 0) >= (old.get(id) ?? 0)) {
        this.told.add(id);
        this.host.tell(id);
      }
    }
    if (this.closing !== undefined) return;
    for (const [id, before] of old) if ((this.moved.get(id) ?? 0) < before) return;
    for (const id of this.awaited) if (present.has(id) && !this.host.acked(id)) return;
    this.closing = this.later(() => this.finish(), this.timings.closeDelayMs);
  }

  /** Abandons the move (the call moves back before it finished, or closes). */
  cancel(): void {
    this.done = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const stop of this.stops) stop();
    this.stops.clear();
  }

  private finish(): void {
    if (this.done) return;
    this.cancel();
    this.host.finish();
  }

  private later(run: () => void, ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
    return timer;
  }
}
