/** Timings of a move between topologies. */
export interface MediaMoveTimings {
  /** How long a track of the new topology may take to carry media before it counts as moved anyway. */
  firstMediaTimeoutMs: number;
  /** How long the old topology runs at most once the move began. */
  moveTimeoutMs: number;
  /**
   * How long the old topology keeps sending once this side receives everything over the new one,
   * for the others, who may be a moment behind.
   */
  closeDelayMs: number;
}

/** Defaults of {@link MediaMoveTimings}. */
export const MEDIA_MOVE_DEFAULTS: Readonly<MediaMoveTimings> = Object.freeze({
  firstMediaTimeoutMs: 3_000,
  moveTimeoutMs: 8_000,
  closeDelayMs: 2_500,
});

/** What a {@link MediaMove} needs from the transport that runs both topologies. */
export interface MediaMoveHost {
  /** How many live remote tracks the old topology plays now, per participant still there. */
  oldTracks(): ReadonlyMap<string, number>;
  /** The move is over: the new topology carries everything and the old one may close. */
  finish(): void;
}

/**
 * One move of a call between mesh and SFU, seen from this side: it counts the tracks that arrive
 * over the new topology once they carry media, and finishes when every participant's tracks have
 * moved (after a short delay, for the others) or when the move has taken too long.
 */
export class MediaMove {
  private readonly moved = new Map<string, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private closing: ReturnType<typeof setTimeout> | undefined;
  private done = false;

  /** Starts the move's clock. */
  constructor(
    private readonly host: MediaMoveHost,
    private readonly timings: MediaMoveTimings = MEDIA_MOVE_DEFAULTS,
  ) {
    this.later(() => this.finish(), timings.moveTimeoutMs);
  }

  /** A track of participant `from` arrived over the new topology. */
  arrived(from: string, track: MediaStreamTrack): void {
    const count = () => {
      if (this.done || track.readyState === 'ended') return;
      this.moved.set(from, (this.moved.get(from) ?? 0) + 1);
      this.check();
    };
    // A received track starts muted and unmutes with its first packets.
    if (!track.muted) {
      count();
      return;
    }
    const once = () => {
      clearTimeout(timer);
      this.timers.delete(timer);
      track.removeEventListener('unmute', once);
      count();
    };
    const timer = this.later(once, this.timings.firstMediaTimeoutMs);
    track.addEventListener('unmute', once);
  }

  /** Finishes soon when every participant's tracks have moved (also after someone left). */
  check(): void {
    if (this.done || this.closing !== undefined || !this.caughtUp()) return;
    this.closing = this.later(() => this.finish(), this.timings.closeDelayMs);
  }

  /** Abandons the move (the call moves back before it finished). */
  cancel(): void {
    this.done = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private caughtUp(): boolean {
    for (const [id, before] of this.host.oldTracks()) {
      if ((this.moved.get(id) ?? 0) < before) return false;
    }
    return true;
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
