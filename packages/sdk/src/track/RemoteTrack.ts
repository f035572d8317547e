import type { TrackSource } from '@minimeet/protocol';
import { Track } from './Track.js';

/** A track another participant publishes, as this browser receives it. */
export class RemoteTrack extends Track {
  private lastEnergy: { energy: number; duration: number } | undefined;

  /** Creates a received track of `source`. @internal */
  constructor(
    source: TrackSource,
    private readonly track: MediaStreamTrack,
    /** The receiver it arrives on. @internal */
    readonly receiver: RTCRtpReceiver,
  ) {
    super(source);
  }

  /** The received browser track. */
  get mediaStreamTrack(): MediaStreamTrack {
    return this.track;
  }

  /**
   * The audio level of the last packets received, from 0 to 1 (0 for video or silence), from
   * `RTCRtpReceiver.getSynchronizationSources()`.
   */
  get audioLevel(): number {
    if (this.kind !== 'audio') return 0;
    // The browser forgets a source 10 seconds after its last packet.
    return this.receiver
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
    for (const stats of (await this.receiver.getStats()).values() as Iterable<{
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
    return this.receiver.getStats();
  }

  protected get isLocal(): boolean {
    return false;
  }
}
