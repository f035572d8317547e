import type { QualityLeg, QualityLevel, QualitySample, TrackSource } from '@minimeet/protocol';
import { QUALITY_SAMPLE_MAX_LEGS } from '@minimeet/protocol';
import { TypedEmitter } from '../utils/TypedEmitter.js';
import { QualityReporter } from './QualityReporter.js';
import { audioMos, QualityHysteresis, videoScore, type HysteresisOptions } from './QualityScore.js';
import { StatsSampler, type PeerMeasurement, type PeerStats } from './StatsSampler.js';

/** A participant's connection quality, or `unknown` before anything has been measured. */
export type ConnectionQuality = QualityLevel | 'unknown';

/** One participant's quality in the latest sample, for apps that draw their own. */
export interface ParticipantQualityStats {
  /** The participant id. */
  participantId: string;
  /** The level now, after smoothing. */
  quality: ConnectionQuality;
  /** The sample's score on the MOS scale (1 to 4.5): the worst of its scored legs. */
  score?: number;
  /** The worst audio MOS estimate of its legs, 1 to 4.5. */
  mos?: number;
  /** Round-trip time in milliseconds of the path (the worst path, for the local participant). */
  rttMs?: number;
  /** Whether a path goes through a TURN server. */
  relayed?: boolean;
  /** Remote: what arrives from it. Local: what it sends, to each peer (mesh) or to the SFU. */
  legs: QualityLeg[];
}

/** The quality of everyone in the call as of the latest sample. */
export interface QualitySnapshot {
  /** When the sample was taken, milliseconds since the Unix epoch. */
  at: number;
  /** Length of the sampled interval in milliseconds. */
  intervalMs: number;
  /** The local participant: its own connection, as what it sends fares. */
  local: ParticipantQualityStats;
  /** Each remote participant: what arrives from it. */
  remotes: ParticipantQualityStats[];
}

/** What a {@link ConnectionQualityMonitor} reports. */
export interface ConnectionQualityEvents {
  /** The level of participant `participantId` (local or remote) changed. */
  qualityChanged: (participantId: string, quality: ConnectionQuality) => void;
}

/** What the monitor asks of its room. */
export interface ConnectionQualityHost {
  /** The local participant's id now. */
  localId(): string;
  /** The `getStats()` reports of every media connection. */
  collect(): Promise<PeerStats[]>;
  /** The source of the inbound track `trackId` from `peerId`, as announced. */
  sourceOfTrack(peerId: string, trackId: string): TrackSource | undefined;
  /** Whether participant `participantId` publishes `source` unmuted (its media is expected). */
  publishes(participantId: string, source: TrackSource): boolean;
  /** Sends a batch of samples to the server. */
  send(samples: QualitySample[]): Promise<void>;
  /** Whether the room may send to the server now. */
  canSend(): boolean;
}

/** Tuning of a {@link ConnectionQualityMonitor}. */
export interface ConnectionQualityMonitorOptions extends HysteresisOptions {
  /** Milliseconds between samples. */
  sampleIntervalMs: number;
  /** Samples per `quality_report`; 0 sends none. */
  samplesPerReport: number;
  /** Samples held at most while they cannot be sent. */
  maxBufferedSamples: number;
}

interface Tracked {
  hysteresis: QualityHysteresis;
  // Whether anything ever arrived: a connection still being set up is not lost.
  seen: boolean;
  reported: ConnectionQuality;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
const worst = (values: (number | undefined)[]): number | undefined => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length > 0 ? Math.min(...known) : undefined;
};

/**
 * Measures the call's quality every few seconds with `getStats()`: scores each leg (audio by the
 * E-model, video by bitrate against its target), smooths each participant's level with
 * hysteresis, reports changes as events and sends the samples to the server in batches.
 */
export class ConnectionQualityMonitor extends TypedEmitter<ConnectionQualityEvents> {
  private readonly sampler: StatsSampler;
  private readonly reporter: QualityReporter | undefined;
  private readonly tracked = new Map<string, Tracked>();
  private readonly timer: ReturnType<typeof setInterval>;
  private lastAt = Date.now();
  private busy = false;
  private closed = false;
  private latest: QualitySnapshot | undefined;

  /** Starts sampling every `options.sampleIntervalMs`. */
  constructor(
    private readonly host: ConnectionQualityHost,
    private readonly options: ConnectionQualityMonitorOptions,
  ) {
    super();
    this.sampler = new StatsSampler((peerId, trackId) => host.sourceOfTrack(peerId, trackId));
    this.reporter =
      options.samplesPerReport > 0
        ? new QualityReporter(host, {
            samplesPerReport: options.samplesPerReport,
            maxBuffered: options.maxBufferedSamples,
          })
        : undefined;
    this.timer = setInterval(() => void this.sample(), options.sampleIntervalMs);
  }

  /** The latest sample's quality of everyone, or undefined before the first sample. */
  get snapshot(): QualitySnapshot | undefined {
    return this.latest;
  }

  /** The level of participant `participantId` now. */
  qualityOf(participantId: string): ConnectionQuality {
    return this.tracked.get(participantId)?.reported ?? 'unknown';
  }

  /** The room is back in its call after a dropped connection: sends the samples held. */
  handleResumed(): void {
    this.reporter?.handleResumed();
  }

