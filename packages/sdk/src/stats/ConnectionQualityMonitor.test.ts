import type { QualitySample } from '@minimeet/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { QUALITY_DEFAULTS } from '../defaults.js';
import { ConnectionQualityMonitor, type ConnectionQuality } from './ConnectionQualityMonitor.js';
import type { PeerStats } from './StatsSampler.js';

const LOCAL = 'pa_local0000001';
const PEER = 'pa_peer00000001';

// A peer's report after `n` seconds of a call that loses `loss` of the packets in both directions.
function report(n: number, loss: number): PeerStats {
  const t = n * 1000;
  const got = 50 * n;
  const stats = [
    { id: 'T', type: 'transport', timestamp: t, selectedCandidatePairId: 'CP' },
    {
      id: 'CP',
      type: 'candidate-pair',
      timestamp: t,
      currentRoundTripTime: 0.04,
      bytesReceived: 20_000 * n,
    },
    {
      id: 'IA',
      type: 'inbound-rtp',
      kind: 'audio',
      timestamp: t,
      trackIdentifier: 'mic',
      packetsReceived: got * (1 - loss),
      packetsLost: got * loss,
      bytesReceived: got * 100,
      jitter: 0.005,
    },
    {
      id: 'OA',
      type: 'outbound-rtp',
      kind: 'audio',
      timestamp: t,
      mid: '0',
      remoteId: 'RA',
      packetsSent: 50 * n,
      bytesSent: 5_000 * n,
    },
    {
      id: 'RA',
      type: 'remote-inbound-rtp',
      kind: 'audio',
      timestamp: t,
      packetsLost: 50 * n * loss,
      jitter: 0.005,
      roundTripTime: 0.04,
    },
  ];
  return {
    peerId: PEER,
    report: new Map(stats.map((s) => [s.id, s])),
    sendingMids: new Map([['0', 'microphone']]),
  };
}

describe('ConnectionQualityMonitor', () => {
  let monitor: ConnectionQualityMonitor | undefined;
  afterEach(() => monitor?.close());

  function start(samplesPerReport = 2) {
    const state = { reports: [] as PeerStats[], sent: [] as QualitySample[][] };
    const changes: [string, ConnectionQuality][] = [];
    monitor = new ConnectionQualityMonitor(
      {
        localId: () => LOCAL,
        collect: () => Promise.resolve(state.reports),
        sourceOfTrack: () => 'microphone',
        publishes: () => true,
        send: (samples) => {
          state.sent.push(samples);
          return Promise.resolve();
        },
        canSend: () => true,
      },
      {
        ...QUALITY_DEFAULTS,
        sampleIntervalMs: 3_600_000,
        samplesPerReport,
        maxBufferedSamples: 24,
      },
    );
    monitor.on('qualityChanged', (id, quality) => changes.push([id, quality]));
    return { state, changes };
  }

  it('rates a clean call excellent for both ends and reports batches with a MOS in range', async () => {
    const { state, changes } = start();
    for (let n = 1; n <= 4; n++) {
      state.reports = [report(n, 0)];
      await monitor!.sample();
    }
    expect(changes).toEqual([
      [PEER, 'excellent'],
      [LOCAL, 'excellent'],
    ]);
    expect(state.sent).toHaveLength(2);
    const first = state.sent[0][0];
    expect(first.level).toBe('excellent');
    expect(first.mos).toBeGreaterThan(4);
    expect(first.mos).toBeLessThanOrEqual(4.5);
    expect(first.legs.map((l) => l.direction).sort()).toEqual(['inbound', 'outbound']);
    const snapshot = monitor!.snapshot!;
    expect(snapshot.remotes[0]).toMatchObject({ participantId: PEER, quality: 'excellent' });
    expect(snapshot.local).toMatchObject({ participantId: LOCAL, quality: 'excellent', rttMs: 40 });
  });

  it('drops to poor after two lossy samples, and to lost when nothing arrives', async () => {
    const { state, changes } = start(0);
    state.reports = [report(1, 0)];
    await monitor!.sample();
    for (const n of [2, 3]) {
      state.reports = [report(n, 0.25)];
      await monitor!.sample();
    }
    expect(monitor!.qualityOf(PEER)).toBe('poor');
    expect(monitor!.qualityOf(LOCAL)).toBe('poor');
    // The counters stop where they were: nothing more arrives.
    const stalled = report(3, 0.25);
    for (const n of [4, 5]) {
      state.reports = [
        {
          ...stalled,
          report: new Map(
            [...stalled.report].map(([id, s]) => [id, { ...(s as object), timestamp: n * 1000 }]),
          ),
        },
      ];
      await monitor!.sample();
    }
    expect(monitor!.qualityOf(PEER)).toBe('lost');
    expect(changes.filter(([id]) => id === PEER).map(([, q]) => q)).toEqual([
      'excellent',
      'poor',
      'lost',
    ]);
    expect(state.sent).toEqual([]);
  });

  it("takes the SFU's uplink as the local participant's own, once, and as no remote's", async () => {
    const { state, changes } = start();
    // On the SFU: what arrives from the peer comes on the receive transport, what this side
    // sends goes on the send transport to the server, for everyone.
    const sfu = (n: number, uplinkLoss: number): PeerStats[] => {
      const clean = report(n, 0);
      const lossy = report(n, uplinkLoss);
      const only = (from: PeerStats, type: string) =>
        new Map([...from.report].filter(([, s]) => (s as { type: string }).type !== type));
      return [
        { peerId: PEER, report: only(clean, 'outbound-rtp'), sendingMids: new Map() },
        { report: only(lossy, 'inbound-rtp'), sendingMids: lossy.sendingMids },
      ];
    };
    for (let n = 1; n <= 4; n++) {
      state.reports = sfu(n, 0.25);
      await monitor!.sample();
    }
    const snapshot = monitor!.snapshot!;
    // The peer's media arrives cleanly; what this side sends loses a quarter on its way up.
    expect(snapshot.remotes.map((r) => [r.participantId, r.quality])).toEqual([
      [PEER, 'excellent'],
    ]);
    expect(snapshot.remotes[0].legs.every((l) => l.direction === 'inbound')).toBe(true);
    expect(snapshot.local.quality).toBe('poor');
    expect(snapshot.local.legs).toHaveLength(1);
    expect(snapshot.local.legs[0]).toMatchObject({ direction: 'outbound', source: 'microphone' });
    expect('peer' in snapshot.local.legs[0]).toBe(false);
    expect(changes.map(([id]) => id).every((id) => id === PEER || id === LOCAL)).toBe(true);
    // Each leg once in what the server receives: one inbound from the peer, one outbound up.
    const legs = state.sent.flat().at(-1)!.legs;
    expect(legs.map((l) => [l.direction, l.peer])).toEqual([
      ['inbound', PEER],
      ['outbound', undefined],
    ]);
  });

  it('keeps a peer unknown, not lost, while its connection is still being set up', async () => {
    const { state, changes } = start();
    for (let n = 1; n <= 3; n++) {
      state.reports = [{ peerId: PEER, report: new Map(), sendingMids: new Map() }];
      await monitor!.sample();
    }
    expect(monitor!.qualityOf(PEER)).toBe('unknown');
    expect(changes).toEqual([]);
    expect(state.sent).toEqual([]);
  });
});
