import type { TrackSource } from '@minimeet/protocol';
import { Track } from './Track.js';

/** A track another participant publishes, as this browser receives it. */
export class RemoteTrack extends Track {
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

  /** The receiver's WebRTC statistics (inbound-rtp, codec, transport, candidate pair). */
  getStats(): Promise<RTCStatsReport> {
    return this.receiver.getStats();
  }

  protected get isLocal(): boolean {
    return false;
  }
}
