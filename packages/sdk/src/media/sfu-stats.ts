import type { TrackSource } from '@minimeet/protocol';
import type { PeerStats, StatsReport } from '../stats/StatsSampler.js';

/** The stats of one consumer, for {@link sfuPeerStats}. */
export interface ReceivedStats {
  /** The participant whose track the consumer receives. */
  participantId: string;
  /** The consumer's `getStats()` report (its receiver's, on the receive transport). */
  report: StatsReport;
}

/** The stats of one producer, for {@link sfuPeerStats}. */
export interface SentStats {
  /** The source it sends. */
  source: TrackSource;
  /** Its `mid` on the send transport, which the `outbound-rtp` stats name. */
  mid: string | undefined;
  /** The producer's `getStats()` report (its sender's, on the send transport). */
  report: StatsReport;
}

/**
 * The SFU's stats in the shape quality monitoring takes: per remote participant, the reports of
 * its consumers merged into one; and the producers' reports as one entry of their own, without a
 * participant, since what this side sends goes once to the server for everyone: it is this side's
 * uplink, not any one participant's, and counts once (as the mesh's sending stats count toward
 * this side's own connection). The send and the receive transport are separate connections whose
 * stats objects may share ids, so their reports are never merged.
 */
export function sfuPeerStats(
  received: readonly ReceivedStats[],
  sent: readonly SentStats[],
): PeerStats[] {
  const byPeer = new Map<string, Map<string, unknown>>();
  for (const { participantId, report } of received) {
    const merged = byPeer.get(participantId) ?? new Map<string, unknown>();
    for (const [id, stat] of report) merged.set(id, stat);
    byPeer.set(participantId, merged);
  }
  const peers: PeerStats[] = [...byPeer].map(([peerId, report]) => ({
    peerId,
    report,
    sendingMids: new Map(),
  }));
  if (sent.length === 0) return peers;
  const uplink = new Map<string, unknown>();
  const sendingMids = new Map<string, TrackSource>();
  for (const { source, mid, report } of sent) {
    if (mid) sendingMids.set(mid, source);
    for (const [id, stat] of report) uplink.set(id, stat);
  }
  return [...peers, { report: uplink, sendingMids }];
}
