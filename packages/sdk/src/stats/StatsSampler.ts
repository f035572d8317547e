import type { QualityLeg, QualityLimitationReason, TrackSource } from '@minimeet/protocol';

/** One stats object of an `RTCStatsReport`, read loosely: every field may be missing. */
type Stat = Record<string, unknown> & { id: string; type: string; timestamp: number };

/** A peer connection's `getStats()` report, or any map of stats objects by id (tests). */
export type StatsReport = ReadonlyMap<string, unknown>;

/** What a media transport hands over of one media connection. */
export interface PeerStats {
  /**
   * The participant at the other end; absent for a connection to a media server that carries
   * what this side sends to everyone (the SFU's uplink), which is this side's own.
   */
  peerId?: string;
  /** The connection's `getStats()` report. */
  report: StatsReport;
  /** The source sent on each negotiated `mid`, for outbound streams. */
  sendingMids: ReadonlyMap<string, TrackSource>;
}

/** What one media connection measured over one interval. */
export interface PeerMeasurement {
  /** The participant at the other end; absent for the SFU's uplink (see {@link PeerStats}). */
  peerId?: string;
  /** Its legs, both directions. */
  legs: QualityLeg[];
  /** Bytes of anything (media, RTCP, STUN) received on the selected path in the interval. */
  bytesReceived: number;
  /** RTP packets received from the peer in the interval. */
  packetsReceived: number;
  /** Round-trip time of the selected path in milliseconds, if measured. */
  rttMs?: number;
  /** True when the selected path goes through a TURN server. */
  relayed: boolean;
}

// The counters a delta is taken of, with their value at the previous sample.
interface Counters {
  timestamp: number;
  values: Record<string, number>;
}

const COUNTERS = [
  'packetsReceived',
  'packetsSent',
  'packetsLost',
  'bytesReceived',
  'bytesSent',
  'headerBytesReceived',
  'headerBytesSent',
  'framesDecoded',
  'framesEncoded',
  'freezeCount',
  'totalFreezesDuration',
  'concealedSamples',
  'totalSamplesReceived',
] as const;

const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const clamp = (value: number, max: number): number => Math.min(max, Math.max(0, value));
const whole = (value: number, max: number): number => Math.round(clamp(value, max));
const step = (value: number, unit: number, max: number): number =>
  Math.round(clamp(value, max) / unit) * unit;

const LIMITATIONS: readonly string[] = ['none', 'cpu', 'bandwidth', 'other'];

// Where the counters of a connection without a participant (the SFU's uplink) are kept; no
// participant id looks like this.
const UPLINK_KEY = '@uplink';

/**
 * Turns successive `getStats()` reports into per-leg measurements over each interval (deltas of
 * the cumulative counters, per W3C webrtc-stats), rounded and bounded as the wire contract wants.
 * A stream first seen counts from zero: it began within the interval.
 */
export class StatsSampler {
  private previous = new Map<string, Counters>();

  /**
   * Creates a sampler; `sourceOfTrack` names the source of an inbound track, as its sender
   * announced it (the kind decides when it cannot).
   */
  constructor(
    private readonly sourceOfTrack: (peerId: string, trackId: string) => TrackSource | undefined,
  ) {}

  /** Measures one interval of `intervalMs` from the peers' current reports. */
  handleReports(peers: readonly PeerStats[], intervalMs: number): PeerMeasurement[] {
    const next = new Map<string, Counters>();
    const measurements = peers.map((peer) => this.measure(peer, intervalMs, next));
    this.previous = next;
    return measurements;
  }