  /** Takes one sample now; the timer calls this, and tests may. */
  async sample(): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      const peers = await this.host.collect().catch(() => []);
      if (this.closed) return;
      const at = Date.now();
      const intervalMs = Math.max(100, at - this.lastAt);
      this.lastAt = at;
      this.handleMeasurements(this.sampler.handleReports(peers, intervalMs), at, intervalMs);
    } finally {
      this.busy = false;
    }
  }

  /** Stops sampling; with `flush`, sends what is left first (leaving the call). */
  close(flush = false): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    if (flush) void this.reporter?.flush(true);
    this.removeAllListeners();
  }

  private handleMeasurements(measured: PeerMeasurement[], at: number, intervalMs: number): void {
    const localId = this.host.localId();
    const remotes: ParticipantQualityStats[] = [];
    const uplink: (number | undefined)[] = [];
    const scores = new Map<QualityLeg, number | undefined>();
    for (const m of measured) for (const l of m.legs) scores.set(l, this.scoreLeg(l, intervalMs));
    for (const m of measured) {
      const inbound = m.legs.filter((l) => l.direction === 'inbound');
      const outbound = m.legs.filter((l) => l.direction === 'outbound');
      // Muted or unpublished media says nothing about the connection.
      uplink.push(
        ...outbound.filter((l) => this.host.publishes(localId, l.source)).map((l) => scores.get(l)),
      );
      // The SFU's uplink is this side's own connection, not any participant's.
      const peerId = m.peerId;
      if (peerId === undefined) continue;
      const scoredIn = inbound.filter((l) => this.host.publishes(peerId, l.source));
      const score = worst(scoredIn.map((l) => scores.get(l)));
      // Media is expected when the peer publishes something unmuted; else RTCP and STUN count.
      const arriving = m.packetsReceived > 0 || (scoredIn.length === 0 && m.bytesReceived > 0);
      remotes.push({
        participantId: peerId,
        quality: this.track(peerId, score, arriving),
        ...optional(score, worst(inbound.map((l) => l.mos)), m.rttMs, m.relayed),
        legs: inbound,
      });
    }
    const present = new Set([localId, ...measured.flatMap((m) => m.peerId ?? [])]);
    for (const id of this.tracked.keys()) if (!present.has(id)) this.tracked.delete(id);

    // The local connection is what it sends; when it sends nothing, the best of what it receives.
    const downlink = remotes.map((r) => r.score).filter((s): s is number => s !== undefined);
    const localScore = worst(uplink) ?? (downlink.length > 0 ? Math.max(...downlink) : undefined);
    const localLegs = measured.flatMap((m) => m.legs.filter((l) => l.direction === 'outbound'));
    const allLegs = measured.flatMap((m) => m.legs);
    const localQuality =
      measured.length === 0
        ? this.qualityOf(localId)
        : this.track(
            localId,
            localScore,
            measured.some((m) => m.bytesReceived > 0),
          );
    const rtts = measured.map((m) => m.rttMs).filter((r): r is number => r !== undefined);
    const local: ParticipantQualityStats = {
      participantId: localId,
      quality: localQuality,
      ...optional(
        localScore,
        worst(localLegs.map((l) => l.mos)),
        rtts.length > 0 ? Math.max(...rtts) : undefined,
        measured.length > 0 ? measured.some((m) => m.relayed) : undefined,
      ),
      legs: localLegs,
    };
    this.latest = { at, intervalMs, local, remotes };
    if (this.reporter && localQuality !== 'unknown' && allLegs.length > 0) {
      const mos = worst(allLegs.map((l) => l.mos));
      this.reporter.handleSample({
        at,
        intervalMs: Math.min(600_000, intervalMs),
        level: localQuality,
        ...(mos === undefined ? {} : { mos }),
        legs: allLegs.slice(0, QUALITY_SAMPLE_MAX_LEGS),
      });
    }
  }

  // Scores a leg on the MOS scale and writes the MOS of an audio leg into it.
  private scoreLeg(leg: QualityLeg, intervalMs: number): number | undefined {
    // A camera that sends nothing is a stall; a still screen or silence may rightly send nothing.
    if (leg.packets === 0) return leg.source === 'camera' ? 1 : undefined;
    const lossFraction =
      leg.direction === 'inbound'
        ? leg.packetsLost / (leg.packets + leg.packetsLost)
        : Math.min(1, leg.packetsLost / leg.packets);
    if (leg.kind === 'audio') {
      leg.mos = Math.min(5, Math.max(1, round2(audioMos({ ...leg, lossFraction }))));
      return leg.mos;
    }
    return videoScore({
      ...leg,
      lossFraction,
      frozenFraction: (leg.freezeMs ?? 0) / intervalMs,
    });
  }

  private track(id: string, score: number | undefined, arriving: boolean): ConnectionQuality {
    let entry = this.tracked.get(id);
    if (!entry) {
      entry = { hysteresis: new QualityHysteresis(this.options), seen: false, reported: 'unknown' };
      this.tracked.set(id, entry);
    }
    entry.seen ||= arriving;
    if (!entry.seen) return entry.reported;
    const level = entry.hysteresis.handleSample({ score, arriving }) ?? 'unknown';
    if (level !== entry.reported) {
      entry.reported = level;
      this.emit('qualityChanged', id, level);
    }
    return level;
  }
}

function optional(
  score: number | undefined,
  mos: number | undefined,
  rttMs: number | undefined,
  relayed: boolean | undefined,
): Partial<ParticipantQualityStats> {
  return {
    ...(score === undefined ? {} : { score: round2(score) }),
    ...(mos === undefined ? {} : { mos }),
    ...(rttMs === undefined ? {} : { rttMs }),
    ...(relayed === undefined ? {} : { relayed }),
  };
}
