import type { ClientEventName, ServerEventName, ServerToClientEvents } from '@minimeet/protocol';
import type { ConnectionChange, SignalChannel } from '../signaling/SignalChannel.js';
import type { RequestPayload, RequestResult } from '../signaling/SignalClient.js';

type Listener = (...args: unknown[]) => void;

/**
 * A {@link SignalChannel} that starts listening to some server events before anyone subscribes
 * to them and holds what arrives until {@link release}: a room subscribes once it is built from
 * the join answer, while the server may already be sending (a newcomer, an offer, a consumer).
 */
export class EarlyEvents implements SignalChannel {
  private held: [ServerEventName, unknown[]][] | undefined = [];
  private readonly listeners = new Map<ServerEventName, Set<Listener>>();
  private readonly stops: (() => void)[];

  /** Starts holding `events` of `channel`. */
  constructor(
    private readonly channel: SignalChannel,
    events: readonly ServerEventName[],
  ) {
    this.stops = events.map((event) => {
      this.listeners.set(event, new Set());
      return channel.subscribe(event, (...args: unknown[]) => {
        if (this.held) this.held.push([event, args]);
        else this.fire(event, args);
      });
    });
  }

  /** Whether requests can be sent now. */
  get isConnected(): boolean {
    return this.channel.isConnected;
  }

  /** Sends a request through the channel. */
  request<E extends ClientEventName>(
    event: E,
    payload: RequestPayload<E>,
  ): Promise<RequestResult<E>> {
    return this.channel.request(event, payload);
  }

  /** Subscribes to a server event; held events reach the subscribers at {@link release}. */
  subscribe<E extends ServerEventName>(event: E, listener: ServerToClientEvents[E]): () => void {
    const set = this.listeners.get(event);
    if (!set) return this.channel.subscribe(event, listener);
    const fn = listener as Listener;
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Follows the channel's connection. */
  onConnectionChange(listener: (change: ConnectionChange) => void): () => void {
    return this.channel.onConnectionChange(listener);
  }

  /** Has the channel's connection checked. */
  verify(): void {
    this.channel.verify();
  }

  /** Hands the held events to the subscribers, in order; later events pass straight through. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const [event, args] of held) this.fire(event, args);
  }

  /** Stops listening. */
  close(): void {
    this.held = undefined;
    for (const stop of this.stops.splice(0)) stop();
    this.listeners.clear();
  }

  private fire(event: ServerEventName, args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
  }
}