  private measure(
    { peerId, report, sendingMids }: PeerStats,
    intervalMs: number,
    next: Map<string, Counters>,
  ): PeerMeasurement {
    const stats = new Map<string, Stat>();
    for (const [id, value] of report) stats.set(id, value as Stat);
    const delta = (stat: Stat) => {
      const key = `${peerId ?? UPLINK_KEY}/${stat.id}`;
      const values: Record<string, number> = {};
      for (const name of COUNTERS) {
        const v = num(stat[name]);
        if (v !== undefined) values[name] = v;
      }
      next.set(key, { timestamp: stat.timestamp, values });
      const before = this.previous.get(key);
      const seconds = Math.max(
        0.001,
        (before ? stat.timestamp - before.timestamp : intervalMs) / 1000,
      );
      return {
        seconds,
        of: (name: (typeof COUNTERS)[number]) =>
          Math.max(0, (values[name] ?? 0) - (before?.values[name] ?? 0)),
      };
    };

    const pair = selectedPair(stats);
    const pairRtt = num(pair?.currentRoundTripTime);
    const rttMs = pairRtt === undefined ? undefined : whole(pairRtt * 1000, 60_000);
    const relayed = [pair?.localCandidateId, pair?.remoteCandidateId].some(
      (id) => typeof id === 'string' && stats.get(id)?.candidateType === 'relay',
    );
    const pairDelta = pair ? delta(pair) : undefined;
    let packetsReceived = 0;
    const legs: QualityLeg[] = [];

    for (const stat of stats.values()) {
      const kind = stat.kind;
      if ((stat.type !== 'inbound-rtp' && stat.type !== 'outbound-rtp') || !isKind(kind)) continue;
      const inbound = stat.type === 'inbound-rtp';
      // A simulcast layer switched off because nobody watches it sends nothing, rightly.
      if (!inbound && stat.active === false) continue;
      const d = delta(stat);
      const bytes = inbound
        ? d.of('bytesReceived') + d.of('headerBytesReceived')
        : d.of('bytesSent') + d.of('headerBytesSent');
      const fallback: TrackSource = kind === 'audio' ? 'microphone' : 'camera';
      const source = inbound
        ? peerId === undefined
          ? undefined
          : this.sourceOfTrack(peerId, str(stat.trackIdentifier))
        : sendingMids.get(str(stat.mid));
      const leg: QualityLeg = {
        direction: inbound ? 'inbound' : 'outbound',
        kind,
        source: source ?? fallback,
        ...(peerId === undefined ? {} : { peer: peerId }),
        bitrate: whole((bytes * 8) / d.seconds, 1_000_000_000),
        packets: 0,
        packetsLost: 0,
      };
      if (rttMs !== undefined) leg.rttMs = rttMs;
      let jitter = num(stat.jitter);
      if (inbound) {
        leg.packets = whole(d.of('packetsReceived'), 10_000_000);
        leg.packetsLost = whole(d.of('packetsLost'), 10_000_000);
        packetsReceived += leg.packets;
      } else {
        leg.packets = whole(d.of('packetsSent'), 10_000_000);
        // What the receiver reported over RTCP: loss, jitter and the round trip of this stream.
        const remote = stats.get(str(stat.remoteId));
        if (remote) {
          leg.packetsLost = whole(delta(remote).of('packetsLost'), 10_000_000);
          jitter = num(remote.jitter);
          const rtt = num(remote.roundTripTime);
          if (rtt !== undefined) leg.rttMs = whole(rtt * 1000, 60_000);
        }
      }
      if (jitter !== undefined) leg.jitterMs = whole(jitter * 1000, 60_000);
      if (kind === 'video') {
        const frames = inbound ? d.of('framesDecoded') : d.of('framesEncoded');
        leg.fps = step(frames / d.seconds, 0.1, 240);
        const width = num(stat.frameWidth);
        const height = num(stat.frameHeight);
        if (width !== undefined) leg.width = whole(width, 16_384);
        if (height !== undefined) leg.height = whole(height, 16_384);
        if (inbound) {
          leg.freezeCount = whole(d.of('freezeCount'), 10_000);
          leg.freezeMs = whole(d.of('totalFreezesDuration') * 1000, 600_000);
        } else if (LIMITATIONS.includes(str(stat.qualityLimitationReason))) {
          leg.qualityLimitationReason = stat.qualityLimitationReason as QualityLimitationReason;
        }
      } else if (inbound) {
        const total = d.of('totalSamplesReceived');
        if (total > 0) leg.concealedRatio = step(d.of('concealedSamples') / total, 0.001, 1);
      }
      if (relayed) leg.relayed = true;
      else if (pair) leg.relayed = false;
      legs.push(leg);
    }
    return {
      ...(peerId === undefined ? {} : { peerId }),
      legs,
      bytesReceived: pairDelta?.of('bytesReceived') ?? 0,
      packetsReceived,
      ...(rttMs === undefined ? {} : { rttMs }),
      relayed,
    };
  }
}

function isKind(kind: unknown): kind is 'audio' | 'video' {
  return kind === 'audio' || kind === 'video';
}

// The candidate pair the transport uses: named by the transport, else the nominated succeeded one.
function selectedPair(stats: ReadonlyMap<string, Stat>): Stat | undefined {
  for (const stat of stats.values()) {
    if (stat.type === 'transport' && typeof stat.selectedCandidatePairId === 'string') {
      const pair = stats.get(stat.selectedCandidatePairId);
      if (pair) return pair;
    }
  }
  for (const stat of stats.values()) {
    if (stat.type === 'candidate-pair' && stat.nominated === true && stat.state === 'succeeded') {
      return stat;
    }
  }
  return undefined;
}
