import { ROOM_MEDIA_DEFAULTS } from '../defaults.js';
import type { LocalParticipant } from '../participant/LocalParticipant.js';
import type { Participant } from '../participant/Participant.js';
import type { RemoteParticipant } from '../participant/RemoteParticipant.js';
import { AudioLevelMeter } from '../track/AudioLevelMeter.js';
import { LocalTrack } from '../track/LocalTrack.js';
import { RemoteTrack } from '../track/RemoteTrack.js';
import { ActiveSpeakerDetector } from './ActiveSpeakerDetector.js';

/** Where a {@link SpeakerTracker} reads the call from and tells it what changed. */
export interface SpeakerTrackerHost {
  /** This client's participant. */
  local(): LocalParticipant;
  /** Everyone else in the call. */
  remotes(): Iterable<RemoteParticipant>;
  /** False once the call is over: a sample in flight then changes nothing. */
  active(): boolean;
  /** The speakers changed; `speakers` is loudest first. */
  changed(speakers: Participant[]): void;
}

/**
 * Samples everyone's microphone on a timer (the local one through an audio meter, remote ones
 * from their receivers' levels, averaged over the interval so that a short sound is not missed)
 * and runs the {@link ActiveSpeakerDetector} on the levels.
 */
export class SpeakerTracker {
  private readonly detector: ActiveSpeakerDetector;
  private readonly meter = new AudioLevelMeter();
  private remoteLevels = new Map<string, number>();
  private readonly timer: ReturnType<typeof setInterval>;
  private sampling = false;

  /** Starts sampling the call that `host` describes. */
  constructor(private readonly host: SpeakerTrackerHost) {
    this.detector = new ActiveSpeakerDetector(
      {
        participants: () => [host.local(), ...host.remotes()],
        levelOf: (p) => this.levelOf(p),
      },
      {
        threshold: ROOM_MEDIA_DEFAULTS.speakerLevelThreshold,
        hangoverMs: ROOM_MEDIA_DEFAULTS.speakerHangoverMs,
      },
    );
    this.timer = setInterval(() => void this.sample(), ROOM_MEDIA_DEFAULTS.speakerSampleIntervalMs);
  }

  /** The participants speaking now, loudest first. */
  get speakers(): Participant[] {
    return this.detector.speakers;
  }

  /** Stops sampling and forgets who spoke. */
  close(): void {
    clearInterval(this.timer);
    this.meter.close();
    this.detector.reset();
  }

  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      await this.measureRemoteLevels();
      if (this.host.active() && this.detector.sample(performance.now()))
        this.host.changed(this.detector.speakers);
    } finally {
      this.sampling = false;
    }
  }

  private levelOf(participant: Participant): number {
    const publication = participant.getTrackPublication('microphone');
    if (!publication || publication.isMuted) return 0;
    const track = publication.track;
    if (track instanceof LocalTrack) return this.meter.level(track.mediaStreamTrack);
    return this.remoteLevels.get(participant.id) ?? 0;
  }

  private async measureRemoteLevels(): Promise<void> {
    const levels = await Promise.all(
      [...this.host.remotes()].map(async (p) => {
        const track = p.getTrackPublication('microphone')?.track;
        const level =
          track instanceof RemoteTrack ? await track.measureAudioLevel().catch(() => 0) : 0;
        return [p.id, level] as const;
      }),
    );
    this.remoteLevels = new Map(levels);
  }
}
