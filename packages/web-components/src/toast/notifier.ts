/** How a toast looks: neutral news, good news, a warning or a failure. */
export type ToastVariant = 'info' | 'success' | 'warning' | 'danger';

/** One visible notification. */
export interface Toast {
  /** Unique id, for dismissing. */
  readonly id: number;
  /** The text shown (and announced). */
  readonly message: string;
  /** How it looks. */
  readonly variant: ToastVariant;
  /** A button in the toast, such as "Unmute" or "Admit". */
  readonly action?: ToastAction;
}

/** A button a toast offers; pressing it runs `run` and dismisses the toast. */
export interface ToastAction {
  /** The button's text. */
  readonly label: string;
  /** What pressing it does. */
  readonly run: () => void;
}

/** Options of {@link Notifier.notify}. */
export interface NotifyOptions {
  /** How it looks; `info` by default. */
  variant?: ToastVariant;
  /** How long it stays, in ms; 5000 by default, 0 keeps it until dismissed. */
  durationMs?: number;
  /** Whether screen readers hear it too; true by default. */
  announce?: boolean;
  /** Whether it is shown as a toast; true by default (false: announced only). */
  visible?: boolean;
  /** A button the toast offers. */
  action?: ToastAction;
}

/** How many toasts are shown at once; older ones make way. */
const MAX_TOASTS = 4;
/** The same announcement within this time is not repeated. */
const REPEAT_WINDOW_MS = 4000;
/** The live region is emptied after this, so a later identical message is announced again. */
const ANNOUNCEMENT_CLEAR_MS = 7000;

/**
 * The call UI's notifications: visible toasts and the text of one polite live region. Parts call
 * {@link notify} (or {@link announce} for screen readers only); the element that hosts the UI
 * renders both with `renderNotifications()` and re-renders on {@link subscribe}. The live region
 * never repeats itself: a message identical to one announced moments ago is dropped, and toasts
 * are not live regions, so nothing is read twice. Nor is anything shown twice: the same text while
 * its toast is up renews that toast.
 */
export class Notifier {
  private list: Toast[] = [];
  private spoken = '';
  private lastSpoken = { message: '', at: -Infinity };
  private nextId = 1;
  private readonly listeners = new Set<() => void>();
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private clearTimer: ReturnType<typeof setTimeout> | undefined;

  /** The toasts shown now, oldest first. */
  get toasts(): readonly Toast[] {
    return this.list;
  }

  /** The text of the live region now (empty between announcements). */
  get announcement(): string {
    return this.spoken;
  }

  /** Shows `message` as a toast and announces it; returns the toast id (0 when not shown). */
  notify(message: string, options: NotifyOptions = {}): number {
    const {
      variant = 'info',
      durationMs = 5000,
      announce = true,
      visible = true,
      action,
    } = options;
    if (announce) this.announce(message);
    if (!visible) return 0;
    // The same news again while its toast is up (two messages from Bob in a row) renews that toast
    // instead of stacking an identical one under it.
    const shown = this.list.find((t) => t.message === message && t.variant === variant);
    const toast: Toast = { id: shown?.id ?? this.nextId++, message, variant, action };
    clearTimeout(this.timers.get(toast.id));
    this.timers.delete(toast.id);
    this.list = [...this.list.filter((t) => t !== shown), toast].slice(-MAX_TOASTS);
    if (durationMs > 0) {
      this.timers.set(
        toast.id,
        setTimeout(() => this.dismiss(toast.id), durationMs),
      );
    }
    this.changed();
    return toast.id;
  }

  /** Puts `message` in the live region for screen readers, unless it was just said. */
  announce(message: string): void {
    const now = Date.now();
    if (message === this.lastSpoken.message && now - this.lastSpoken.at < REPEAT_WINDOW_MS) return;
    this.lastSpoken = { message, at: now };
    this.spoken = message;
    clearTimeout(this.clearTimer);
    this.clearTimer = setTimeout(() => {
      this.spoken = '';
      this.changed();
    }, ANNOUNCEMENT_CLEAR_MS);
    this.changed();
  }

  /** Removes toast `id`. */
  dismiss(id: number): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    const next = this.list.filter((t) => t.id !== id);
    if (next.length === this.list.length) return;
    this.list = next;
    this.changed();
  }

  /** Removes every toast and empties the live region. */
  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    clearTimeout(this.clearTimer);
    this.timers.clear();
    this.list = [];
    this.spoken = '';
    this.changed();
  }

  /** Calls `listener` after each change; returns the function that stops it. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
