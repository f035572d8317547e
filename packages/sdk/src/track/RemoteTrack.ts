import type { TrackSource } from '@minimeet/protocol';
import type { VideoDimensions } from '../media/layers.js';
import { mediaFlowing } from '../media/flowing.js';
import type { ReceiverControl } from '../media/MediaTransport.js';
import { Track } from './Track.js';

// How long new media may take to carry frames before it replaces media that still plays.
const REPLACE_WAIT_MS = 3_000;

/** A track another participant publishes, as this browser receives it. */
export class RemoteTrack extends Track {
  private lastEnergy: { energy: number; duration: number } | undefined;
  private dimensions: VideoDimensions | undefined;
  private stopWaiting: (() => void) | undefined;

  /** Creates a received track of `source`. @internal */
  constructor(
    source: TrackSource,
    private track: MediaStreamTrack,
    private rtpReceiver: RTCRtpReceiver,
    private control?: ReceiverControl,
  ) {
    super(source);
    this.informControl();
  }

  /** The received browser track. */
  get mediaStreamTrack(): MediaStreamTrack {
    return this.track;
  }

  /** The receiver it arrives on. @internal */
  get receiver(): RTCRtpReceiver {
    return this.rtpReceiver;
  }

  /**
   * The audio level of the last packets received, from 0 to 1 (0 for video or silence), from
   * `RTCRtpReceiver.getSynchronizationSources()`.
   */
  get audioLevel(): number {
    if (this.kind !== 'audio') return 0;
    // The browser forgets a source 10 seconds after its last packet.
    return this.rtpReceiver
      .getSynchronizationSources()
      .reduce((max, s) => Math.max(max, s.audioLevel ?? 0), 0);
  }

  /**
   * The RMS audio level received since the previous call, from 0 to 1, from the receiver's
   * `totalAudioEnergy` and `totalSamplesDuration`: unlike {@link audioLevel}, a short sound
   * between two calls is not missed. Falls back to {@link audioLevel} when the browser gives no
   * energy statistics.
   */
  async measureAudioLevel(): Promise<number> {
    if (this.kind !== 'audio') return 0;
    let energy: number | undefined;
    let duration: number | undefined;
    for (const stats of (await this.rtpReceiver.getStats()).values() as Iterable<{
      type: string;
      totalAudioEnergy?: number;
      totalSamplesDuration?: number;
    }>) {
      if (stats.type !== 'inbound-rtp') continue;
      energy = stats.totalAudioEnergy;
      duration = stats.totalSamplesDuration;
    }
    if (energy === undefined || duration === undefined) return this.audioLevel;
    const previous = this.lastEnergy;
    this.lastEnergy = { energy, duration };
    if (!previous || duration <= previous.duration) return this.audioLevel;
    return Math.min(1, Math.sqrt((energy - previous.energy) / (duration - previous.duration)));
  }

  /** The receiver's WebRTC statistics (inbound-rtp, codec, transport, candidate pair). */
  getStats(): Promise<RTCStatsReport> {
    return this.rtpReceiver.getStats();
  }

  /**
   * Says at what size the app shows this video (in device pixels), so that a room on the SFU
   * receives the simulcast layer that fits and no more; `undefined` hands the choice back to the
   * SDK, which follows the elements the track is attached to (their size, and whether they are
   * on screen: a video in no visible element is paused). Has no effect on audio or in a mesh
   * call, where every participant sends one resolution to each other.
   */
  setVideoDimensions(dimensions?: VideoDimensions): void {
    if (dimensions && !(dimensions.width >= 0 && dimensions.height >= 0)) {
      throw new TypeError('dimensions must be { width, height } with non-negative numbers.');
    }
    this.dimensions = dimensions === undefined ? undefined : { ...dimensions };
    this.control?.setDimensions(this.dimensions);
  }

  /**
   * Swaps the browser track under this one (the call moved between mesh and SFU), and the app
   * keeps its objects. While the old media still plays, the new one takes over only once it
   * carries media (a first decoded frame for video), or after a few seconds, so that a tile does
   * not go blank while the new path warms up. @internal
   */
  replaceMedia(track: MediaStreamTrack, receiver: RTCRtpReceiver, control?: ReceiverControl): void {
    if (control !== this.control) this.control?.close();
    this.control = control;
    // The new path learns at once how the video is shown, so that it starts at the right size.
    this.informControl();
    this.stopWaiting?.();
    this.stopWaiting = undefined;
    const swap = () => {
      this.stopWaiting?.();
      this.stopWaiting = undefined;
      this.rtpReceiver = receiver;
      this.lastEnergy = undefined;
      if (track === this.track) return;
      this.track = track;
      this.rebindElements();
    };
    if (this.track.readyState !== 'live' || this.track.muted) {
      swap();
      return;
    }
    // A video's elements would show nothing from the moment they switch until the new track's
    // first decoded frame: switch once it has one (audio, once its packets come).
    const waiting = mediaFlowing(track, receiver, REPLACE_WAIT_MS);
    this.stopWaiting = waiting.stop;
    void waiting.flowing.then(() => {
      if (this.stopWaiting === waiting.stop) swap();
    });
  }

  /** Stops watching the elements; the track is gone. @internal */
  dispose(): void {
    this.stopWaiting?.();
    this.stopWaiting = undefined;
    this.control?.close();
    this.control = undefined;
  }

  protected get isLocal(): boolean {
    return false;
  }

  protected override elementsChanged(): void {
    this.control?.setElements(this.attachedElements);
  }

  private informControl(): void {
    this.control?.setDimensions(this.dimensions);
    this.control?.setElements(this.attachedElements);
  }
}
