import type { QualityLevel, QualityLimitationReason, TrackSource } from '@minimeet/protocol';

/** The lowest score of each level on the 1-to-5 MOS scale; below `good` is `poor`. */
export const LEVEL_THRESHOLDS = Object.freeze({ excellent: 4.0, good: 3.5 });

/** What one audio leg measured over an interval, as the E-model takes it. */
export interface AudioMeasurement {
  /** Round-trip time in milliseconds, if known. */
  rttMs?: number | undefined;
  /** Interarrival jitter in milliseconds, if known. */
  jitterMs?: number | undefined;
  /** Share of packets lost in the interval, 0 to 1. */
  lossFraction: number;
}

/**
 * The audio MOS estimate of the ITU-T G.107 E-model, simplified the way VoIP monitors do it
 * (Cole & Rosenbluth, "Voice over IP performance monitoring", 2001):
 *
 *   effective latency  Le = RTT / 2 + 2 × jitter + 10 ms (codec and jitter-buffer delay)
 *   delay impairment   Id = Le / 40 when Le < 160 ms, else (Le − 120) / 10
 *   loss impairment    Ie,eff = Ie + (95 − Ie) × Ppl / (Ppl / BurstR + Bpl)   (G.107 §7.4)
 *                      with Ie = 0, Bpl = 25.1 (a codec with packet loss concealment) and
 *                      BurstR = 1 (random loss); Ppl is the loss in percent
 *   R = 93.2 − Id − Ie,eff
 *   MOS = 1 + 0.035 R + 7 × 10⁻⁶ × R (R − 60)(100 − R)   (G.107 Annex B), 1 when R < 0, 4.5 above 100
 *
 * A clean path scores about 4.4; 3.6 % loss brings it to 4.0, 8.5 % to 3.5.
 */
export function audioMos({ rttMs = 0, jitterMs = 0, lossFraction }: AudioMeasurement): number {
  const latency = rttMs / 2 + 2 * jitterMs + 10;
  const delayImpairment = latency < 160 ? latency / 40 : (latency - 120) / 10;
  const lossPercent = 100 * Math.min(1, Math.max(0, lossFraction));
  const lossImpairment = (95 * lossPercent) / (lossPercent + 25.1);
  return mosOfR(93.2 - delayImpairment - lossImpairment);
}

/** The MOS of an E-model rating factor R (ITU-T G.107 Annex B). */
export function mosOfR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
}

/** What one video leg measured over an interval. */
export interface VideoMeasurement {
  /** The track's source: a screen share needs far fewer bits per pixel than a camera. */
  source: TrackSource;
  /** Media bitrate over the interval, bits per second. */
  bitrate: number;
  /** Frame width and height in pixels, if known. */
  width?: number | undefined;
  /** Frame height in pixels, if known. */
  height?: number | undefined;
  /** Frames per second, if known. */
  fps?: number | undefined;
  /** Share of packets lost in the interval, 0 to 1. */
  lossFraction: number;
  /** Share of the interval the video was frozen, 0 to 1 (inbound). */
  frozenFraction?: number | undefined;
  /** Why the sender lowers its quality (outbound). */
  qualityLimitationReason?: QualityLimitationReason | undefined;
}

// Bits per pixel per frame at which camera video looks right for its size: VP8 and H.264 at
// webcam sizes look good from about 0.05.
const BITS_PER_PIXEL = 0.05;
const MIN_VIDEO_TARGET_BPS = 100_000;
// A limited encoder is at most "good": it sends less than it wants to.
const LIMITED_CEILING = 3.9;

/** The bitrate a camera video of this size and frame rate should get, bits per second. */
export function videoTargetBitrate({ width, height, fps }: VideoMeasurement): number {
  const pixelsPerSecond = (width ?? 640) * (height ?? 480) * Math.max(5, fps ?? 30);
  return Math.max(MIN_VIDEO_TARGET_BPS, pixelsPerSecond * BITS_PER_PIXEL);
}

/**
 * A video leg's score on the MOS scale (1 to 4.5): a camera's bitrate against its target
 * ({@link videoTargetBitrate}), as 1 + 3.5 × √(bitrate / target) capped at 4.5 (perceived quality
 * rises with the logarithm of the bitrate, and the root follows it closely over this range; a
 * screen share is mostly static and may rightly send almost nothing, so it starts at 4.5); minus
 * 10 points per unit of loss (10 % loss costs a point, as retransmissions and freezes follow) and
 * 3 per unit of frozen time; at most 3.9 while the encoder says it is limited by bandwidth or CPU.
 */
