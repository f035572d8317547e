import { describe, expect, it } from 'vitest';
import { StatsSampler, type PeerStats } from './StatsSampler.js';

const PEER = 'pa_peer00000001';

// A report as Chromium shapes it: one transport, its selected pair and candidates, and streams.
function report(t: number, n: number, relay = false): PeerStats {
  const stats: Record<string, unknown>[] = [
    { id: 'T1', type: 'transport', timestamp: t, selectedCandidatePairId: 'CP1' },
    {
      id: 'CP1',
      type: 'candidate-pair',
      timestamp: t,
      localCandidateId: 'L1',
      remoteCandidateId: 'R1',
      currentRoundTripTime: 0.042,
      bytesReceived: 100_000 * n,
    },
    { id: 'L1', type: 'local-candidate', timestamp: t, candidateType: relay ? 'relay' : 'host' },
    { id: 'R1', type: 'remote-candidate', timestamp: t, candidateType: 'host' },
    {
      id: 'IA',
      type: 'inbound-rtp',
      kind: 'audio',
      timestamp: t,
      trackIdentifier: 'remote-mic',
      packetsReceived: 250 * n,
      packetsLost: 5 * n,
      bytesReceived: 10_000 * n,
      headerBytesReceived: 3_000 * n,
      jitter: 0.0123,
      concealedSamples: 2_400 * n,
      totalSamplesReceived: 240_000 * n,
    },
    {
      id: 'IV',
      type: 'inbound-rtp',
      kind: 'video',
      timestamp: t,
      trackIdentifier: 'remote-screen',
      packetsReceived: 400 * n,
      packetsLost: 0,
      bytesReceived: 500_000 * n,
      headerBytesReceived: 12_000 * n,
      framesDecoded: 150 * n,
      frameWidth: 640,
      frameHeight: 480,
      freezeCount: n,
      totalFreezesDuration: 0.3 * n,
      jitter: 0.004,
    },
    {
      id: 'OV',
      type: 'outbound-rtp',
      kind: 'video',
      timestamp: t,
      mid: '1',
      remoteId: 'RIV',
      packetsSent: 400 * n,
      bytesSent: 400_000 * n,
      headerBytesSent: 12_000 * n,
      framesEncoded: 150 * n,
      frameWidth: 640,
      frameHeight: 480,
      qualityLimitationReason: 'bandwidth',
    },
    {
      id: 'RIV',
      type: 'remote-inbound-rtp',
      kind: 'video',
      timestamp: t,
      packetsLost: 20 * n,
      jitter: 0.0071,
      roundTripTime: 0.051,
    },
  ];
  return {
    peerId: PEER,
    report: new Map(stats.map((s) => [s.id as string, s])),
    sendingMids: new Map([['1', 'camera']]),
  };
}

describe('StatsSampler', () => {
  const sampler = () =>
    new StatsSampler((peer, track) =>
      peer === PEER && track === 'remote-screen' ? 'screen_share' : undefined,
    );

  it('measures each leg over the interval from the deltas of two reports', () => {
    const s = sampler();
    s.handleReports([report(1_000, 1)], 5_000);
    const [m] = s.handleReports([report(6_000, 3)], 5_000);
    expect(m).toMatchObject({ peerId: PEER, bytesReceived: 200_000, rttMs: 42, relayed: false });
    expect(m.packetsReceived).toBe(500 + 800);
    const [audio, video, out] = m.legs;
    expect(audio).toEqual({
      direction: 'inbound',
      kind: 'audio',
      source: 'microphone',
      peer: PEER,
      bitrate: Math.round((26_000 * 8) / 5),
      packets: 500,
      packetsLost: 10,
      rttMs: 42,
      jitterMs: 12,
      concealedRatio: 0.01,
      relayed: false,
    });
    expect(video).toMatchObject({
      kind: 'video',
      source: 'screen_share',
      bitrate: Math.round((1_024_000 * 8) / 5),
      fps: 60,
      width: 640,
      height: 480,
      freezeCount: 2,
      freezeMs: 600,
    });
    expect(out).toMatchObject({
      direction: 'outbound',
      source: 'camera',
      packets: 800,
      packetsLost: 40,
      jitterMs: 7,
      rttMs: 51,
      fps: 60,
      qualityLimitationReason: 'bandwidth',
    });
  });

  it('counts a stream first seen from zero over the interval', () => {
    const [m] = sampler().handleReports([report(1_000, 1)], 5_000);
    expect(m.legs[0]).toMatchObject({ packets: 250, bitrate: Math.round((13_000 * 8) / 5) });
  });

  it('says when the path is relayed', () => {
    const [m] = sampler().handleReports([report(1_000, 1, true)], 5_000);
    expect(m.relayed).toBe(true);
    expect(m.legs.every((l) => l.relayed === true)).toBe(true);
  });

  it('never reports a negative delta when a counter goes back', () => {
    const s = sampler();
    s.handleReports([report(1_000, 3)], 5_000);
    const [m] = s.handleReports([report(6_000, 1)], 5_000);
    expect(m.legs.every((l) => l.packets >= 0 && l.packetsLost >= 0 && l.bitrate >= 0)).toBe(true);
    expect(m.bytesReceived).toBe(0);
  });

  it("measures the SFU's uplink as no participant's, apart from a peer's stats of the same ids", () => {
    const s = sampler();
    const peer = report(1_000, 1);
    // The uplink is its own connection; Chromium names its stats objects as it does the peer's.
    const uplink: PeerStats = {
      report: report(1_000, 2).report,
      sendingMids: new Map([['1', 'camera']]),
    };
    s.handleReports([peer, uplink], 5_000);
    const [fromPeer, up] = s.handleReports(
      [report(6_000, 2), { ...uplink, report: report(6_000, 4).report }],
      5_000,
    );
    expect(up.peerId).toBeUndefined();
    expect('peerId' in up).toBe(false);
    const out = up.legs.find((l) => l.direction === 'outbound')!;
    expect('peer' in out).toBe(false);
    // Deltas of its own counters (2 to 4 units), not of the peer's (1 to 2).
    expect(out).toMatchObject({ source: 'camera', packets: 800, packetsLost: 40 });
    expect(fromPeer.legs.find((l) => l.direction === 'outbound')).toMatchObject({
      peer: PEER,
      packets: 400,
    });
  });

  it('leaves out a simulcast layer switched off (nobody watches it)', () => {
    const base = report(1_000, 1);
    const layers = new Map(base.report);
    layers.set('OV', { ...(base.report.get('OV') as object), rid: 'r1', active: false });
    const [m] = sampler().handleReports([{ ...base, report: layers }], 5_000);
    expect(m.legs.filter((l) => l.direction === 'outbound')).toEqual([]);
    expect(m.legs).toHaveLength(2);
  });

  it('reports nothing received from a peer whose connection has no stats yet', () => {
    const [m] = sampler().handleReports(
      [{ peerId: PEER, report: new Map(), sendingMids: new Map() }],
      5_000,
    );
    expect(m).toEqual({
      peerId: PEER,
      legs: [],
      bytesReceived: 0,
      packetsReceived: 0,
      relayed: false,
    });
  });
});
