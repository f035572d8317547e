import type { Room } from '@minimeet/sdk';

/** The longest a self-view waits for the others' video. */
export const SELF_VIEW_WAIT_MS = 1000;

/**
 * Whether a call's self-view may start: it waits, at the join, until the camera of everyone who
 * sent video then has shown its first frame here (or {@link SELF_VIEW_WAIT_MS} has passed). One's
 * own camera playing in a `<video>` costs a new media pipeline and a composited frame thirty times
 * a second, on the machine that is just then setting up the connections to the others (offers,
 * ICE checks, DTLS, the first decoded frame): on a small machine that work puts their video off
 * (see bench/src/element-join). Tiles share one gate per call through {@link selfViewGate}.
 */
export class SelfViewGate {
  private readonly waiting: Set<string>;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Waits for the cameras that `room`'s others publish, unmuted, now. */
  constructor(room: Room) {
    this.waiting = new Set(
      [...room.remoteParticipants.values()]
        .filter((participant) => {
          const camera = participant.getTrackPublication('camera');
          return camera !== undefined && !camera.isMuted;
        })
        .map((participant) => participant.id),
    );
    if (this.waiting.size > 0) this.timer = setTimeout(() => this.open(), SELF_VIEW_WAIT_MS);
  }

  /** Whether the self-view may play. */
  get isOpen(): boolean {
    return this.waiting.size === 0;
  }

  /** Says that a remote participant's camera has shown its first frame. */
  shown(participantId: string): void {
    if (this.waiting.delete(participantId) && this.waiting.size === 0) this.open();
  }

  /** Runs `listener` once the gate opens (at once when it is open); returns a way to cancel. */
  whenOpen(listener: () => void): () => void {
    if (this.isOpen) {
      listener();
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private open(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.clear();
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }
}

const gates = new WeakMap<Room, SelfViewGate>();

/** The self-view gate of `room`, made on first use (that is, at the join). */
export function selfViewGate(room: Room): SelfViewGate {
  let gate = gates.get(room);
  if (!gate) {
    gate = new SelfViewGate(room);
    gates.set(room, gate);
  }
  return gate;
}
