import type { RelayedCandidate, RelayedDescription, RelayedMediaMoved } from '@minimeet/protocol';

/** A signalling message on its way to a participant, as the relay sends it. */
export type RelayedSignal =
  | { event: 'webrtc_offer' | 'webrtc_answer'; payload: RelayedDescription }
  | { event: 'ice_candidate'; payload: RelayedCandidate }
  | { event: 'media_moved'; payload: RelayedMediaMoved };

/** Most signals queued for one participant in its grace period; past it, the oldest go first. */
export const MAX_QUEUED_SIGNALS = 256;
/** Most characters of SDP and candidates queued for one participant (a flood of big offers). */
export const MAX_QUEUED_CHARS = 1024 * 1024;

/**
 * The reconnect grace periods: a deadline per participant whose connection dropped, and the
 * signalling queued for it (bounded in count and size) until it resumes or the deadline passes.
 * Keyed by room and participant; knows nothing of sockets or the call state. The in-process
 * adapter serves one node; the Redis adapter lets a participant that dropped on one node resume on
 * another and hands each expiry to exactly one node.
 */
export interface GraceStore {
  /** Starts (or restarts) a participant's grace period of `ms`; a restart keeps what is queued. */
  start(roomId: string, participantId: string, ms: number): Promise<void>;
  /** Starts a grace period of `ms` unless one is running already, whose deadline then stays. */
  ensure(roomId: string, participantId: string, ms: number): Promise<void>;
  /** Queues a signal for a participant in its grace period; nothing happens outside one. */
  enqueue(roomId: string, participantId: string, signal: RelayedSignal): Promise<void>;
  /**
   * Moves a participant's deadline `ms` away while it resumes and keeps queueing for it until
   * {@link end}: a resume under way must neither expire nor lose what arrives meanwhile, and a
   * resume that dies half-way still ends in an expiry.
   */
  hold(roomId: string, participantId: string, ms: number): Promise<void>;
  /** Ends a participant's grace period (it resumed, left or was removed); returns what was queued, oldest first. */
  end(roomId: string, participantId: string): Promise<RelayedSignal[]>;
  /**
   * Claims the one resume of a participant that may run at a time, for at most `ms`; returns a
   * token for {@link releaseResume}, or null when another resume holds the claim.
   */
  claimResume(roomId: string, participantId: string, ms: number): Promise<string | null>;
  /** Gives a resume claim back (only the holder of `token` can). */
  releaseResume(roomId: string, participantId: string, token: string): Promise<void>;
  /**
   * Hands each grace period that ends unresumed to `onExpired`, after dropping its queue; across
   * a deployment, exactly one node hears of each.
   */
  watch(onExpired: (roomId: string, participantId: string) => void): void;
  /** Stops this node's timers. In-process periods end without expiry; shared ones stay for the other nodes. */
  close(): void;
}

/** DI token of the {@link GraceStore} port. */
export const GRACE_STORE = Symbol('GRACE_STORE');

/** Roughly how much memory a queued signal holds, in characters. */
export function signalWeight(signal: RelayedSignal): number {
  switch (signal.event) {
    case 'ice_candidate':
      return signal.payload.candidate.candidate.length + 64;
    case 'media_moved':
      return 64;
    case 'webrtc_offer':
    case 'webrtc_answer':
      return signal.payload.description.sdp.length;
  }
}
