import type { TrackSource } from '@minimeet/protocol';
import type { AudioCaptureOptions, VideoCaptureOptions } from '../options.js';
import { Track } from './Track.js';

/**
 * A track the local participant publishes. Its MediaStream, whose id is announced to the others
 * as the `streamId`, lasts as long as the publication, while the `MediaStreamTrack` inside it may
 * be replaced (device switch) or be absent (camera or microphone switched off).
 */
export class LocalTrack extends Track {
  /** The MediaStream the track is sent in; one per source. */
  readonly stream: MediaStream;
  /** How the track was captured, reused when it is captured again. */
  captureOptions: AudioCaptureOptions | VideoCaptureOptions;
  private current: MediaStreamTrack | undefined;
  private onEnded: (() => void) | undefined;

  /** Creates a published track of `source` around `track`. @internal */
  constructor(
    source: TrackSource,
    track: MediaStreamTrack,
    captureOptions: AudioCaptureOptions | VideoCaptureOptions = {},
  ) {
    super(source);
    this.stream = new MediaStream();
    this.captureOptions = captureOptions;
    this.replaceMediaStreamTrack(track);
  }

  /** The captured track, or undefined while switched off. */
  get mediaStreamTrack(): MediaStreamTrack | undefined {
    return this.current;
  }

  /** The id of the MediaStream the others receive this track in. */
  get streamId(): string {
    return this.stream.id;
  }

  /** The device the track captures now, when the browser says. */
  get deviceId(): string | undefined {
    return this.current?.getSettings().deviceId;
  }

  /** Whether a live track is captured now. */
  get isLive(): boolean {
    return this.current?.readyState === 'live';
  }

  /** Calls `listener` when the captured track ends by itself (device gone, sharing stopped). @internal */
  setEndedListener(listener: (() => void) | undefined): void {
    this.onEnded = listener;
  }

  /**
   * Swaps in `track` (or nothing), stopping the previous one; keeps the stream and its id and
   * the muted state. @internal
   */
  replaceMediaStreamTrack(track: MediaStreamTrack | undefined): void {
    const previous = this.current;
    if (previous === track) return;
    if (previous) {
      previous.onended = null;
      this.stream.removeTrack(previous);
      previous.stop();
    }
    this.current = track;
    if (track) {
      track.enabled = !this.isMuted;
      track.onended = () => {
        if (this.current === track) this.onEnded?.();
      };
      this.stream.addTrack(track);
    }
    this.rebindElements();
  }

  /** Mutes by disabling the track: it keeps flowing as silence or black. @internal */
  override setMuted(muted: boolean): void {
    super.setMuted(muted);
    if (this.current) this.current.enabled = !muted;
  }

  /** Stops capturing and detaches from every element. @internal */
  stop(): void {
    this.replaceMediaStreamTrack(undefined);
    this.detach();
  }

  protected get isLocal(): boolean {
    return true;
  }
}
