import { HIDDEN_VIEW, mergeViews, sameView, type VideoView } from './layers.js';

// Layout settles in bursts (a grid reflowing, a window being dragged larger): report once it rests.
const SETTLE_MS = 150;

interface Watched {
  width: number;
  height: number;
  onScreen: boolean;
}

/**
 * Watches the elements a remote video plays in, with `ResizeObserver` and `IntersectionObserver`,
 * and reports how it is shown: the largest visible element in device pixels, or hidden when no
 * element is on screen or the page is hidden. Reports come after layout settles and only on change.
 */
export class VideoViewObserver {
  private readonly watched = new Map<Element, Watched>();
  private readonly resize: ResizeObserver | undefined;
  private readonly intersection: IntersectionObserver | undefined;
  private last: VideoView = HIDDEN_VIEW;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onVisibility = () => this.schedule();

  /** Starts watching no element; `onChange` hears each settled change. */
  constructor(private readonly onChange: (view: VideoView) => void) {
    // Outside a browser (or in a very old one) there is nothing to watch; the video then counts
    // as shown at its full size whenever an element is attached.
    this.resize =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver((entries) => {
            for (const entry of entries) {
              const watched = this.watched.get(entry.target);
              if (!watched) continue;
              const box = entry.devicePixelContentBoxSize?.[0];
              const ratio = box ? 1 : (globalThis.devicePixelRatio ?? 1);
              const size = box ?? entry.contentBoxSize?.[0];
              watched.width = Math.round((size?.inlineSize ?? entry.contentRect.width) * ratio);
              watched.height = Math.round((size?.blockSize ?? entry.contentRect.height) * ratio);
            }
            this.schedule();
          });
    this.intersection =
      typeof IntersectionObserver === 'undefined'
        ? undefined
        : new IntersectionObserver((entries) => {
            for (const entry of entries) {
              const watched = this.watched.get(entry.target);
              if (!watched) continue;
              watched.onScreen = entry.isIntersecting;
              // Its size too, in case this comes before the ResizeObserver's first report.
              const ratio = globalThis.devicePixelRatio ?? 1;
              watched.width ||= Math.round(entry.boundingClientRect.width * ratio);
              watched.height ||= Math.round(entry.boundingClientRect.height * ratio);
            }
            this.schedule();
          });
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', this.onVisibility);
    }
  }

  /** The latest settled view. */
  get view(): VideoView {
    return this.last;
  }

  /** Watches exactly `elements` from now on. */
  setElements(elements: readonly Element[]): void {
    for (const element of [...this.watched.keys()]) {
      if (elements.includes(element)) continue;
      this.watched.delete(element);
      this.resize?.unobserve(element);
      this.intersection?.unobserve(element);
    }
    for (const element of elements) {
      if (this.watched.has(element)) continue;
      // Until the observers report, an attached element counts as on screen at its layout size.
      const rect = element.getBoundingClientRect();
      const ratio = globalThis.devicePixelRatio ?? 1;
      this.watched.set(element, {
        width: Math.round(rect.width * ratio),
        height: Math.round(rect.height * ratio),
        onScreen: this.intersection === undefined || rect.width * rect.height > 0,
      });
      this.resize?.observe(element);
      this.intersection?.observe(element);
    }
    this.schedule();
  }

  /** Stops watching. */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.resize?.disconnect();
    this.intersection?.disconnect();
    this.watched.clear();
    if (typeof document !== 'undefined') {
      document.removeEventListener('visibilitychange', this.onVisibility);
    }
  }

  private schedule(): void {
    // A video coming into view starts at once; only changes of a shown one wait for layout to
    // settle.
    if (!this.last.visible) {
      this.report();
      return;
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.report();
    }, SETTLE_MS);
  }

  private report(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const pageHidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
    const view = pageHidden
      ? HIDDEN_VIEW
      : mergeViews(
          [...this.watched.values()].map((w) => ({
            visible: w.onScreen,
            width: w.width,
            height: w.height,
          })),
        );
    if (sameView(view, this.last)) return;
    this.last = view;
    this.onChange(view);
  }
}
