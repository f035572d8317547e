/** What the capacity bench drives on either media server: publishers, subscribers, a process. */
import type { RTCPeerConnection } from 'werift';
import type { Vp8Source } from './vp8-source.js';
import type { ReceiveCounter } from './werift-peer.js';

/** A synthetic camera published into the SFU. */
export interface Publisher {
  /** mediasoup's producer id, or the Janus feed id. */
  readonly feed: string;
  readonly pc: RTCPeerConnection;
  readonly source: Vp8Source;
}

/** A peer receiving every publisher's stream on one connection. */
export interface Subscriber {
  readonly pc: RTCPeerConnection;
  readonly counter: ReceiveCounter;
  /** Streams it receives (consumers on mediasoup, subscribed streams on Janus). */
  readonly streams: number;
}

/** How a subscriber treats what it receives; see werift-peer.ts. */
export type ReceiveMode = 'probe' | 'count';

/** One media server under test, inside the bench's network namespace. */
export interface SfuUnderTest {
  /** What the tables call it. */
  readonly name: string;
  /** The process whose CPU time is the cost (mediasoup's worker, the Janus process). */
  readonly pid: number;
  publish(): Promise<Publisher>;
  subscribe(feeds: readonly Publisher[], mode: ReceiveMode): Promise<Subscriber>;
  /** Closes the peers, then stops the server process. Safe to call more than once. */
  stop(): Promise<void>;
}
