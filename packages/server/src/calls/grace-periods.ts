import type { RelayedCandidate, RelayedDescription } from '@minimeet/protocol';

/** A signalling message on its way to a participant, as the relay sends it. */
export type RelayedSignal =
  | { event: 'webrtc_offer' | 'webrtc_answer'; payload: RelayedDescription }
  | { event: 'ice_candidate'; payload: RelayedCandidate };

// Signals for a participant in its grace period wait here; past this many, or past this many
// characters of SDP and candidates (a flood of big offers), the oldest go first.
const MAX_QUEUED_SIGNALS = 256;
const MAX_QUEUED_CHARS = 1024 * 1024;

interface Grace {
  timer: NodeJS.Timeout;
  queue: RelayedSignal[];
  chars: number;
}

/**
 * The reconnect grace periods of this node: one timer per participant whose connection dropped,
 * and the signalling queued for it until it resumes (bounded in count and size) or the timer
 * fires. Keyed by room and participant; knows nothing of sockets or the call state.
 */
export class GracePeriods {
  private readonly graces = new Map<string, Grace>();

  /** Starts (or restarts) a participant's grace period; `onExpire` runs when it ends unresumed. */
  start(roomId: string, participantId: string, ms: number, onExpire: () => void): void {
    const key = keyOf(roomId, participantId);
    const previous = this.graces.get(key);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => {
      this.graces.delete(key);
      onExpire();
    }, ms);
    timer.unref();
    this.graces.set(key, { timer, queue: previous?.queue ?? [], chars: previous?.chars ?? 0 });
  }

  /** Queues a signal for a participant in its grace period; the oldest go first past the limits. */
  enqueue(roomId: string, participantId: string, signal: RelayedSignal): void {
    const grace = this.graces.get(keyOf(roomId, participantId));
    if (!grace) return;
    grace.queue.push(signal);
    grace.chars += weight(signal);
    while (
      grace.queue.length > MAX_QUEUED_SIGNALS ||
      (grace.chars > MAX_QUEUED_CHARS && grace.queue.length > 1)
    ) {
      grace.chars -= weight(grace.queue.shift()!);
    }
  }

  /**
   * Stops a participant's timer while it resumes, and keeps queueing for it until {@link end}:
   * a resume that is under way must neither expire nor lose what arrives meanwhile.
   */
  hold(roomId: string, participantId: string): void {
    const grace = this.graces.get(keyOf(roomId, participantId));
    if (grace) clearTimeout(grace.timer);
  }

  /** Ends a participant's grace period (it resumed, left or was removed); returns what was queued. */
  end(roomId: string, participantId: string): RelayedSignal[] {
    const key = keyOf(roomId, participantId);
    const grace = this.graces.get(key);
    if (!grace) return [];
    clearTimeout(grace.timer);
    this.graces.delete(key);
    return grace.queue;
  }

  /** Ends every grace period without running its expiry (the server is going away). */
  clear(): void {
    for (const grace of this.graces.values()) clearTimeout(grace.timer);
    this.graces.clear();
  }
}

/** Roughly how much memory a queued signal holds, in characters. */
function weight(signal: RelayedSignal): number {
  return signal.event === 'ice_candidate'
    ? signal.payload.candidate.candidate.length + 64
    : signal.payload.description.sdp.length;
}

function keyOf(roomId: string, participantId: string): string {
  return `${roomId}\n${participantId}`;
}
