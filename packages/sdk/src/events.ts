import type { AuthSession, SessionInfo } from '@minimeet/protocol';
import type { ConnectionState } from './client/ConnectionState.js';
import type { ConnectionError, MinimeetError } from './errors.js';

/** Events of a {@link MinimeetClient}; listen with `client.on(ClientEvent.X, …)`. */
export enum ClientEvent {
  /**
   * The connection state changed.
   *
   * args: (`state`: {@link ConnectionState}, `previous`: {@link ConnectionState})
   */
  ConnectionStateChanged = 'connectionStateChanged',
  /**
   * `connect()` opened the first connection and the server authenticated it.
   *
   * args: (`session`: {@link SessionInfo})
   */
  Connected = 'connected',
  /**
   * An open connection dropped unexpectedly and the client starts reconnecting; emitted once per
   * outage, before the first attempt.
   *
   * args: (`cause`: {@link ConnectionError})
   */
  Reconnecting = 'reconnecting',
  /**
   * A reconnect attempt is scheduled.
   *
   * args: (`attempt`: number, from 1; `delayMs`: number until it starts; `lastError`:
   * ConnectionError, why the connection dropped or why the previous attempt failed)
   */
  ReconnectScheduled = 'reconnectScheduled',
  /**
   * The client reconnected after a drop and the server authenticated the new connection.
   *
   * args: (`session`: {@link SessionInfo}, with a new `connectionId`)
   */
  Reconnected = 'reconnected',
  /**
   * The client is disconnected and will not reconnect by itself; emitted once per disconnection.
   *
   * args: (`error`: {@link ConnectionError} saying why, or `undefined` after `disconnect()`)
   */
  Disconnected = 'disconnected',
  /**
   * The server warned that the connection's token expires soon.
   *
   * args: (`tokenExpiresAt`: Date)
   */
  SessionExpiring = 'sessionExpiring',
  /**
   * The connection's token was replaced with a fresh one from the token provider.
   *
   * args: (`tokenExpiresAt`: Date of the new token's expiry)
   */
  TokenRefreshed = 'tokenRefreshed',
  /**
   * Replacing the connection's token failed; the client retries while the old one is valid.
   *
   * args: (`error`: {@link MinimeetError})
   */
  TokenRefreshFailed = 'tokenRefreshFailed',
  /**
   * The server reported an error that belongs to no request.
   *
   * args: (`error`: {@link MinimeetError})
   */
  ServerNoticeReceived = 'serverNoticeReceived',
}

/** The listener signature of each {@link ClientEvent}. */
export interface ClientEventCallbacks {
  [ClientEvent.ConnectionStateChanged]: (state: ConnectionState, previous: ConnectionState) => void;
  [ClientEvent.Connected]: (session: SessionInfo) => void;
  [ClientEvent.Reconnecting]: (cause: ConnectionError) => void;
  [ClientEvent.ReconnectScheduled]: (
    attempt: number,
    delayMs: number,
    lastError: ConnectionError,
  ) => void;
  [ClientEvent.Reconnected]: (session: SessionInfo) => void;
  [ClientEvent.Disconnected]: (error: ConnectionError | undefined) => void;
  [ClientEvent.SessionExpiring]: (tokenExpiresAt: Date) => void;
  [ClientEvent.TokenRefreshed]: (tokenExpiresAt: Date) => void;
  [ClientEvent.TokenRefreshFailed]: (error: MinimeetError) => void;
  [ClientEvent.ServerNoticeReceived]: (error: MinimeetError) => void;
}

/** Events of an {@link AuthClient}; listen with `auth.on(AuthEvent.X, …)`. */
export enum AuthEvent {
  /**
   * The signed-in session changed: signed in, refreshed, restored from storage, or signed out.
   *
   * args: (`session`: {@link AuthSession}, or `null` when signed out)
   */
  SessionChanged = 'sessionChanged',
}

/** The listener signature of each {@link AuthEvent}. */
export interface AuthClientCallbacks {
  [AuthEvent.SessionChanged]: (session: AuthSession | null) => void;
}
