type Timer = ReturnType<typeof setTimeout>;

// setTimeout fires at once for longer delays; a longer idle time is waited for in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Where an {@link AwayDetector} learns that the page is hidden or the user active. */
export interface ActivitySource {
  /** Whether the page is hidden now. */
  isHidden(): boolean;
  /** Calls `listener` when the page is shown or hidden; returns the function that stops it. */
  onVisibilityChange(listener: () => void): () => void;
  /** Calls `listener` on user input (keys, pointer, wheel, touch); returns the function that stops it. */
  onInput(listener: () => void): () => void;
}

const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

/** The page's own activity, or undefined outside a browser page (Node, a worker). */
export function pageActivitySource(): ActivitySource | undefined {
  if (
    typeof document === 'undefined' ||
    typeof window === 'undefined' ||
    typeof document.addEventListener !== 'function'
  ) {
    return undefined;
  }
  const options: AddEventListenerOptions = { capture: true, passive: true };
  return {
    isHidden: () => document.visibilityState === 'hidden',
    onVisibilityChange: (listener) => {
      document.addEventListener('visibilitychange', listener);
      return () => document.removeEventListener('visibilitychange', listener);
    },
    onInput: (listener) => {
      for (const type of INPUT_EVENTS) window.addEventListener(type, listener, options);
      return () => {
        for (const type of INPUT_EVENTS) window.removeEventListener(type, listener, options);
      };
    },
  };
}

/**
 * Tells whether the user is away from this page: it is hidden, or there has been no input for
 * `idleAfterMs`. Calls `onChange` each time that flips.
 */
export class AwayDetector {
  private hidden = false;
  private idle = false;
  private lastInputAt = 0;
  private timer: Timer | undefined;
  private stops: (() => void)[] = [];

  /** Creates a stopped detector. */
  constructor(
    private readonly source: ActivitySource,
    private readonly idleAfterMs: number,
    private readonly onChange: (away: boolean) => void,
  ) {}

  /** Whether the user is away now. */
  get away(): boolean {
    return this.hidden || this.idle;
  }

  /** Starts watching, counting the user as active now. Does nothing if already started. */
  start(): void {
    if (this.stops.length > 0) return;
    this.hidden = this.source.isHidden();
    this.idle = false;
    this.lastInputAt = Date.now();
    this.stops.push(
      this.source.onVisibilityChange(() =>
        this.change(() => (this.hidden = this.source.isHidden())),
      ),
      this.source.onInput(() => this.input()),
    );
    this.armTimer(this.idleAfterMs);
  }

  /** Stops watching; the user counts as present until the next `start()`. */
  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.hidden = false;
    this.idle = false;
  }

  // Input is frequent: it only records the time, unless it ends an idle spell.
  private input(): void {
    this.lastInputAt = Date.now();
    if (this.idle) {
      this.change(() => (this.idle = false));
      this.armTimer(this.idleAfterMs);
    }
  }

  private armTimer(delayMs: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!Number.isFinite(this.idleAfterMs)) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const quietFor = Date.now() - this.lastInputAt;
        if (quietFor >= this.idleAfterMs) this.change(() => (this.idle = true));
        else this.armTimer(this.idleAfterMs - quietFor);
      },
      Math.min(delayMs, MAX_TIMER_MS),
    );
  }

  private change(apply: () => void): void {
    const before = this.away;
    apply();
    if (this.away !== before) this.onChange(this.away);
  }
}
