/** Socket payloads of call quality: the samples the SDK measures with `getStats()` and reports. */
import type { TrackSource } from './signalling.js';

/** The most samples one `quality_report` may carry. */
export const QUALITY_REPORT_MAX_SAMPLES = 6;

/**
 * The most legs one sample may carry: a mesh of 4 with every source published both ways is
 * 3 peers × 4 sources × 2 directions. A full batch of full samples stays under the socket's 64 KiB.
 */
export const QUALITY_SAMPLE_MAX_LEGS = 24;

/**
 * A participant's connection quality as the SDK scores it: `lost` when its media stopped arriving
 * (or, for the local participant, when nothing it sends arrives anywhere).
 */
export type QualityLevel = 'excellent' | 'good' | 'poor' | 'lost';

/** Why the browser lowers what it sends (`RTCOutboundRtpStreamStats.qualityLimitationReason`). */
export type QualityLimitationReason = 'none' | 'cpu' | 'bandwidth' | 'other';

/**
 * One leg over one interval: one track in one direction between the reporter and one peer.
 * Counters are deltas over the interval, rates are averages over it, gauges are their last value.
 */
export interface QualityLeg {
  /** `inbound`: media the reporter receives; `outbound`: media it sends. */
  direction: 'inbound' | 'outbound';
  /** `audio` or `video`. */
  kind: 'audio' | 'video';
  /** The track's source; for inbound media, as the sender announced it. */
  source: TrackSource;
  /**
   * The participant at the other end (mesh): the sender of inbound media, the receiver of outbound
   * media. Absent when the other end is a media server.
   */
  peer?: string;
  /** Media bitrate over the interval, bits per second (payload and RTP headers). */
  bitrate: number;
  /** RTP packets received (inbound) or sent (outbound) in the interval. */
  packets: number;
  /**
   * Packets lost in the interval: counted by the receiver for inbound media, as the remote
   * receiver reported it over RTCP for outbound media.
   */
  packetsLost: number;
  /** Interarrival jitter in milliseconds (inbound: measured here; outbound: as the receiver reported it). */
  jitterMs?: number;
  /** Round-trip time in milliseconds of this leg's path, when known. */
  rttMs?: number;
  /** Video frames per second decoded (inbound) or encoded (outbound) over the interval. */
  fps?: number;
  /** Video frame width in pixels, last seen. */
  width?: number;
  /** Video frame height in pixels, last seen. */
  height?: number;
  /** Outbound video: why the encoder lowers resolution or frame rate. */
  qualityLimitationReason?: QualityLimitationReason;
  /** Inbound video: freezes that began in the interval. */
  freezeCount?: number;
  /** Inbound video: milliseconds spent frozen in the interval. */
  freezeMs?: number;
  /** Inbound audio: the share of samples concealed (synthesised for lost or late packets), 0 to 1. */
  concealedRatio?: number;
  /** Audio: the MOS estimate (1 to 5) the SDK computed for this leg. */
  mos?: number;
  /** True when this leg's path goes through a TURN server. */
  relayed?: boolean;
}

/** What the reporter measured over one sampling interval. */
export interface QualitySample {
  /** When the interval ended: milliseconds since the Unix epoch, on the client's clock. */
  at: number;
  /** Length of the interval in milliseconds. */
  intervalMs: number;
  /** The reporter's own connection quality as the SDK scored it (the level its app shows). */
  level: QualityLevel;
  /** The reporter's overall audio MOS estimate (1 to 5), when it sent or received audio. */
  mos?: number;
  /** Every leg measured in the interval; empty when the reporter had no media. */
  legs: QualityLeg[];
}

/**
 * `quality_report` payload: a batch of samples of one call, oldest first. The SDK sends one every
 * few samples, and holds them (bounded, oldest dropped) while its connection is down.
 */
export interface QualityReportPayload {
  /** The room whose call was measured. */
  roomId: string;
  /** The samples, oldest first. */
  samples: QualitySample[];
}
