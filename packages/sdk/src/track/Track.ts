import type { TrackSource } from '@minimeet/protocol';

/** Audio or video. */
export type TrackKind = 'audio' | 'video';

/** The media kind a source always carries. */
export function kindOfSource(source: TrackSource): TrackKind {
  return source === 'microphone' || source === 'screen_share_audio' ? 'audio' : 'video';
}

/**
 * A media track of a participant: what it captures, its `MediaStreamTrack`, and the elements it
 * plays in. {@link LocalTrack} and {@link RemoteTrack} extend it.
 */
export abstract class Track {
  /** Audio or video. */
  readonly kind: TrackKind;
  private readonly elements = new Set<HTMLMediaElement>();
  private muted = false;

  /** Creates a track of `source`. */
  protected constructor(readonly source: TrackSource) {
    this.kind = kindOfSource(source);
  }

  /** The browser track, or undefined while a local camera or microphone is switched off. */
  abstract get mediaStreamTrack(): MediaStreamTrack | undefined;

  /** Whether the track is muted: it is still sent, as silence or black frames. */
  get isMuted(): boolean {
    return this.muted;
  }

  /**
   * Plays the track in `element`, or in a new `<video>`/`<audio>` element (autoplaying, inline),
   * and returns the element; the element follows when the underlying track is replaced.
   */
  attach(element?: HTMLMediaElement): HTMLMediaElement {
    if (element !== undefined && !(element instanceof HTMLMediaElement)) {
      throw new TypeError('element must be an HTMLMediaElement.');
    }
    const target = element ?? document.createElement(this.kind);
    target.autoplay = true;
    if (target instanceof HTMLVideoElement) target.playsInline = true;
    // A local participant never wants to hear its own microphone.
    if (this.isLocal) target.muted = true;
    this.elements.add(target);
    this.bind(target);
    this.elementsChanged();
    return target;
  }

  /** Stops playing the track in `element`, or in every element; returns the detached elements. */
  detach(element?: HTMLMediaElement): HTMLMediaElement[] {
    const detached = element ? (this.elements.has(element) ? [element] : []) : [...this.elements];
    for (const el of detached) {
      this.elements.delete(el);
      el.srcObject = null;
    }
    if (detached.length > 0) this.elementsChanged();
    return detached;
  }

  /** The elements the track plays in now. */
  get attachedElements(): readonly HTMLMediaElement[] {
    return [...this.elements];
  }

  /** Whether the track belongs to the local participant. */
  protected abstract get isLocal(): boolean;

  /** Sets the muted flag; the participant that owns the track does this. @internal */
  setMuted(muted: boolean): void {
    this.muted = muted;
  }

  /** Called after an element was attached or detached. */
  protected elementsChanged(): void {}

  /** Points every attached element at the current `mediaStreamTrack`. */
  protected rebindElements(): void {
    for (const el of this.elements) this.bind(el);
  }

  private bind(element: HTMLMediaElement): void {
    const track = this.mediaStreamTrack;
    element.srcObject = track ? new MediaStream([track]) : null;
    // Autoplay policy may refuse; the element then waits for a user gesture.
    if (track) element.play().catch(() => undefined);
  }
}
