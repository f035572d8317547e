import { describe, expect, it } from 'vitest';
import { sfuPeerStats } from './sfu-stats.js';

const ANN = 'pa_ann000000001';
const BEN = 'pa_ben000000001';

// A report of one RTP stream on one transport, as Chromium names its objects: the transport and
// its candidate pair carry the same ids on every peer connection.
const report = (stream: Record<string, unknown>, rtt: number): Map<string, unknown> =>
  new Map<string, unknown>([
    ['T01', { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP1' }],
    ['CP1', { id: 'CP1', type: 'candidate-pair', currentRoundTripTime: rtt }],
    [stream.id as string, stream],
  ]);

describe('sfuPeerStats', () => {
  it("merges each participant's consumers and keeps what this side sends apart, as no participant's", () => {
    const peers = sfuPeerStats(
      [
        {
          participantId: ANN,
          report: report({ id: 'IV1', type: 'inbound-rtp', kind: 'video' }, 0.01),
        },
        {
          participantId: BEN,
          report: report({ id: 'IV2', type: 'inbound-rtp', kind: 'video' }, 0.01),
        },
        {
          participantId: ANN,
          report: report({ id: 'IA3', type: 'inbound-rtp', kind: 'audio' }, 0.01),
        },
      ],
      [
        {
          source: 'camera',
          mid: '0',
          report: report({ id: 'OV0', type: 'outbound-rtp', mid: '0' }, 0.2),
        },
        {
          source: 'microphone',
          mid: '1',
          report: report({ id: 'OA1', type: 'outbound-rtp', mid: '1' }, 0.2),
        },
      ],
    );
    expect(peers.map((p) => p.peerId)).toEqual([ANN, BEN, undefined]);
    const [ann, ben, uplink] = peers;
    expect([...ann.report.keys()].sort()).toEqual(['CP1', 'IA3', 'IV1', 'T01']);
    expect([...ben.report.keys()].sort()).toEqual(['CP1', 'IV2', 'T01']);
    // Nothing sent shows under a participant: not the streams, not the send transport's pair.
    for (const peer of [ann, ben]) {
      expect(peer.sendingMids.size).toBe(0);
      expect(peer.report.get('CP1')).toMatchObject({ currentRoundTripTime: 0.01 });
    }
    expect([...uplink.report.keys()].sort()).toEqual(['CP1', 'OA1', 'OV0', 'T01']);
    expect(uplink.report.get('CP1')).toMatchObject({ currentRoundTripTime: 0.2 });
    expect([...uplink.sendingMids]).toEqual([
      ['0', 'camera'],
      ['1', 'microphone'],
    ]);
  });

  it('reports an uplink when nobody else sends anything, and none when this side sends nothing', () => {
    const alone = sfuPeerStats(
      [],
      [
        {
          source: 'screen_share',
          mid: '2',
          report: report({ id: 'OV2', type: 'outbound-rtp' }, 0.05),
        },
      ],
    );
    expect(alone).toHaveLength(1);
    expect(alone[0].peerId).toBeUndefined();
    expect([...alone[0].sendingMids]).toEqual([['2', 'screen_share']]);

    const viewer = sfuPeerStats(
      [{ participantId: ANN, report: report({ id: 'IV1', type: 'inbound-rtp' }, 0.01) }],
      [],
    );
    expect(viewer.map((p) => p.peerId)).toEqual([ANN]);
  });
});
