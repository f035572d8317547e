import type { Participant } from '../participant/Participant.js';

/** Tuning of an {@link ActiveSpeakerDetector}. */
export interface ActiveSpeakerOptions {
  /** Audio level (0 to 1) above which a participant counts as speaking. */
  threshold: number;
  /** How long a participant stays a speaker after falling silent, in milliseconds. */
  hangoverMs: number;
}

/** Where an {@link ActiveSpeakerDetector} reads the room from. */
export interface ActiveSpeakerSource {
  /** Everyone in the call, the local participant included. */
  participants(): Iterable<Participant>;
  /** A participant's audio level now, from 0 to 1. */
  levelOf(participant: Participant): number;
}

/**
 * Decides who speaks from sampled audio levels: above a threshold, with a short hangover so that
 * pauses between words do not flicker, ordered by a smoothed level, loudest first. Each
 * `sample()` updates the participants' `isSpeaking`/`audioLevel` and returns whether the list of
 * speakers changed.
 */
export class ActiveSpeakerDetector {
  private readonly lastHeard = new Map<Participant, number>();
  private readonly smoothed = new Map<Participant, number>();
  private current: Participant[] = [];

  /** Creates a detector that reads `source`. */
  constructor(
    private readonly source: ActiveSpeakerSource,
    private readonly options: ActiveSpeakerOptions,
  ) {}

  /** The participants speaking now, loudest first. */
  get speakers(): Participant[] {
    return [...this.current];
  }

  /** Takes one sample at time `now` (milliseconds); true when the list of speakers changed. */
  sample(now: number): boolean {
    const speaking: Participant[] = [];
    const present = new Set<Participant>();
    for (const participant of this.source.participants()) {
      present.add(participant);
      const level = this.source.levelOf(participant);
      const smoothed = 0.6 * (this.smoothed.get(participant) ?? 0) + 0.4 * level;
      this.smoothed.set(participant, smoothed);
      if (level > this.options.threshold) this.lastHeard.set(participant, now);
      const heard = this.lastHeard.get(participant);
      const isSpeaking = heard !== undefined && now - heard <= this.options.hangoverMs;
      participant.setSpeaking(isSpeaking, level);
      if (isSpeaking) speaking.push(participant);
    }
    for (const participant of [...this.smoothed.keys()]) {
      if (!present.has(participant)) {
        this.smoothed.delete(participant);
        this.lastHeard.delete(participant);
      }
    }
    speaking.sort((a, b) => this.smoothed.get(b)! - this.smoothed.get(a)!);
    const changed =
      speaking.length !== this.current.length || speaking.some((p, i) => p !== this.current[i]);
    if (changed) this.current = speaking;
    return changed;
  }

  /** Forgets everyone, as when the room ends. */
  reset(): void {
    this.lastHeard.clear();
    this.smoothed.clear();
    this.current = [];
  }
}