export function videoScore(m: VideoMeasurement): number {
  const ratio = m.source === 'camera' ? Math.min(1, m.bitrate / videoTargetBitrate(m)) : 1;
  let score = 1 + 3.5 * Math.sqrt(ratio);
  score -= 10 * Math.min(1, Math.max(0, m.lossFraction));
  score -= 3 * Math.min(1, Math.max(0, m.frozenFraction ?? 0));
  if (m.qualityLimitationReason === 'bandwidth' || m.qualityLimitationReason === 'cpu') {
    score = Math.min(score, LIMITED_CEILING);
  }
  return Math.min(4.5, Math.max(1, score));
}

/** The level of a score with no history: excellent from 4.0, good from 3.5, poor below. */
export function levelOfScore(score: number): Exclude<QualityLevel, 'lost'> {
  if (score >= LEVEL_THRESHOLDS.excellent) return 'excellent';
  if (score >= LEVEL_THRESHOLDS.good) return 'good';
  return 'poor';
}

const RANK: Record<QualityLevel, number> = { lost: 0, poor: 1, good: 2, excellent: 3 };

/** Tuning of {@link QualityHysteresis}. */
export interface HysteresisOptions {
  /** Consecutive samples below the current level before the level drops. */
  downAfter: number;
  /** Consecutive samples above the current level before the level rises. */
  upAfter: number;
  /** Consecutive samples with nothing arriving before the level is `lost`. */
  lostAfter: number;
  /** How far past a threshold a score must go to count as crossing it, in MOS points. */
  margin: number;
}

/** One sample's input to {@link QualityHysteresis}. */
export interface QualityInput {
  /** The worst score of what was measured, or undefined when nothing was scored. */
  score: number | undefined;
  /** Whether anything arrived in the interval (media, or at least RTCP when none is expected). */
  arriving: boolean;
}

/**
 * Turns a participant's per-sample scores into a level that does not flap: a level changes only
 * after the scores have said so for a few samples in a row (falling faster than rising), a score
 * must pass a threshold by a margin to count, and `lost` comes when nothing has arrived for a
 * couple of samples and goes with the first sample that brings media again.
 */
export class QualityHysteresis {
  private current: QualityLevel | undefined;
  private silent = 0;
  private streak: QualityLevel[] = [];

  /** Starts with no level. */
  constructor(private readonly options: HysteresisOptions) {}

  /** The level now, or undefined before the first scored sample. */
  get level(): QualityLevel | undefined {
    return this.current;
  }

  /** Takes one sample and returns the level after it. */
  handleSample({ score, arriving }: QualityInput): QualityLevel | undefined {
    if (!arriving) {
      this.silent += 1;
      this.streak = [];
      if (this.silent >= this.options.lostAfter) this.current = 'lost';
      return this.current;
    }
    this.silent = 0;
    if (score === undefined) return this.current;
    const current = this.current;
    if (current === undefined || current === 'lost') {
      this.current = levelOfScore(score);
      this.streak = [];
      return this.current;
    }
    const candidate = this.candidate(current, score);
    if (candidate === current) {
      this.streak = [];
      return current;
    }
    const worse = RANK[candidate] < RANK[current];
    // A streak is one direction: a better sample does not count towards a drop, nor the reverse.
    if (this.streak.length > 0 && RANK[this.streak[0]] < RANK[current] !== worse) this.streak = [];
    this.streak.push(candidate);
    if (this.streak.length < (worse ? this.options.downAfter : this.options.upAfter))
      return current;
    // Move as little as the streak agrees on: to the level nearest to the current one.
    const ranks = this.streak.map((l) => RANK[l]);
    const target = worse ? Math.max(...ranks) : Math.min(...ranks);
    this.current = (Object.keys(RANK) as QualityLevel[]).find((l) => RANK[l] === target)!;
    this.streak = [];
    return this.current;
  }

  // The level `score` argues for, seen from `current`: thresholds widened by the margin.
  private candidate(current: Exclude<QualityLevel, 'lost'>, score: number): QualityLevel {
    const { margin } = this.options;
    const plain = levelOfScore(score);
    if (RANK[plain] > RANK[current]) return levelOfScore(score - margin);
    if (RANK[plain] < RANK[current]) {
      const lower = levelOfScore(score + margin);
      return RANK[lower] < RANK[current] ? lower : current;
    }
    return current;
  }
}
