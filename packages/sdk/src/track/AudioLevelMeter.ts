/**
 * Measures the level of a local audio track with a WebAudio analyser: the RMS of the latest
 * samples, from 0 to 1, comparable to the RTP audio level of received tracks.
 */
export class AudioLevelMeter {
  private context: AudioContext | undefined;
  private source: MediaStreamAudioSourceNode | undefined;
  private analyser: AnalyserNode | undefined;
  private track: MediaStreamTrack | undefined;
  private samples = new Float32Array(0);

  /** The level of `track` now; 0 when it is absent, disabled or ended. */
  level(track: MediaStreamTrack | undefined): number {
    if (!track || !track.enabled || track.readyState !== 'live') return 0;
    if (track !== this.track) this.connect(track);
    const analyser = this.analyser;
    if (!analyser) return 0;
    analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const sample of this.samples) sum += sample * sample;
    return Math.min(1, Math.sqrt(sum / this.samples.length));
  }

  /** Releases the audio graph. */
  close(): void {
    this.source?.disconnect();
    void this.context?.close().catch(() => undefined);
    this.context = this.source = this.analyser = this.track = undefined;
  }

  private connect(track: MediaStreamTrack): void {
    this.source?.disconnect();
    this.track = track;
    if (typeof AudioContext === 'undefined') return;
    this.context ??= new AudioContext();
    // A context created without a user gesture may start suspended.
    if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
    this.analyser ??= this.context.createAnalyser();
    this.analyser.fftSize = 512;
    this.samples = new Float32Array(this.analyser.fftSize);
    this.source = this.context.createMediaStreamSource(new MediaStream([track]));
    this.source.connect(this.analyser);
  }
}
