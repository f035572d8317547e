import type {
  ClientEventName,
  ServerEventName,
  ServerToClientEvents,
  SessionInfo,
} from '@minimeet/protocol';
import type { RequestPayload, RequestResult } from './SignalClient.js';

/** A change of the client's connection that a room must follow. */
export type ConnectionChange =
  /** The connection dropped; the client is reconnecting with backoff. */
  | { type: 'dropped' }
  /** The client reconnected; the server knows it under a new connection id. */
  | { type: 'restored'; session: SessionInfo }
  /**
   * The browser reported the network back or changed and the open connection still answers:
   * media paths may have changed under it.
   */
  | { type: 'network_changed' }
  /** The client is disconnected for good (`disconnect()` or a fatal error). */
  | { type: 'closed' };

/**
 * The internal seam between a {@link MinimeetClient} and the rooms it joins: requests, server
 * events and the connection's lifecycle, without the socket. Apps never see it.
 */
export interface SignalChannel {
  /** Whether requests can be sent now. */
  readonly isConnected: boolean;
  /** Sends request `event` and resolves with the answer; rejects with a `MinimeetError`. */
  request<E extends ClientEventName>(
    event: E,
    payload: RequestPayload<E>,
  ): Promise<RequestResult<E>>;
  /** Calls `listener` for every server event `event`; returns the function that stops it. */
  subscribe<E extends ServerEventName>(event: E, listener: ServerToClientEvents[E]): () => void;
  /** Calls `listener` on every connection change; returns the function that stops it. */
  onConnectionChange(listener: (change: ConnectionChange) => void): () => void;
  /**
   * Asks the client to make sure the connection still works, because something else (the media)
   * lost its way: it pings the server and, when no answer comes in time, reconnects. Does nothing
   * unless connected.
   */
  verify(): void;
}
